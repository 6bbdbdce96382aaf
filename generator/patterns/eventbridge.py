"""EventBridge: a custom bus, rules with event patterns, one function per consumer."""

from __future__ import annotations

from generator import events
from generator.cfn import get_att, ref, sub
from generator.patterns._publisher import ROUTING_CATEGORIES, add_publisher
from generator.project import Function, Project, clamp

SLUG = "eventbridge"
TITLE = "EventBridge"
SUMMARY = ("Functions publish domain events to a custom event bus; rules match them by event "
           "pattern and deliver each to its consumer, with retries and a dead-letter queue per target.")
BUILD_ORDER = 80

BUS = "EventBus"


def resources(p: Project) -> None:
    p.add_resource(BUS, "AWS::Events::EventBus", {"Name": sub("${AWS::StackName}-events")},
                   group=SLUG, node=("Event bus", "eventbridge"))
    # Keeping events for a week allows replaying them after a consumer bug is fixed.
    p.add_resource("EventArchive", "AWS::Events::Archive", {
        "SourceArn": get_att(BUS, "Arn"), "RetentionDays": 7,
        "Description": "Replay source for the project's events",
    }, group=SLUG)
    p.expose("EVENT_BUS_NAME", ref(BUS), {"kind": "bus", "name": "events"})
    p.add_output("EventBusName", "Publish events here", ref(BUS))


def functions(p: Project) -> None:
    if not p.producers_of("bus"):
        add_publisher(p, pattern=SLUG, kind="bus", logical_id="PublisherFunction", folder="publisher",
                      event_type="ItemPublished")
    routing = bool(p.answer("content_routing"))
    count = clamp(int(p.answer("consumers")), 1, 4)
    for i in range(1, count + 1):
        fn_id = f"EventConsumer{i}Function"
        dlq = f"EventConsumer{i}Dlq"
        dlq_env = f"EVENT_CONSUMER_{i}_DLQ_URL"
        category = ROUTING_CATEGORIES[i - 1]
        pattern: dict = {"source": [p.event_source]}
        if routing:
            pattern["detail"] = {"category": [category]}
        p.add_dlq(dlq, group=SLUG, label=f"Consumer {i} DLQ")
        p.expose(dlq_env, ref(dlq), {"kind": "queue", "name": f"event-consumer-{i}-dlq"})
        p.allow_service_to_send(dlq, "events.amazonaws.com", get_att(f"{fn_id}BusEvents", "Arn"))
        p.add_function(Function(
            logical_id=fn_id, folder=f"event_consumer_{i}", pattern=SLUG,
            template="handlers/eventbridge_consumer.py.j2", test_template="tests/eventbridge_consumer.py.j2",
            description=f"Consumer {i} of the project's events" + (f" (category {category})" if routing else ""),
            timeout=p.worker_timeout(),
            events={"BusEvents": {"Type": "EventBridgeRule", "Properties": {
                "EventBusName": ref(BUS),
                "Pattern": pattern,
                "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": get_att(dlq, "Arn")},
            }}},
            policies=[{"SQSSendMessagePolicy": {"QueueName": get_att(dlq, "QueueName")}}],
            environment={dlq_env: ref(dlq)},
            properties={"EventInvokeConfig": p.function_event_invoke_config(dlq)},
            context={"dlq_env": dlq_env, "detail_filter": category if routing else ""},
            sample_event=events.eventbridge_event(p.event_source, "ItemAccepted",
                                                  {"key": "item-1001", "id": "item-1001", "category": category},
                                                  bus="custom"),
            idempotent=True,
        ))
        p.edge(BUS, fn_id, f"rule: {category}" if routing else "rule: all project events")
        p.edge(fn_id, dlq, "undeliverable / failed", failure=True)
    p.note(SLUG, f"{count} consumer(s), each behind its own rule"
                 + (", routed by the event's `detail.category`" if routing else "")
                 + ". Targets retry delivery for up to an hour; events that still cannot be delivered, "
                   "and invocations that fail after Lambda's two retries, land in the consumer's DLQ (alarmed).")
    if int(p.answer("consumers")) > count:
        p.note(SLUG, f"The answers mention {p.answer('consumers')} consumers; {count} are generated as "
                     "examples. Copy a consumer (function, rule, DLQ, alarm) for each further one.")
    p.note(SLUG, "Events are archived for 7 days so they can be replayed to a fixed consumer. Treat the "
                 "event's `detail` as a public contract: add fields, never rename or remove them.")
