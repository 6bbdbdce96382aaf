"""Composition part of sns-fanout: the topic, and a queue and subscriber per named consumer."""

from __future__ import annotations

from architecture.model import id_from_name
from generator import wiring
from generator.batching import queue_batch_sizing
from generator.composition import Composition, Workload
from generator.consumers import compose_queue_consumer
from generator.publisher import ROUTING_CATEGORIES, compose_publisher, publisher_needed

from . import SLUG

TOPIC = "FanoutTopic"
NOTIFIER = "NotifierFunction"


def subscribers(w: Workload) -> tuple[tuple[str, str], ...]:
    """(name, key) of each subscriber: with a bus beside the topic, the bus's consumers carry the
    plain names and the topic's say whose they are; the key names resources, folder and settings."""
    prefix = "topic-" if w.has("eventbridge") else ""
    return tuple((name, prefix + name) for name in wiring.consumer_names(w.answers, 2, 4, prefix="subscriber"))


def resources(c: Composition) -> None:
    c.add(TOPIC, "topic", "Fan-out topic", group=SLUG)


def functions(c: Composition) -> None:
    if publisher_needed(c, "topic"):
        compose_publisher(c, pattern=SLUG, kind="topic", logical_id=NOTIFIER)
    routing = bool(c.answer("content_routing"))
    sizing = queue_batch_sizing(c)
    for index, (name, key) in enumerate(subscribers(c)):
        stem = id_from_name(key)
        queue = c.queue(f"{stem}Queue", group=SLUG, label=f"{name} queue", consumer=name)
        delivery_dlq = c.dlq(f"{stem}DeliveryDlq", group=SLUG, label=f"{name} delivery DLQ", consumer=name)
        compose_queue_consumer(c, pattern=SLUG, queue=queue, fn_id=f"{stem}Function", sizing=sizing, consumer=name)
        category = ROUTING_CATEGORIES[index % len(ROUTING_CATEGORIES)]
        c.connect(TOPIC, queue, "event", f"category = {category}" if routing else "every message")
        c.connect(TOPIC, delivery_dlq, "failure", "undeliverable")
