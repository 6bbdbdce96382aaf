"""How the analyzer recognises a function reading a DynamoDB stream."""


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    return any(source.kind == "dynamodb" for source in t.sources)
