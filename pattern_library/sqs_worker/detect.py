"""How the analyzer recognises a function that takes messages from an SQS queue."""


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    return any(source.kind == "sqs" for source in t.sources)
