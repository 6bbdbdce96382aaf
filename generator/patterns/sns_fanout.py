"""SNS fan-out: one topic, one SQS queue and function per independent subscriber."""

from __future__ import annotations

from generator import events
from generator.cfn import get_att, ref
from generator.patterns._publisher import ROUTING_CATEGORIES, add_publisher
from generator.project import Function, Project, clamp

SLUG = "sns-fanout"
TITLE = "SNS fan-out"
SUMMARY = ("A message published once to an SNS topic is copied to one SQS queue per subscriber; "
           "each subscriber processes its queue at its own pace, with its own retries and DLQ.")
BUILD_ORDER = 85

TOPIC = "FanoutTopic"


def resources(p: Project) -> None:
    p.add_resource(TOPIC, "AWS::SNS::Topic", {}, group=SLUG, node=("Fan-out topic", "sns"))
    p.expose("TOPIC_ARN", ref(TOPIC), {"kind": "topic", "name": "fanout"})
    p.add_output("FanoutTopicArn", "Publish notifications here", ref(TOPIC))


def functions(p: Project) -> None:
    if not p.producers_of("topic"):
        add_publisher(p, pattern=SLUG, kind="topic", logical_id="NotifierFunction", folder="notifier",
                      event_type="ItemPublished")
    routing = bool(p.answer("content_routing"))
    count = clamp(int(p.answer("consumers")), 2, 4)
    timeout = p.worker_timeout()
    for i in range(1, count + 1):
        queue = f"Subscriber{i}Queue"
        fn_id = f"Subscriber{i}Function"
        dlq_env = f"SUBSCRIBER_{i}_DLQ_URL"
        category = ROUTING_CATEGORIES[i - 1]
        p.add_queue(queue, group=SLUG, label=f"Subscriber {i} queue", consumer_timeout=timeout)
        p.expose(dlq_env, ref(f"{queue}Dlq"), {"kind": "queue", "name": f"subscriber-{i}-dlq"})
        p.allow_service_to_send(queue, "sns.amazonaws.com", ref(TOPIC))
        # Messages SNS cannot deliver (queue deleted, policy or key changed) land here, not nowhere.
        delivery_dlq = p.add_dlq(f"Subscriber{i}DeliveryDlq", group=SLUG, label=f"Subscriber {i} delivery DLQ")
        p.allow_service_to_send(delivery_dlq, "sns.amazonaws.com", ref(TOPIC))
        subscription = {"TopicArn": ref(TOPIC), "Protocol": "sqs", "Endpoint": get_att(queue, "Arn"),
                        "RawMessageDelivery": True,
                        "RedrivePolicy": {"deadLetterTargetArn": get_att(delivery_dlq, "Arn")}}
        if routing:
            subscription["FilterPolicyScope"] = "MessageAttributes"
            subscription["FilterPolicy"] = {"category": [category]}
        p.add_resource(f"Subscriber{i}Subscription", "AWS::SNS::Subscription", subscription, group=SLUG)
        p.add_function(Function(
            logical_id=fn_id, folder=f"subscriber_{i}", pattern=SLUG,
            template="handlers/sns_subscriber.py.j2", test_template="tests/sns_subscriber.py.j2",
            description=f"Subscriber {i} of the fan-out topic" + (f" (category {category})" if routing else ""),
            timeout=timeout,
            events={"Notifications": {"Type": "SQS", "Properties": {
                "Queue": get_att(queue, "Arn"), "BatchSize": 10, "MaximumBatchingWindowInSeconds": 1,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                "ScalingConfig": {"MaximumConcurrency": 5},
            }}},
            policies=[{"SQSSendMessagePolicy": {"QueueName": get_att(f"{queue}Dlq", "QueueName")}}],
            environment={dlq_env: ref(f"{queue}Dlq")},
            context={"dlq_env": dlq_env, "subscriber": f"subscriber-{i}"},
            sample_event=events.sqs_event([
                {"key": "item-1001", "id": "item-1001", "category": category},
                {"key": "item-1002", "id": "item-1002", "category": category},
            ], f"subscriber-{i}"),
            idempotent=True,
        ))
        p.edge(TOPIC, queue, f"category = {category}" if routing else "every message")
        p.edge(TOPIC, delivery_dlq, "undeliverable", failure=True)
        p.edge(queue, fn_id, "batches")
        p.edge(fn_id, f"{queue}Dlq", "malformed", failure=True)
    p.note(SLUG, f"{count} subscribers, each with its own queue, DLQ and alarm: a slow or failing subscriber "
                 "never holds back the others, and its messages wait in its queue instead of being lost. "
                 "Each subscription also has a delivery DLQ (`Subscriber<N>DeliveryDlq`, alarmed) for messages "
                 "SNS could not deliver to the queue at all, for example after a queue policy change."
                 + (" Subscription filter policies on the `category` message attribute deliver each "
                    "subscriber only the messages it wants." if routing else ""))
    if int(p.answer("consumers")) > count:
        p.note(SLUG, f"The answers mention {p.answer('consumers')} consumers; {count} are generated. Copy a "
                     "subscriber (queue, DLQ, subscription, function, alarms) for each further one.")
