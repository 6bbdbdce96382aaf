"""How the analyzer recognises a Step Functions workflow."""

from patterns.analyzer import STATE_MACHINE_TYPES


def detect(t) -> bool:
    """``t``: the analyzer's template model (patterns.analyzer._Template)."""
    return bool(t.of_type(*STATE_MACHINE_TYPES))
