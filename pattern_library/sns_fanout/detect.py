"""How the analyzer recognises SNS fan-out: a topic with function or queue subscribers."""

from analyzer.model import _get, _listed


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    if any(source.kind == "sns" for source in t.sources):
        return True
    protocols = [t.props(rid).get("Protocol") for rid in t.of_type("AWS::SNS::Subscription")]
    protocols += [_get(item, "Protocol") for topic in t.of_type("AWS::SNS::Topic")
                  for item in _listed(t.props(topic).get("Subscription"))]
    return any(str(protocol).lower() in ("lambda", "sqs") for protocol in protocols)
