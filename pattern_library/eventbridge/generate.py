"""Generator part of eventbridge: its resources and functions in the SAM template."""

from __future__ import annotations

from architecture.model import id_from_name
from generator.cfn import get_att, ref, sub
from generator.batching import queue_batch_sizing
from generator.publisher import ROUTING_CATEGORIES, add_publisher
from generator.consumers import add_queue_consumer, consumer_concurrency, shared_downstream_note
from generator.project import IDEMPOTENCY_EXPIRY_S, Project
from generator.sending import bus_note

from . import SLUG
from .compose import BUS, PUBLISHER, consumers

# Keeping events for a week allows replaying them after a consumer bug is fixed; a longer
# replay window answered keeps them longer.
MIN_ARCHIVE_DAYS = 7


def archive_days(p: Project) -> int:
    return max(MIN_ARCHIVE_DAYS, int(p.answers.get("replay_days") or 0))


def resources(p: Project) -> None:
    p.add_resource(BUS, "AWS::Events::EventBus", {"Name": sub("${AWS::StackName}-events")}, group=SLUG)
    p.add_resource("EventArchive", "AWS::Events::Archive", {
        "SourceArn": get_att(BUS, "Arn"), "RetentionDays": archive_days(p),
        "Description": "Replay source for the project's events",
    }, group=SLUG)
    p.expose("EVENT_BUS_NAME", ref(BUS), {"kind": "bus", "name": "events"})
    p.add_output("EventBusName", "Publish events here", ref(BUS))


def functions(p: Project) -> None:
    if PUBLISHER in p.composition:
        add_publisher(p, pattern=SLUG, kind="bus", logical_id=PUBLISHER, folder="publisher",
                      event_type="ItemPublished")
    routing = bool(p.answer("content_routing"))
    names = consumers(p)
    sizing = queue_batch_sizing(p)
    concurrency = consumer_concurrency(p)
    for index, name in enumerate(names):
        stem = id_from_name(name)
        queue, fn_id, rule = f"{stem}Queue", f"{stem}Function", f"{stem}Rule"
        dlq_env = f"{name.upper().replace('-', '_')}_DLQ_URL"
        category = ROUTING_CATEGORIES[index % len(ROUTING_CATEGORIES)]
        pattern: dict = {"source": [p.event_source]}
        if routing:
            pattern["detail"] = {"category": [category]}
        p.add_queue(queue, group=SLUG, label=f"{name} queue", consumer_timeout=p.timeout(fn_id))
        p.expose(dlq_env, ref(f"{queue}Dlq"), {"kind": "queue", "name": f"{name}-dlq"})
        # The rule delivers the event's detail (the published message) to the consumer's queue;
        # what cannot be delivered after retries waits in the same DLQ as failed messages.
        p.add_resource(rule, "AWS::Events::Rule", {
            "EventBusName": ref(BUS),
            "EventPattern": pattern,
            "State": "ENABLED",
            "Targets": [{"Id": f"{stem}Queue", "Arn": get_att(queue, "Arn"), "InputPath": "$.detail",
                         "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
                         "DeadLetterConfig": {"Arn": get_att(f"{queue}Dlq", "Arn")}}],
        }, group=SLUG)
        p.allow_service_to_send(queue, "events.amazonaws.com", get_att(rule, "Arn"))
        p.allow_service_to_send(f"{queue}Dlq", "events.amazonaws.com", get_att(rule, "Arn"))
        add_queue_consumer(p, pattern=SLUG, key=name, queue=queue, fn_id=fn_id, event_name="Events",
                           description=f"The {name} consumer of the project's events"
                           + (f" (category {category})" if routing else ""),
                           source="event bus", category=category, dlq_env=dlq_env, sizing=sizing,
                           concurrency=concurrency, sample_queue=name)
    p.note(SLUG, f"{len(names)} consumer(s) ({', '.join(names)}), each behind its own rule and its own queue: "
                 "a slow or failing consumer never holds back the others, and its events wait in its queue. "
                 + ("Rules route by the event's `detail.category`. " if routing else "")
                 + "Each rule retries delivery for up to an hour; what still cannot be delivered, and messages "
                   f"that keep failing, land in the consumer's DLQ (alarmed). Each consumer runs at most "
                   f"{concurrency} batches at once.")
    p.note(SLUG, sizing.note("Each consumer"))
    shared = shared_downstream_note(p, len(names), "Each consumer")
    if shared:
        p.note(SLUG, shared)
    p.note(SLUG, f"Events are archived for {archive_days(p)} days so they can be replayed to a fixed consumer. "
                 f"A consumer remembers what it handled for {IDEMPOTENCY_EXPIRY_S // 3600} hours (its idempotency "
                 "records), so an event replayed sooner after its first delivery is skipped as a duplicate: to "
                 "handle such events again, delete their records from the idempotency table first, or replay later. "
                 "Treat the event's `detail` as a public contract: add fields, never rename or remove them.")
    p.note(SLUG, bus_note(source=p.event_source, routing=routing))

