"""How the analyzer recognises an API in front of functions."""


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    return any(source.kind == "api" for source in t.sources)
