"""Composition part of kinesis-stream: the stream, its consumer and the consumer's failure queue."""

from __future__ import annotations

from generator import wiring
from generator.composition import Composition

from . import SLUG
from .sizing import consumer_sizing, shard_count

STREAM = "EventStream"
FUNCTION = "StreamConsumerFunction"
FAILURES = "StreamRecordFailures"
MAX_RETRIES = 3  # our choice: retries of a failing batch before its records go to the failure queue
BATCH_WINDOW_S = 1


def resources(c: Composition) -> None:
    c.add(STREAM, "stream", "Event stream", group=SLUG)


def functions(c: Composition) -> None:
    c.dlq(FAILURES, group=SLUG, label="Stream record failures")
    sizing = consumer_sizing(c.answers, c.selection.limits, c.lambda_max_timeout())
    c.function(FUNCTION, group=SLUG, timeout=sizing.timeout, output=wiring.output_for(c, SLUG), idempotent=True,
               batch_size=sizing.batch_size, batch_window_s=BATCH_WINDOW_S,
               shards=shard_count(c.answers, c.selection.limits))
    c.connect(STREAM, FUNCTION, "poll", "ordered batches per shard")
    c.connect(FUNCTION, FAILURES, "failure", f"unreadable, or after {MAX_RETRIES} retries")
