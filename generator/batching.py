"""Sizing for functions that take SQS messages in batches and process them one after another."""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.composition import Workload, clamp

# The limit rows that bound a batch from any queue the generator builds: FIFO queues take at
# most this many, and so does a mapping without a batching window (the chaining pattern's).
BATCH_LIMITS = ("sqs-fifo-max-batch", "lambda-sqs-max-batch-without-window")
# Start-up, reporting the batch and a record that runs a little over its worst case.
MARGIN_S = 5
# Time the handler keeps back after the worst case of one more record.
STOP_MARGIN_S = 2


@dataclass(frozen=True)
class BatchSizing:
    batch_size: int
    timeout: int
    # The handler starts another record only while at least this much time is left.
    record_budget_ms: int

    @property
    def environment(self) -> dict[str, str]:
        return {"RECORD_TIME_BUDGET_MS": str(self.record_budget_ms)}

    def note(self, function: str) -> str:
        return (f"{function} takes up to {self.batch_size} messages per batch and has a {self.timeout} s "
                f"timeout, enough to process a full batch one message after another at the worst case; "
                "if time still runs short it stops before a message it could not finish and reports "
                "the rest as failed, so they return to the queue instead of timing out.")


def queue_batch_sizing(p: Workload) -> BatchSizing:
    """A full batch fits the timeout; the timeout fits Lambda's maximum, and the recommended multiple
    of it (the visibility factor) fits SQS's visibility limit."""
    ceiling = min(p.lambda_max_timeout(), int(p.sqs_max_visibility() // p.visibility_factor()))
    per_record = min(float(p.answer("max_duration_s")), ceiling - MARGIN_S)
    most = int(min(p.limit(limit_id) for limit_id in BATCH_LIMITS))
    batch_size = clamp(math.floor((ceiling - MARGIN_S) / max(per_record, 0.001)), 1, most)
    timeout = clamp(math.ceil(batch_size * per_record + MARGIN_S), min(10, ceiling), ceiling)
    return BatchSizing(batch_size, timeout, math.ceil((per_record + STOP_MARGIN_S) * 1000))
