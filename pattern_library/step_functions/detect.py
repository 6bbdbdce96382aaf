"""How the analyzer recognises a Step Functions workflow."""

from analyzer.model import STATE_MACHINE_TYPES


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    return bool(t.of_type(*STATE_MACHINE_TYPES))
