from typing import Any, Mapping

from django import template

from ..changes import fmt

register = template.Library()


@register.filter
def lookup(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ names|lookup:slug }}``: a pattern's name from its slug (the slug if unknown)."""
    return mapping.get(key, key)


@register.filter
def answer(value: Any) -> str:
    """An answer value as people read it (yes/no, 1,000, not set)."""
    return fmt(value)


@register.filter
def broken(limits: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The limit checks of a recommendation that fail."""
    return [check for check in limits if not check.get("ok")]


@register.filter
def cost_groups(cost: Mapping[str, Any] | None, part: str = "lines") -> tuple:
    """A stored cost's lines (or ``alternatives``) grouped by component, with their arithmetic."""
    from advisor.questionnaire.panel import cost_groups as grouped
    from patterns.cost import CostLine

    return grouped(CostLine.from_dict(line) for line in (cost or {}).get(part, ()))
