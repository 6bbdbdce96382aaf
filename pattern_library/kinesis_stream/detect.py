"""How the analyzer recognises a function reading a Kinesis data stream."""


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template): a SAM ``Kinesis``
    event or an event source mapping on a stream (or a stream's enhanced fan-out consumer)."""
    return any(source.kind == "kinesis" and source.function is not None for source in t.sources)
