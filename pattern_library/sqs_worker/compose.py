"""Composition part of sqs-worker: the work queue and the worker that drains it."""

from __future__ import annotations

import math

from generator import wiring
from generator.batching import queue_batch_sizing
from generator.composition import Composition, Workload, clamp
from generator.project import QUEUE_BATCHING_WINDOW_S

from . import SLUG

QUEUE = "WorkQueue"
FUNCTION = "WorkerFunction"


def concurrency(w: Workload) -> int:
    """Enough pollers for the peak (Little's law), never more than the downstream takes, within
    the range SQS's MaximumConcurrency accepts."""
    duration = float(w.answer("duration_s"))
    wanted = math.ceil(float(w.answer("peak_rps")) * duration * 1.2)
    downstream = w.answer("downstream_max_rps")
    if downstream is not None:
        wanted = min(wanted, math.floor(float(downstream) * max(duration, 0.001)))
    return clamp(wanted, int(w.limit("lambda-sqs-min-concurrency")), int(w.limit("lambda-sqs-max-concurrency")))


def resources(c: Composition) -> None:
    if wiring.work_queue_needed(c):
        c.queue(QUEUE, group=SLUG, label="Work queue", fifo=bool(c.answer("ordering")))


def functions(c: Composition) -> None:
    if QUEUE not in c:
        return
    sizing = queue_batch_sizing(c)
    fifo = bool(c.answer("ordering"))  # a FIFO queue's event source mapping has no batching window
    c.function(FUNCTION, group=SLUG, timeout=sizing.timeout, output=wiring.output_for(c, SLUG), idempotent=True,
               batch_size=sizing.batch_size, batch_window_s=0 if fifo else QUEUE_BATCHING_WINDOW_S)
    c.connect(QUEUE, FUNCTION, "poll", f"batches of up to {sizing.batch_size}")
    c.connect(FUNCTION, f"{QUEUE}Dlq", "failure", "permanent failures")
