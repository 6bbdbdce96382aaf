"""Composition part of eventbridge: the bus, and a rule, queue and consumer per named consumer."""

from __future__ import annotations

from architecture.model import id_from_name
from generator import wiring
from generator.batching import queue_batch_sizing
from generator.composition import Composition, Workload
from generator.consumers import compose_queue_consumer
from generator.publisher import ROUTING_CATEGORIES, compose_publisher, publisher_needed

from . import SLUG

BUS = "EventBus"
PUBLISHER = "PublisherFunction"


def consumers(w: Workload) -> tuple[str, ...]:
    return wiring.consumer_names(w.answers, 1, 4, prefix="event-consumer")


def resources(c: Composition) -> None:
    c.add(BUS, "event-bus", "Event bus", group=SLUG)


def functions(c: Composition) -> None:
    if publisher_needed(c, "bus"):
        compose_publisher(c, pattern=SLUG, kind="bus", logical_id=PUBLISHER)
    routing = bool(c.answer("content_routing"))
    sizing = queue_batch_sizing(c)
    for index, name in enumerate(consumers(c)):
        stem = id_from_name(name)
        queue = c.queue(f"{stem}Queue", group=SLUG, label=f"{name} queue", consumer=name)
        compose_queue_consumer(c, pattern=SLUG, queue=queue, fn_id=f"{stem}Function", sizing=sizing, consumer=name)
        category = ROUTING_CATEGORIES[index % len(ROUTING_CATEGORIES)]
        c.connect(BUS, queue, "event", f"rule: {category}" if routing else "rule: all project events")
        c.connect(BUS, f"{queue}Dlq", "failure", "undeliverable")
