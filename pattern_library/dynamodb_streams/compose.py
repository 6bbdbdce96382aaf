"""Composition part of dynamodb-streams: the data table's stream feeding a view."""

from __future__ import annotations

from generator import wiring
from generator.composition import DATA_TABLE, Composition, Workload

from . import SLUG

FUNCTION = "StreamProcessorFunction"
FAILURES = "StreamFailureQueue"
VIEW_TABLE = "ViewTable"
BATCH_WINDOW_S = 1
# Our choice: the consumer keeps Lambda's default batch size for a DynamoDB stream (a limit row).
BATCH_LIMIT = "lambda-dynamodb-default-batch"


def batch_size(w: Workload) -> int:
    return int(w.limit(BATCH_LIMIT))


def resources(c: Composition) -> None:
    c.data_table()
    if not c.answer("writes_back_to_source"):
        c.table(VIEW_TABLE, group=SLUG, label="View table")


def functions(c: Composition) -> None:
    c.dlq(FAILURES, group=SLUG, label="Stream failures")
    c.function(FUNCTION, group=SLUG, timeout=c.worker_timeout(), output=wiring.output_for(c, SLUG), idempotent=True,
               batch_size=batch_size(c), batch_window_s=BATCH_WINDOW_S)
    c.connect(DATA_TABLE, FUNCTION, "poll", "stream (ITEM# changes)")
    c.connect(FUNCTION, VIEW_TABLE if VIEW_TABLE in c else DATA_TABLE, "write", "writes VIEW# items")
    c.connect(FUNCTION, FAILURES, "failure", "after 5 retries / 1 h")
