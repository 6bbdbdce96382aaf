from typing import Any, Mapping

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ names|lookup:slug }}``: a pattern's name from its slug (the slug if unknown)."""
    return mapping.get(key, key)


@register.filter
def pattern_list(slugs: list[str]) -> str:
    """``{{ revision.patterns|pattern_list }}``: the patterns' names, joined ("A, B and C")."""
    from advisor.architectures.evaluation import words
    from patterns.store import current_engine

    names = [words(current_engine()).pattern(slug) for slug in slugs]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


@register.filter
def drawn_patterns(slugs: list[str]) -> str:
    """``{{ revision.patterns|drawn_patterns }}``: what a drawing of these patterns shows, for its alt text."""
    return f"{pattern_list(slugs)}, with the queues, tables and dead-letter paths each one brings"
