"""Workloads of real kinds of systems where Lambda is not the whole answer (SPEC §8.4), or
where a limit or risk named in SPEC §8.3 decides the design.

Each row describes a system as its owners would (in `system`), gives only the answers that
matter (every other key takes its default), and says in `why` what a reviewer who knows AWS
would expect, independent of how our rules are written. Expectations are loose on purpose:
what must be there, and what clearly must not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import pytest

from patterns.catalogue import load_files
from patterns.engine import recommend

CATALOGUE = load_files()

NEW_WARNINGS = {"express-at-least-once", "fifo-throughput", "api-account-throttle", "dual-write", "scaling-rate",
                "stream-readers", "vpc-egress-cost"}
ALTERNATIVES = {"fargate-task", "aws-batch", "mediaconvert", "websocket-api", "kinesis-firehose",
                "sfn-distributed-map", "dynamodb-zero-etl", "service-integration"}


@dataclass(frozen=True)
class Workload:
    id: str
    system: str                             # the system, as its owners describe it
    why: str                                # why the expectations below are right
    answers: dict
    fits_lambda: bool | None = None         # None: not pinned
    alternatives: tuple[str, ...] = ()      # must be offered
    no_alternatives: tuple[str, ...] = ()   # clearly wrong here
    warnings: tuple[str, ...] = ()          # must be raised
    no_warnings: tuple[str, ...] = ()       # clearly do not apply
    broken_limits: tuple[str, ...] = ()     # must be checked and broken
    kept_limits: tuple[str, ...] = ()       # must be checked and held
    first_alternative: str | None = None    # the alternative that must lead


W = Workload

WORKLOADS: list[Workload] = [
    W("video-transcoding",
      "A video platform: creators upload films of one to two hours, each turned into HLS renditions "
      "in four resolutions; encoding takes 20 to 40 minutes per film.",
      "Encoding runs far past 15 minutes, so a function cannot do it; a managed transcoder (or a "
      "container) does the work, and a function only submits the job and reacts to its end.",
      {"trigger": "file_upload", "client_waits": False, "duration_s": 1200, "max_duration_s": 2400,
       "data_store": "s3", "payload_kb": 2, "peak_rps": 0.1, "monthly_invocations": 3000, "memory_mb": 10240},
      fits_lambda=False, alternatives=("mediaconvert", "fargate-task"), first_alternative="mediaconvert",
      no_alternatives=("sfn-distributed-map",),
      warnings=("lambda-max-duration",), broken_limits=("lambda-max-duration",)),
    W("nightly-etl-40-minutes",
      "A retailer's nightly job reads the day's orders from PostgreSQL, joins them with stock and "
      "writes the reporting tables; it takes about 40 minutes.",
      "One 40-minute computation cannot run in a function; a Fargate task started by a schedule (or a "
      "Batch job) runs it, and it needs no more than one execution at a time.",
      {"trigger": "schedule", "client_waits": False, "duration_s": 2400, "max_duration_s": 3000,
       "data_store": "relational", "peak_rps": 0.001, "monthly_invocations": 30, "db_max_connections": 200},
      fits_lambda=False, alternatives=("fargate-task",), first_alternative="fargate-task",
      no_alternatives=("websocket-api", "kinesis-firehose", "mediaconvert"),
      warnings=("lambda-max-duration",), no_warnings=("scaling-rate", "api-account-throttle")),
    W("genomics-batch",
      "A lab's pipeline aligns sequencing samples: a run drops hundreds of samples on a queue and each "
      "takes about three hours of CPU.",
      "Hundreds of three-hour jobs at once are a batch workload: a job queue with managed compute "
      "(AWS Batch) schedules, retries and scales them; Lambda only submits and records.",
      {"trigger": "queue", "client_waits": False, "duration_s": 10800, "max_duration_s": 14400,
       "peak_rps": 5, "monthly_invocations": 4000, "memory_mb": 10240},
      fits_lambda=False, alternatives=("aws-batch", "fargate-task"),
      kept_limits=("sqs-max-visibility-timeout",)),
    W("risk-simulation-14-hours",
      "A bank's overnight Monte Carlo risk run: portfolios are queued and each simulation takes up to "
      "14 hours on a large instance.",
      "Fourteen hours of compute is beyond Lambda and beyond the longest time a queue can hide a "
      "message, so the worker must extend visibility or the jobs go to a batch scheduler.",
      {"trigger": "queue", "client_waits": False, "duration_s": 36000, "max_duration_s": 50400,
       "peak_rps": 0.01, "monthly_invocations": 600},
      fits_lambda=False, alternatives=("aws-batch",), broken_limits=("sqs-max-visibility-timeout",)),
    W("partner-csv-import",
      "A logistics company receives CSV files of two million shipment rows from partners in S3 and "
      "loads every row into DynamoDB; one file takes 40 to 50 minutes row by row.",
      "The file splits into independent rows: a Distributed Map reads it from S3 and runs many short "
      "functions over batches, so Lambda still does the work, in pieces that each fit.",
      {"trigger": "file_upload", "client_waits": False, "duration_s": 2400, "max_duration_s": 3000,
       "data_store": "dynamodb", "peak_rps": 0.01, "monthly_invocations": 200},
      fits_lambda=True, alternatives=("sfn-distributed-map",), no_alternatives=("fargate-task", "mediaconvert")),
    W("chat-messages",
      "A team chat: a member posts a message over HTTPS and everyone in the channel sees it at once "
      "on web and mobile.",
      "Delivering to connected clients as it happens needs held connections (WebSocket API or "
      "AppSync); Lambda still stores and routes the messages.",
      {"trigger": "http", "client_waits": True, "latency_ms": 300, "duration_s": 0.1, "data_store": "dynamodb",
       "push_to_clients": True, "peak_rps": 300},
      fits_lambda=True, alternatives=("websocket-api",), no_alternatives=("fargate-task", "kinesis-firehose")),
    W("live-scores",
      "A sports app receives score events from a data provider and shows them live to fans with the "
      "match open.",
      "Events must be pushed to open apps: WebSocket or AppSync subscriptions beside a function that "
      "handles each score event.",
      {"trigger": "event", "client_waits": False, "duration_s": 0.2, "push_to_clients": True, "peak_rps": 50},
      fits_lambda=True, alternatives=("websocket-api",), no_alternatives=("fargate-task", "aws-batch")),
    W("clickstream-to-data-lake",
      "A news site sends page-view beacons, about 5,000 a second around the clock, that only need to end "
      "up in S3 for Athena queries.",
      "Records that only land in S3 at a sustained high rate belong in Firehose, which buffers them into "
      "large files; a function per record would cost more and write millions of tiny objects.",
      {"trigger": "http", "client_waits": False, "duration_s": 0.02, "data_store": "s3", "peak_rps": 8000,
       "monthly_invocations": 13_000_000_000, "payload_kb": 1},
      fits_lambda=False, alternatives=("kinesis-firehose",), first_alternative="kinesis-firehose"),
    W("iot-telemetry-archive",
      "A fleet of 200,000 meters publishes a reading every minute (about 3,300 a second), archived "
      "in S3 for billing analytics.",
      "Sustained telemetry that is only stored is a delivery-stream job, not a function-per-reading job.",
      {"trigger": "event", "client_waits": False, "duration_s": 0.01, "data_store": "s3", "peak_rps": 4000,
       "monthly_invocations": 8_640_000_000, "payload_kb": 0.5},
      fits_lambda=False, alternatives=("kinesis-firehose",)),
    W("webhook-ingest-to-queue",
      "A payment provider posts webhooks; the shop acknowledges at once and settles them in the "
      "background, where a second settlement of the same payout would pay twice.",
      "Nobody waits, so the API can put the body on the queue itself (no forwarding function); and "
      "because a repeat does harm, duplicate delivery is a serious risk.",
      {"trigger": "http", "client_waits": False, "duration_s": 2, "unreliable_downstream": True,
       "duplicates_ok": False, "peak_rps": 50},
      alternatives=("service-integration",), warnings=("duplicate-delivery",), no_alternatives=("fargate-task",)),
    W("money-transfer-saga",
      "A wallet moves money between accounts in four steps (hold, debit, credit, notify) and must undo "
      "the hold when the credit fails; the whole flow takes seconds.",
      "A short saga runs as a workflow; if it runs as Express, a step may run twice, which for a debit "
      "is a double charge: Standard or idempotency keys are required.",
      {"trigger": "http", "client_waits": False, "steps": 4, "compensation": True, "duration_s": 3,
       "duplicates_ok": False, "unreliable_downstream": True},
      warnings=("express-at-least-once", "duplicate-delivery")),
    W("idempotent-enrichment-workflow",
      "A media company enriches article metadata in three steps (tag, summarise, index); running a "
      "step twice only rewrites the same fields.",
      "Repeats are harmless, so Express's at-least-once behaviour is fine.",
      {"trigger": "event", "client_waits": False, "steps": 3, "duration_s": 20, "duplicates_ok": True},
      no_warnings=("express-at-least-once",)),
    W("ledger-per-account-order",
      "A card processor posts ledger entries strictly in order per account, 5,000 entries a second at "
      "the evening peak.",
      "Per-key order suggests FIFO, but 5,000 messages a second exceeds a FIFO queue even with batching.",
      {"trigger": "queue", "client_waits": False, "ordering": True, "peak_rps": 5000, "duration_s": 0.05},
      warnings=("fifo-throughput",), broken_limits=("sqs-fifo-throughput",)),
    W("ordered-orders-flaky-erp",
      "Order updates must reach an ERP in order per order id; the ERP times out now and then.",
      "A FIFO group waits behind a failing message: head-of-line blocking is the risk to plan for.",
      {"trigger": "queue", "client_waits": False, "ordering": True, "peak_rps": 20, "duration_s": 1,
       "unreliable_downstream": True},
      warnings=("fifo-throughput",), kept_limits=("sqs-fifo-throughput",)),
    W("ticket-sale-burst",
      "A ticketing site opens a concert sale at 10:00; traffic jumps from almost nothing to 8,000 "
      "requests a second, each taking half a second, and buyers wait for their seat.",
      "4,000 concurrent executions needed at once: more than Lambda adds to a function in ten "
      "seconds and more than the default account concurrency, so callers are throttled unless "
      "capacity is provisioned ahead.",
      {"trigger": "http", "client_waits": True, "latency_ms": 2000, "duration_s": 0.5, "peak_rps": 8000,
       "monthly_invocations": 20_000_000},
      warnings=("scaling-rate",), broken_limits=("lambda-scaling-rate", "lambda-concurrency"),
      kept_limits=("api-gateway-account-rps",)),
    W("ad-serving-api",
      "An ad server answers bid requests at 25,000 a second in the busiest hour, within 100 ms.",
      "25,000 requests a second is above API Gateway's default account rate in a Region: the excess "
      "gets 429s unless the quota is raised (or the API is not behind API Gateway).",
      {"trigger": "http", "client_waits": True, "latency_ms": 100, "duration_s": 0.01, "peak_rps": 25000,
       "monthly_invocations": 30_000_000_000},
      warnings=("api-account-throttle",), broken_limits=("api-gateway-account-rps",)),
    W("orders-api-notifies-three-teams",
      "A shop's order API stores each order in DynamoDB and tells billing, shipping and analytics "
      "that an order was placed.",
      "Saving the order and publishing the event from the same function are two writes that can "
      "disagree; change capture or an outbox avoids it.",
      {"trigger": "http", "client_waits": True, "duration_s": 0.2, "data_store": "dynamodb", "consumers": 3},
      warnings=("dual-write",)),
    W("table-changes-four-readers",
      "A product table in DynamoDB feeds a search index, an audit log, a cache invalidator and a price "
      "alert service, each reacting to every change.",
      "Four functions on one stream means four readers per shard, twice what a shard serves without "
      "throttling; fan out from one reader instead.",
      {"trigger": "data_change", "client_waits": False, "data_store": "dynamodb", "consumers": 4,
       "duration_s": 0.1},
      warnings=("stream-readers",), broken_limits=("dynamodb-stream-readers",), no_warnings=("dual-write",)),
    W("search-index-sync",
      "A marketplace keeps an OpenSearch index of its DynamoDB listings up to date.",
      "Copying table changes into OpenSearch is what the DynamoDB zero-ETL integration does without "
      "code; a stream function remains for anything more.",
      {"trigger": "data_change", "client_waits": False, "data_store": "dynamodb", "duration_s": 0.1},
      fits_lambda=True, alternatives=("dynamodb-zero-etl",), kept_limits=("dynamodb-stream-readers",),
      no_warnings=("stream-readers",)),
    W("postgres-api-calls-stripe",
      "A subscription service: an HTTP API on PostgreSQL (through RDS Proxy) that also charges cards "
      "through Stripe.",
      "Functions in the VPC for the database need a NAT gateway to reach Stripe, which is a real "
      "monthly cost to plan.",
      {"trigger": "http", "client_waits": True, "duration_s": 0.4, "data_store": "relational",
       "unreliable_downstream": True, "db_max_connections": 300},
      warnings=("vpc-egress-cost",)),
    W("synchronous-checkout-chain",
      "A checkout endpoint validates the cart, prices it and reserves stock before answering, three "
      "dependent calls while the shopper waits.",
      "Three dependent steps under a waiting caller tempt a chain of functions invoking each other; "
      "the advice must warn against that synchronous chain.",
      {"trigger": "http", "client_waits": True, "latency_ms": 1500, "steps": 3, "duration_s": 0.6},
      warnings=("direct-chaining",)),
    W("product-photos-to-slow-dam",
      "Product photos uploaded to S3 at up to 500 a second during catalogue imports are registered "
      "with a legacy asset manager that takes 20 calls a second.",
      "S3 invokes the function asynchronously; paced to 20 a second, a long peak builds a backlog "
      "older than Lambda keeps asynchronous events, so events are lost without a queue in front.",
      {"trigger": "file_upload", "client_waits": False, "duration_s": 0.5, "peak_rps": 500,
       "downstream_max_rps": 20},
      broken_limits=("lambda-async-event-max-age",), warnings=("downstream-overload",)),
    W("partner-api-worker-6000",
      "A price-comparison site refreshes offers through a queue: peaks of 2,000 jobs a second, each "
      "calling a partner API for three seconds.",
      "6,000 concurrent executions is more than one SQS event source can be capped at, so the work "
      "needs several queues or shorter calls.",
      {"trigger": "queue", "client_waits": False, "duration_s": 3, "peak_rps": 2000},
      broken_limits=("lambda-sqs-max-concurrency",)),
    W("same-event-seven-teams",
      "An insurer publishes PolicyIssued events that seven teams each consume whole.",
      "Seven consumers of the same events cannot hang off one rule (five targets at most): one rule "
      "per consumer or a topic as the single target.",
      {"trigger": "event", "client_waits": False, "consumers": 7, "duration_s": 0.3},
      broken_limits=("eventbridge-targets-per-rule",)),
    W("thumbnail-generation",
      "A photo site makes three thumbnails of each uploaded picture in about a second.",
      "Short, event-driven work on each file is what Lambda is for: nothing to replace.",
      {"trigger": "file_upload", "client_waits": False, "duration_s": 1, "data_store": "s3", "peak_rps": 20},
      fits_lambda=True, no_alternatives=tuple(sorted(ALTERNATIVES - {"service-integration"})),
      no_warnings=("scaling-rate", "api-account-throttle", "dual-write")),
    W("crud-api",
      "An internal HTTP API reading and writing customer records in DynamoDB at 50 requests a second.",
      "A plain request/response API: Lambda fits and no alternative applies.",
      {"trigger": "http", "client_waits": True, "latency_ms": 500, "duration_s": 0.1, "data_store": "dynamodb",
       "peak_rps": 50},
      fits_lambda=True, no_alternatives=tuple(sorted(ALTERNATIVES)),
      no_warnings=("scaling-rate", "api-account-throttle", "dual-write", "direct-chaining")),
]


@lru_cache(maxsize=None)
def _recommendation(workload_id: str) -> dict:
    workload = next(w for w in WORKLOADS if w.id == workload_id)
    return recommend(dict(workload.answers), CATALOGUE).to_dict()


def _show(rec: dict) -> str:
    return json.dumps({
        "fits_lambda": rec["fits_lambda"],
        "alternatives": [a["id"] for a in rec["alternatives"]],
        "selected": rec["selected"],
        "warnings": [(w["id"], w["severity"]) for w in rec["warnings"]],
        "limits": [(c["id"], c["ok"], c["value"], c["limit"]) for c in rec["limits"]],
    })


def test_the_table_covers_every_new_warning_and_alternative():
    assert len(WORKLOADS) >= 20
    assert len({w.id for w in WORKLOADS}) == len(WORKLOADS)
    assert NEW_WARNINGS <= {wid for w in WORKLOADS for wid in w.warnings}
    assert "direct-chaining" in {wid for w in WORKLOADS for wid in w.warnings}
    assert ALTERNATIVES <= {aid for w in WORKLOADS for aid in w.alternatives}


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.id)
def test_workload(workload: Workload):
    assert workload.system and workload.why
    assert set(workload.answers) <= set(CATALOGUE.question_map)
    rec = _recommendation(workload.id)
    context = f"{workload.id}: {_show(rec)}"
    offered = [a["id"] for a in rec["alternatives"]]
    if workload.fits_lambda is not None:
        assert rec["fits_lambda"] is workload.fits_lambda, context
    for aid in workload.alternatives:
        assert aid in offered, f"{aid} should be offered: {context}"
    for aid in workload.no_alternatives:
        assert aid not in offered, f"{aid} does not apply: {context}"
    if workload.first_alternative:
        assert offered[0] == workload.first_alternative, context
    raised = {w["id"] for w in rec["warnings"]}
    for wid in workload.warnings:
        assert wid in raised, f"warning {wid} missing: {context}"
    for wid in workload.no_warnings:
        assert wid not in raised, f"warning {wid} does not apply: {context}"
    checks = {c["id"]: c for c in rec["limits"]}
    for lid in workload.broken_limits:
        assert lid in checks and checks[lid]["ok"] is False, f"{lid} should be broken: {context}"
    for lid in workload.kept_limits:
        assert lid in checks and checks[lid]["ok"] is True, f"{lid} should be checked and hold: {context}"


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.id)
def test_alternatives_are_well_formed(workload: Workload):
    rec = _recommendation(workload.id)
    assert list(rec)[:2] == ["fits_lambda", "alternatives"]  # first in the answer (SPEC §8.4)
    assert rec["fits_lambda"] is all(a["fits_lambda"] for a in rec["alternatives"])
    fits = [a["fits_lambda"] for a in rec["alternatives"]]
    assert fits == sorted(fits), "alternatives that replace Lambda come first"
    for alternative in rec["alternatives"]:
        assert alternative["id"] in ALTERNATIVES
        assert alternative["message"].strip() and alternative["title"].strip()
        assert set(alternative["replaces"]) <= set(rec["selected"])
