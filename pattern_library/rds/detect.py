"""How the analyzer recognises a relational database reached from functions."""

from analyzer.model import DATABASE_TYPES, PROXY_TYPES


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    return bool(t.of_type(*DATABASE_TYPES, *PROXY_TYPES)) or any(any(t.database_access(f)[:2]) for f in t.functions)
