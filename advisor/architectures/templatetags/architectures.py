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
def pattern_list(slugs: list[str]) -> str:
    """``{{ revision.patterns|pattern_list }}``: the patterns' names, joined ("A, B and C")."""
    from advisor.architectures.evaluation import words
    from patterns.store import current_engine

    names = [words(current_engine()).pattern(slug) for slug in slugs]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
