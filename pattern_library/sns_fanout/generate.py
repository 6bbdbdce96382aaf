"""Generator part of sns-fanout: its resources and functions in the SAM template."""

from __future__ import annotations

from architecture.model import id_from_name
from generator.cfn import get_att, ref
from generator.batching import queue_batch_sizing
from generator.publisher import ROUTING_CATEGORIES, add_publisher
from generator.consumers import add_queue_consumer, consumer_concurrency, shared_downstream_note
from generator.project import Project
from generator.sending import topic_note

from . import SLUG
from .compose import NOTIFIER, TOPIC, subscribers


def resources(p: Project) -> None:
    p.add_resource(TOPIC, "AWS::SNS::Topic", {}, group=SLUG)
    p.expose("TOPIC_ARN", ref(TOPIC), {"kind": "topic", "name": "fanout"})
    p.add_output("FanoutTopicArn", "Publish notifications here", ref(TOPIC))


def functions(p: Project) -> None:
    if NOTIFIER in p.composition:
        add_publisher(p, pattern=SLUG, kind="topic", logical_id=NOTIFIER, folder="notifier",
                      event_type="ItemPublished")
    routing = bool(p.answer("content_routing"))
    named = subscribers(p)
    names = [name for name, _ in named]
    sizing = queue_batch_sizing(p)
    concurrency = consumer_concurrency(p)
    for index, (name, key) in enumerate(named):
        stem = id_from_name(key)
        queue, fn_id = f"{stem}Queue", f"{stem}Function"
        dlq_env = f"{key.upper().replace('-', '_')}_DLQ_URL"
        category = ROUTING_CATEGORIES[index % len(ROUTING_CATEGORIES)]
        p.add_queue(queue, group=SLUG, label=f"{name} queue", consumer_timeout=p.timeout(fn_id))
        p.expose(dlq_env, ref(f"{queue}Dlq"), {"kind": "queue", "name": f"{key}-dlq"})
        p.allow_service_to_send(queue, "sns.amazonaws.com", ref(TOPIC))
        # Messages SNS cannot deliver (queue deleted, policy or key changed) land here, not nowhere.
        delivery_dlq = p.add_dlq(f"{stem}DeliveryDlq", group=SLUG, label=f"{name} delivery DLQ")
        p.allow_service_to_send(delivery_dlq, "sns.amazonaws.com", ref(TOPIC))
        subscription = {"TopicArn": ref(TOPIC), "Protocol": "sqs", "Endpoint": get_att(queue, "Arn"),
                        "RawMessageDelivery": True,
                        "RedrivePolicy": {"deadLetterTargetArn": get_att(delivery_dlq, "Arn")}}
        if routing:
            subscription["FilterPolicyScope"] = "MessageAttributes"
            subscription["FilterPolicy"] = {"category": [category]}
        p.add_resource(f"{stem}Subscription", "AWS::SNS::Subscription", subscription, group=SLUG)
        add_queue_consumer(p, pattern=SLUG, key=key, queue=queue, fn_id=fn_id, event_name="Notifications",
                           description=f"The {name} subscriber of the fan-out topic"
                           + (f" (category {category})" if routing else ""),
                           source="fan-out topic", category=category, dlq_env=dlq_env, sizing=sizing,
                           concurrency=concurrency, sample_queue=name)
    p.note(SLUG, f"{len(names)} subscribers ({', '.join(names)}), each with its own queue, DLQ and alarm: a slow or "
                 "failing subscriber never holds back the others, and its messages wait in its queue instead of "
                 f"being lost. Each runs at most {concurrency} batches at once. "
                 "Each subscription also has a delivery DLQ (`<Name>DeliveryDlq`, alarmed) for messages "
                 "SNS could not deliver to the queue at all, for example after a queue policy change."
                 + (" Subscription filter policies on the `category` message attribute deliver each "
                    "subscriber only the messages it wants." if routing else ""))
    p.note(SLUG, sizing.note("Each subscriber"))
    shared = shared_downstream_note(p, len(names), "Each subscriber")
    if shared:
        p.note(SLUG, shared)
    p.note(SLUG, topic_note(routing=routing))
