"""Composition part of chaining: two stages linked by Lambda destinations or by a queue."""

from __future__ import annotations

from generator.batching import queue_batch_sizing
from generator.composition import Composition, Workload

from . import SLUG

FIRST = "FirstStageFunction"
SECOND = "SecondStageFunction"
DLQ = "ChainDlq"
QUEUE = "HandoffQueue"
SCHEDULE = f"{FIRST}Schedule"


def mode(w: Workload) -> str:
    """A queue when the second stage needs protecting or buffering; otherwise destinations."""
    if w.answer("unreliable_downstream") or w.answer("downstream_max_rps") is not None or w.answer("ordering"):
        return "queue"
    return "destination"


def resources(c: Composition) -> None:
    c.dlq(DLQ, group=SLUG, label="Chain failures")
    if mode(c) == "queue":
        c.queue(QUEUE, group=SLUG, label="Hand-off queue")


def functions(c: Composition) -> None:
    scheduled = c.answer("trigger") == "schedule"
    if scheduled:
        c.add(SCHEDULE, "schedule", "rate(5 minutes)", group=SLUG)
    c.function(FIRST, group=SLUG, timeout=c.worker_timeout(), work=0.5)
    if QUEUE in c:
        sizing = queue_batch_sizing(c)
        c.function(SECOND, group=SLUG, timeout=sizing.timeout, idempotent=True, work=0.5,
                   batch_size=sizing.batch_size)  # its event source mapping has no batching window
        c.connect(FIRST, QUEUE, "publish", "prepared work")
        c.connect(QUEUE, SECOND, "poll", "batches")
        c.connect(FIRST, DLQ, "failure", "on failure")
    else:
        c.function(SECOND, group=SLUG, timeout=c.worker_timeout(), idempotent=True, work=0.5)
        c.connect(FIRST, SECOND, "event", "on success (destination)")
        c.connect(FIRST, DLQ, "failure", "on failure")
        c.connect(SECOND, DLQ, "failure", "on failure")
    if scheduled:
        c.connect(SCHEDULE, FIRST, "event", "every 5 minutes")
        c.connect(SCHEDULE, DLQ, "failure", "undeliverable")
