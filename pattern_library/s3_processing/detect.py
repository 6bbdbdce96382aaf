"""How the analyzer recognises S3 event processing."""

from analyzer.model import _events, _get, _listed


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    if any(source.kind == "s3" for source in t.sources):
        return True
    for bucket in t.of_type("AWS::S3::Bucket"):
        notifications = _get(t.props(bucket), "NotificationConfiguration")
        if isinstance(notifications, dict) and any(
                notifications.get(key) for key in ("LambdaConfigurations", "QueueConfigurations", "TopicConfigurations")):
            return True
    # S3 events routed through EventBridge: a rule or SAM event whose pattern matches source aws.s3
    patterns = [t.props(rule).get("EventPattern") for rule in t.of_type("AWS::Events::Rule")]
    patterns += [_get(event, "Properties", "Pattern") for rid in t.of_type("AWS::Serverless::Function",
                 "AWS::Serverless::StateMachine") for event in _events(t, rid)]
    return any("aws.s3" in _listed(_get(pattern, "source")) for pattern in patterns)
