"""The text of every finding, in one place: what is wrong, why it matters and what to do.

Each entry is a ``str.format`` template; ``findings`` fills in the logical ids and values.
"""

MESSAGES: dict[str, str] = {
    # missing-dlq
    "queue-no-redrive-read": (
        "Queue {queue} (read by {consumers}) has no redrive policy: a message that always fails is received again "
        "and again until it expires, costing invocations and hiding the error. Add a RedrivePolicy with a "
        "dead-letter queue and a maxReceiveCount of about 5, and alarm on messages arriving in that queue."),
    "queue-no-redrive": (
        "Queue {queue} has no redrive policy: a message its consumer cannot process is received again and again "
        "until it expires. Add a RedrivePolicy with a dead-letter queue and a maxReceiveCount of about 5, and "
        "alarm on messages arriving in that queue."),
    "stream-no-destination": (
        "The {kind} trigger ({label} of {function}) has no on-failure destination: records that keep failing are "
        "dropped without a trace when they age out. Set DestinationConfig.OnFailure to an SQS queue or SNS topic "
        "so failed batches are kept for inspection and replay."),
    "async-no-destination": (
        "Function {function} is invoked asynchronously ({labels}) with no dead-letter queue or on-failure "
        "destination: after Lambda's retries an event that keeps failing is discarded. Add "
        "EventInvokeConfig.DestinationConfig.OnFailure (or a DeadLetterQueue) pointing at an SQS queue, and alarm "
        "on it."),
    "rule-target-no-dlq": (
        "{rule} delivers to {targets} without a dead-letter queue: an event EventBridge cannot deliver (the target "
        "is throttled, missing or not allowed) is dropped after its retries. Give each target a "
        "DeadLetterConfig.Arn pointing at an SQS queue, and alarm on it."),
    "subscription-no-redrive": (
        "Subscription {subscription} ({protocol} from {topic}) has no redrive policy: a message SNS cannot deliver "
        "is dropped after its retries. Add a RedrivePolicy with a deadLetterTargetArn pointing at an SQS queue, "
        "and alarm on it."),
    "inline-subscription-no-redrive": (
        "Topic {topic} declares its subscriptions inline ({protocols}), where no redrive policy can be set: a "
        "message SNS cannot deliver is dropped after its retries. Declare each as an AWS::SNS::Subscription with "
        "a RedrivePolicy pointing at an SQS queue."),
    # no-tracing
    "no-tracing": (
        "Function {function} does not have active X-Ray tracing, so a request cannot be followed across the "
        "services it touches. Set Tracing: Active (or Globals.Function.Tracing)."),
}


def message(key: str, **values: object) -> str:
    return MESSAGES[key].format(**values)
