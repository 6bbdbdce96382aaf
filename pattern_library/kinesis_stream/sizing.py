"""How big the stream and its consumer are, from the answers and the catalogue's Kinesis limits.

The generator (the template's ShardCount, ParallelizationFactor, batch size and timeout) and
the cost estimate (shard-hours) both size by these functions, so they cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

WRITE_RECORDS = "kinesis-shard-write-records"  # records per second one shard accepts
WRITE_KB = "kinesis-shard-write-kb"  # KB per second one shard accepts
SHARD_QUOTA = "kinesis-shard-quota"  # shards per account and Region (default quota)

# Lambda's bound on concurrent batches per shard (ParallelizationFactor), a limit row.
MAX_PARALLELIZATION = "lambda-stream-max-parallelization"
# Our choice: a batch is never larger than Lambda's default for a stream (a limit row), so a
# failing batch replays at most that many records.
MAX_BATCH = "lambda-kinesis-default-batch"
MARGIN_S = 5  # start-up and reporting the batch


def shard_count(answers: Mapping[str, Any], limits: Mapping[str, float]) -> int:
    """Shards that take the peak: each is capped both in records and in KB per second.
    Without the limit rows (an incomplete catalogue) a single shard is assumed."""
    per_records = limits.get(WRITE_RECORDS)
    per_kb = limits.get(WRITE_KB)
    peak = float(answers.get("peak_rps") or 0)
    # A record is billed and counted in whole KB: a 0.2 KB record still takes 1 KB of a shard.
    record_kb = max(1.0, math.ceil(float(answers.get("payload_kb") or 0)))
    needed = 1.0
    if per_records:
        needed = max(needed, peak / per_records)
    if per_kb:
        needed = max(needed, peak * record_kb / per_kb)
    shards = math.ceil(needed)
    quota = limits.get(SHARD_QUOTA)
    return int(min(shards, quota)) if quota else shards


@dataclass(frozen=True)
class ConsumerSizing:
    batch_size: int
    timeout: int
    parallelization: int


def consumer_sizing(answers: Mapping[str, Any], limits: Mapping[str, float], lambda_max_s: int) -> ConsumerSizing:
    """A full batch fits the timeout at the worst case; enough batches per shard run at once to keep
    up with the shard's share of the peak (records of one partition key still arrive in order)."""
    worst = max(float(answers.get("max_duration_s") or 0), 0.001)
    typical = max(float(answers.get("duration_s") or 0), 0.001)
    batch = int(max(1, min(limits[MAX_BATCH], math.floor((lambda_max_s - MARGIN_S) / worst))))
    timeout = int(max(10, min(lambda_max_s, math.ceil(batch * worst + MARGIN_S))))
    per_shard = float(answers.get("peak_rps") or 0) / shard_count(answers, limits)
    # Little's law: records in flight on one shard = arrival rate x time per record.
    parallel = int(max(1, min(limits[MAX_PARALLELIZATION], math.ceil(per_shard * typical))))
    return ConsumerSizing(batch, timeout, parallel)
