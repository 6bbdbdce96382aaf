"""Acceptance table for the rules engine (SPEC §3, §4.3).

Each row is a realistic workload described only by the answers that matter
(SPEC §3.1; every other key takes its default), and the expectations the domain
knowledge in ../shared/seed/lambda-architecture-patterns.txt clearly implies.
The comment above each row names the sentence of the seed it comes from.

The expectations are deliberately loose: a first pattern only where the domain
is unambiguous, patterns that must (or clearly must not) be in the ranked list,
warnings and broken limits that must be present. Scores and exact lists are not
pinned, so the rules and weights stay free to change.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import pytest

from patterns.catalogue import load_files
from patterns.engine import recommend

CATALOGUE = load_files()

# --- the vocabulary (SPEC §3) --------------------------------------------------

ANSWER_KEYS = {
    "trigger", "client_waits", "latency_ms", "duration_s", "max_duration_s",
    "consumers", "content_routing", "steps", "compensation", "long_waits",
    "aggregate_sources", "data_store", "react_to_changes", "writes_back_to_source",
    "peak_rps", "monthly_invocations", "payload_kb", "downstream_max_rps",
    "unreliable_downstream", "ordering", "memory_mb", "db_max_connections",
}
PATTERNS = {
    "api-gateway-lambda", "sqs-worker", "sns-fanout", "eventbridge", "s3-processing",
    "dynamodb-streams", "step-functions", "orchestrator", "chaining", "rds",
}
WARNINGS = {
    "cold-start-latency", "api-timeout", "poison-message", "infinite-retry",
    "subscriber-failure", "event-schema-drift", "recursive-trigger",
    "stream-update-loop", "workflow-cost", "distributed-monolith", "direct-chaining",
    "connection-exhaustion", "lambda-max-duration", "payload-limit",
    "downstream-overload", "duplicate-delivery",
    # SPEC §8.3
    "express-at-least-once", "fifo-throughput", "api-account-throttle", "dual-write",
    "scaling-rate", "stream-readers", "vpc-egress-cost",
}
LIMITS = {
    "lambda-max-duration", "api-gateway-timeout", "sync-payload", "async-payload",
    "sqs-message-size", "sns-message-size", "eventbridge-event-size",
    "step-functions-payload", "step-functions-express-duration",
    "lambda-concurrency", "lambda-memory",
    # read by the rules since the limits audit (SPEC §8.3)
    "api-gateway-account-rps", "sqs-fifo-throughput", "eventbridge-targets-per-rule",
    "lambda-sqs-max-concurrency", "sqs-max-visibility-timeout", "lambda-async-event-max-age",
    "lambda-scaling-rate", "dynamodb-stream-readers", "http-api-timeout",
}
SEVERITIES = {"low", "medium", "high", "critical"}


@dataclass(frozen=True)
class Workload:
    id: str
    answers: dict
    # expected first pattern: a slug, a tuple of acceptable slugs, or None (ambiguous)
    first: str | tuple[str, ...] | None = None
    includes: tuple[str, ...] = ()        # each must be in the ranked list
    includes_any: tuple[str, ...] = ()    # at least one of them must be in the ranked list
    excludes: tuple[str, ...] = ()        # clearly wrong: must not be in the ranked list
    not_first: tuple[str, ...] = ()       # may be listed, must not be ranked first
    warnings: tuple[str, ...] = ()        # warning ids that must be present
    absent_warnings: tuple[str, ...] = () # warning ids that clearly do not apply
    broken_limits: tuple[str, ...] = ()   # limit ids that must appear with ok False
    unbroken_limits: tuple[str, ...] = () # limit ids that, if present, must be ok True


W = Workload

WORKLOADS: list[Workload] = [
    # --- API Gateway + Lambda -------------------------------------------------
    # "REST APIs for web or mobile applications"; "Small backend services with simple
    # request/response logic"; checklist: "Use API Gateway + Lambda for simple HTTP APIs".
    W("crud-http-api",
      {"trigger": "http", "client_waits": True, "latency_ms": 500, "duration_s": 0.2,
       "data_store": "dynamodb", "peak_rps": 50},
      first="api-gateway-lambda", excludes=("rds",),
      absent_warnings=("api-timeout", "lambda-max-duration"),
      unbroken_limits=("api-gateway-timeout", "lambda-max-duration", "sync-payload",
                       "lambda-concurrency")),
    # "Webhook receivers from third-party systems"; comparison: API Gateway + Lambda is
    # best for "HTTP APIs and webhooks".
    W("webhook-receiver",
      {"trigger": "http", "client_waits": True, "latency_ms": 3000, "duration_s": 0.3,
       "peak_rps": 20},
      first="api-gateway-lambda", unbroken_limits=("api-gateway-timeout",)),
    # Trade-offs: "Cold starts may affect latency" -- a 100 ms p99 with the caller waiting.
    W("api-100ms-client-waits",
      {"trigger": "http", "client_waits": True, "latency_ms": 100, "duration_s": 0.03,
       "data_store": "dynamodb", "peak_rps": 300},
      first="api-gateway-lambda", warnings=("cold-start-latency",)),
    # Rule of thumb: "not for long-running request processing"; Step Functions: "One
    # timeout limit for everything" vs "Workflow can span longer processes"; SPEC §1:
    # "a 20-minute job behind a 29-second API". 1200 s > API 29 s and > Lambda 900 s.
    W("report-20min-behind-http",
      {"trigger": "http", "client_waits": True, "latency_ms": 1_500_000,
       "duration_s": 1200},
      includes_any=("step-functions", "sqs-worker"), not_first=("api-gateway-lambda",),
      warnings=("api-timeout", "lambda-max-duration"),
      broken_limits=("api-gateway-timeout", "lambda-max-duration")),
    # Trade-offs: "Request/response timeout limits matter" -- 45 s is past the 29 s API
    # integration timeout but well inside Lambda's 900 s.
    W("api-45s-sync-wait",
      {"trigger": "http", "client_waits": True, "latency_ms": 60_000, "duration_s": 45},
      warnings=("api-timeout",), broken_limits=("api-gateway-timeout",),
      unbroken_limits=("lambda-max-duration",)),
    # Same sentence; the timeout bites on the worst case (max_duration_s), not the typical one.
    W("api-worst-case-over-29s",
      {"trigger": "http", "client_waits": True, "latency_ms": 60_000, "duration_s": 5,
       "max_duration_s": 40},
      warnings=("api-timeout",), broken_limits=("api-gateway-timeout",)),
    # Same sentence, the other side: 25 s worst case fits under 29 s.
    W("api-25s-within-gateway",
      {"trigger": "http", "client_waits": True, "latency_ms": 30_000, "duration_s": 10,
       "max_duration_s": 25},
      includes=("api-gateway-lambda",),
      unbroken_limits=("api-gateway-timeout", "lambda-max-duration")),
    # "Internal tools and admin panels".
    W("internal-admin-tool",
      {"trigger": "http", "client_waits": True, "latency_ms": 2000, "duration_s": 0.3,
       "peak_rps": 1, "monthly_invocations": 20_000, "data_store": "dynamodb"},
      first="api-gateway-lambda", excludes=("rds",)),
    # "Prototypes and MVP backends".
    W("mvp-prototype-backend",
      {"trigger": "http", "client_waits": True, "duration_s": 0.2, "peak_rps": 5,
       "monthly_invocations": 100_000, "data_store": "dynamodb"},
      first="api-gateway-lambda", excludes=("rds",)),
    # "Webhook receivers" + "Instead of processing work immediately inside an API request,
    # the application can place a message into a queue": ack fast, process later.
    W("webhook-ack-fast-process-later",
      {"trigger": "http", "client_waits": False, "latency_ms": 2000, "duration_s": 20,
       "unreliable_downstream": True, "peak_rps": 30},
      includes=("api-gateway-lambda", "sqs-worker")),

    # --- SQS worker -------------------------------------------------------------
    # "Email sending"; comparison: SQS main risk "Poison messages and retry handling".
    W("background-email-queue",
      {"trigger": "queue", "client_waits": False, "duration_s": 1.5, "peak_rps": 30},
      first="sqs-worker", warnings=("poison-message",)),
    # "Report generation"; checklist: "Use SQS when work can be processed asynchronously".
    # Nobody waits on the HTTP request, so the 29 s API timeout is not the constraint.
    W("report-generation-async",
      {"trigger": "http", "client_waits": False, "duration_s": 120, "max_duration_s": 300,
       "peak_rps": 1, "monthly_invocations": 20_000},
      first="sqs-worker", warnings=("poison-message",), absent_warnings=("api-timeout",),
      unbroken_limits=("api-gateway-timeout", "lambda-max-duration")),
    # "Image or document processing".
    W("document-processing-queue",
      {"trigger": "queue", "client_waits": False, "duration_s": 30, "payload_kb": 50,
       "peak_rps": 5},
      first="sqs-worker", warnings=("poison-message",)),
    # "Retryable external API calls"; rule of thumb: "use SQS between Lambda and
    # unreliable or slow work"; "invalid input will not become valid after ten retries".
    W("order-api-flaky-payment",
      {"trigger": "http", "client_waits": False, "unreliable_downstream": True,
       "data_store": "dynamodb", "duration_s": 3, "peak_rps": 50},
      first="sqs-worker", includes=("api-gateway-lambda",), excludes=("rds",),
      warnings=("poison-message",)),
    # "Load buffering before slow downstream systems"; "Lambda concurrency can be
    # controlled"; key takeaway: "designed around downstream limits". 200 rps vs 5 rps.
    W("legacy-api-5rps-at-200rps-peak",
      {"trigger": "http", "client_waits": False, "peak_rps": 200, "downstream_max_rps": 5,
       "duration_s": 0.3},
      first="sqs-worker", warnings=("downstream-overload",)),
    # SNS vs SQS: SQS "Store messages until workers process them"; ordering per key is
    # still a queue job (FIFO), not a reason to leave SQS.
    W("ordered-per-customer-queue",
      {"trigger": "queue", "client_waits": False, "ordering": True, "duration_s": 0.5,
       "peak_rps": 50},
      first="sqs-worker"),
    # Checklist: "Design idempotent functions because retries and duplicate events can
    # happen" -- an SMS sender retried against a flaky provider.
    W("sms-sender-duplicates",
      {"trigger": "queue", "client_waits": False, "unreliable_downstream": True,
       "duration_s": 0.5, "peak_rps": 40},
      first="sqs-worker", warnings=("duplicate-delivery", "poison-message")),

    # --- SNS fan-out / EventBridge --------------------------------------------------
    # SNS example scenario: order created -> email, analytics, warehouse, fraud checks.
    # "use SNS when one event should be delivered to multiple independent consumers";
    # comparison: SNS main risk "Subscriber failure handling".
    W("order-created-4-consumers",
      {"trigger": "event", "client_waits": False, "consumers": 4, "duration_s": 0.5},
      first=("sns-fanout", "eventbridge"), includes=("sns-fanout",),
      warnings=("subscriber-failure",)),
    # EventBridge: "Event routing based on event type or payload fields"; "Advanced
    # filtering by event pattern"; comparison: main risk "Event schema management".
    W("domain-events-routing-6-consumers",
      {"trigger": "event", "client_waits": False, "consumers": 6, "content_routing": True,
       "duration_s": 0.5},
      first="eventbridge", warnings=("event-schema-drift",)),
    # Same sentences with few consumers: routing on detail-type ("PaymentFailed") is
    # EventBridge's job even for two targets.
    W("payment-failed-routing-2-consumers",
      {"trigger": "event", "client_waits": False, "consumers": 2, "content_routing": True,
       "duration_s": 0.4},
      first="eventbridge", warnings=("event-schema-drift",)),
    # SNS vs SQS table: "SNS + SQS -- Broadcast events with durable buffering -- Reliable
    # fan-out", for subscribers that call flaky systems.
    W("reliable-fanout-unreliable-subscribers",
      {"trigger": "event", "client_waits": False, "consumers": 3,
       "unreliable_downstream": True, "duration_s": 2},
      includes=("sns-fanout", "sqs-worker"), warnings=("subscriber-failure",)),
    # EventBridge: "Domain events such as OrderCreated, UserRegistered"; "Decoupled
    # microservices".
    W("user-registered-domain-event",
      {"trigger": "event", "client_waits": False, "consumers": 1, "duration_s": 0.3},
      includes=("eventbridge",)),
    # EventBridge: "Scheduled jobs".
    W("nightly-schedule-report",
      {"trigger": "schedule", "client_waits": False, "duration_s": 90,
       "monthly_invocations": 30},
      includes=("eventbridge",), not_first=("api-gateway-lambda",)),
    # "Scheduled jobs" + Lambda's 900 s ceiling ("One timeout limit for everything");
    # no HTTP caller, so the API timeout does not apply.
    W("nightly-job-25min",
      {"trigger": "schedule", "client_waits": False, "duration_s": 1500,
       "monthly_invocations": 30},
      includes=("eventbridge",), includes_any=("step-functions", "sqs-worker"),
      not_first=("api-gateway-lambda",),
      warnings=("lambda-max-duration",), absent_warnings=("api-timeout",),
      broken_limits=("lambda-max-duration",), unbroken_limits=("api-gateway-timeout",)),
    # Step Functions: "ETL pipelines", "Multi-step workflows"; EventBridge: "Scheduled jobs".
    W("nightly-etl-4-steps",
      {"trigger": "schedule", "client_waits": False, "steps": 4, "duration_s": 300,
       "monthly_invocations": 30},
      includes=("step-functions", "eventbridge"),
      unbroken_limits=("lambda-max-duration",)),

    # --- S3 file processing ---------------------------------------------------------
    # "Image resizing"; "uploads/image.jpg -> Lambda -> writes thumbnails/thumb.jpg".
    W("image-thumbnails-separate-prefix",
      {"trigger": "file_upload", "client_waits": False, "data_store": "s3",
       "duration_s": 2, "peak_rps": 20},
      first="s3-processing", excludes=("rds", "dynamodb-streams"),
      absent_warnings=("recursive-trigger",)),
    # "Be careful when Lambda writes back to the same bucket that triggered it ... the
    # function can invoke itself repeatedly."
    W("thumbnails-written-back-to-upload-bucket",
      {"trigger": "file_upload", "client_waits": False, "data_store": "s3",
       "duration_s": 2, "writes_back_to_source": True},
      first="s3-processing", warnings=("recursive-trigger",)),
    # "CSV import pipelines"; "Data lake ingestion".
    W("csv-import-data-lake",
      {"trigger": "file_upload", "client_waits": False, "data_store": "s3",
       "duration_s": 45, "peak_rps": 2},
      first="s3-processing", excludes=("dynamodb-streams",)),
    # "Antivirus scanning".
    W("antivirus-scan-uploads",
      {"trigger": "file_upload", "client_waits": False, "data_store": "s3",
       "duration_s": 20, "peak_rps": 10},
      first="s3-processing"),
    # "Video metadata extraction" -- 12 minutes still fits Lambda's 900 s.
    W("video-metadata-12min",
      {"trigger": "file_upload", "client_waits": False, "data_store": "s3",
       "duration_s": 720, "peak_rps": 0.5},
      first="s3-processing", unbroken_limits=("lambda-max-duration",)),

    # --- DynamoDB Streams ---------------------------------------------------------
    # "Audit logs"; checklist: "Use DynamoDB Streams to react to table changes".
    W("audit-log-on-dynamodb-change",
      {"trigger": "data_change", "client_waits": False, "data_store": "dynamodb",
       "react_to_changes": True, "duration_s": 0.2, "peak_rps": 100},
      first="dynamodb-streams", excludes=("rds",),
      absent_warnings=("stream-update-loop",)),
    # "Search index synchronization".
    W("search-index-sync",
      {"trigger": "data_change", "client_waits": False, "data_store": "dynamodb",
       "react_to_changes": True, "duration_s": 0.4, "peak_rps": 300},
      first="dynamodb-streams", excludes=("rds",)),
    # "If Lambda reacts to a DynamoDB change and writes back to the same table, that write
    # may trigger the stream again." (denormalized view kept in the same table)
    W("denormalize-into-same-table",
      {"trigger": "data_change", "client_waits": False, "data_store": "dynamodb",
       "react_to_changes": True, "writes_back_to_source": True, "duration_s": 0.2},
      first="dynamodb-streams", warnings=("stream-update-loop",)),
    # "Do not assume every failed message should be retried forever" -- a stream handler
    # calling a flaky third party retries the same batch until it succeeds or expires.
    W("stream-consumer-flaky-downstream",
      {"trigger": "data_change", "client_waits": False, "data_store": "dynamodb",
       "react_to_changes": True, "unreliable_downstream": True, "duration_s": 1},
      first="dynamodb-streams", warnings=("infinite-retry",)),
    # "DynamoDB Streams capture changes to table items" -- a Postgres table has none.
    W("postgres-change-reaction",
      {"trigger": "data_change", "client_waits": False, "data_store": "relational",
       "react_to_changes": True, "duration_s": 0.5},
      includes=("rds",), excludes=("dynamodb-streams",)),

    # --- Step Functions / orchestrator / chaining ----------------------------------
    # Example workflow: Validate Order -> Reserve Inventory -> Charge Payment -> Send
    # Confirmation -> Update Order Status; "Retry and compensation workflows".
    W("order-workflow-5-steps-compensation",
      {"trigger": "http", "client_waits": False, "steps": 5, "compensation": True,
       "unreliable_downstream": True, "data_store": "dynamodb", "duration_s": 2},
      first="step-functions", not_first=("orchestrator",)),
    # "Document approval flows"; "Long-running business processes"; "waits".
    W("document-approval-waits-days",
      {"trigger": "http", "client_waits": False, "steps": 3, "long_waits": True,
       "duration_s": 2},
      first="step-functions"),
    # Chaining alternatives: "Lambda A directly invokes Lambda B for background work -> SQS";
    # "direct Lambda-to-Lambda invocation should be rare".
    W("two-step-background-pipeline",
      {"trigger": "http", "client_waits": False, "steps": 2, "duration_s": 5},
      includes_any=("sqs-worker", "step-functions"), not_first=("chaining",)),
    # "Multi-step workflow -> Step Functions"; orchestrator: "Small workflows that do not
    # need Step Functions" -- three functions calling each other while the client waits.
    W("three-sync-functions-in-a-row",
      {"trigger": "http", "client_waits": True, "steps": 3, "latency_ms": 3000,
       "duration_s": 0.8},
      includes_any=("orchestrator", "step-functions"), not_first=("chaining",)),
    # Orchestrator: "Backend-for-Frontend APIs", "Combining multiple data sources into one
    # response", "Fast request/response" (vs Step Functions: "Long-running process").
    # API Gateway fronts the aggregating function, so either may lead.
    W("bff-mobile-3-services-300ms",
      {"trigger": "http", "client_waits": True, "latency_ms": 300,
       "aggregate_sources": 3, "duration_s": 0.15, "peak_rps": 100},
      first=("api-gateway-lambda", "orchestrator"),
      includes=("orchestrator", "api-gateway-lambda"), not_first=("step-functions",),
      absent_warnings=("distributed-monolith",)),
    # "Do not turn the orchestrator into a giant distributed monolith. If the workflow
    # grows ... move it to Step Functions."
    W("aggregation-8-services-7-steps",
      {"trigger": "http", "client_waits": True, "latency_ms": 3000,
       "aggregate_sources": 8, "steps": 7, "duration_s": 2},
      includes=("step-functions",), warnings=("distributed-monolith",)),
    # Comparison: Step Functions main risk "Workflow complexity and cost" -- 2,000
    # executions/s of 6 steps, 3 billion a month.
    W("high-volume-workflow-cost",
      {"trigger": "event", "client_waits": False, "steps": 6, "compensation": True,
       "peak_rps": 2000, "duration_s": 0.2, "monthly_invocations": 3_000_000_000},
      includes=("step-functions",), warnings=("workflow-cost",)),

    # --- RDS ------------------------------------------------------------------------
    # "1,000 Lambda invocations -> 1,000 database connections -> RDS connection
    # exhaustion": 2,000 rps x 0.1 s = ~200 concurrent vs 100 connections.
    W("relational-api-2000rps-100-connections",
      {"trigger": "http", "client_waits": True, "latency_ms": 500, "duration_s": 0.1,
       "data_store": "relational", "peak_rps": 2000, "db_max_connections": 100},
      includes=("rds", "api-gateway-lambda"), excludes=("dynamodb-streams",),
      warnings=("connection-exhaustion",), unbroken_limits=("lambda-concurrency",)),
    # "Use SQS to buffer write-heavy workloads"; "Limit Lambda concurrency to protect the
    # database": 500 rps x 0.4 s = ~200 concurrent vs 50 connections.
    W("relational-writes-buffered-by-queue",
      {"trigger": "queue", "client_waits": False, "data_store": "relational",
       "peak_rps": 500, "duration_s": 0.4, "db_max_connections": 50},
      includes=("rds", "sqs-worker"), warnings=("connection-exhaustion",)),

    # --- quotas: payload, concurrency -------------------------------------------------
    # Checklist: "Watch service quotas for concurrency, payload size, timeout" -- 3 MB is
    # over the SQS message size (256 KB, 1 MiB since 2025) either way.
    W("async-3mb-payload-via-queue",
      {"trigger": "queue", "client_waits": False, "payload_kb": 3072, "duration_s": 1},
      includes=("sqs-worker",), warnings=("payload-limit",),
      broken_limits=("sqs-message-size",)),
    # Same sentence, the other side: 200 KB fits any SQS message size limit.
    W("queue-200kb-payload-fits",
      {"trigger": "queue", "client_waits": False, "payload_kb": 200, "duration_s": 1},
      first="sqs-worker", absent_warnings=("payload-limit",),
      unbroken_limits=("sqs-message-size",)),
    # Same sentence: an 8 MB synchronous response is over Lambda's 6 MB sync payload.
    W("sync-8mb-response",
      {"trigger": "http", "client_waits": True, "payload_kb": 8192, "latency_ms": 5000,
       "duration_s": 2},
      includes=("api-gateway-lambda",), warnings=("payload-limit",),
      broken_limits=("sync-payload",)),
    # Same sentence: a 2 MB event fanned out through SNS is over its message size.
    W("fanout-2mb-event",
      {"trigger": "event", "client_waits": False, "consumers": 4, "payload_kb": 2048,
       "duration_s": 0.5},
      includes=("sns-fanout",), warnings=("payload-limit",),
      # SNS fan-out is listed but not proposed, so its message limit is not part of this answer.
      broken_limits=("eventbridge-event-size",)),
    # Same sentence: 2 MB of state passed between workflow steps.
    W("workflow-2mb-state",
      {"trigger": "http", "client_waits": False, "steps": 4, "compensation": True,
       "payload_kb": 2048, "duration_s": 1},
      includes=("step-functions",), warnings=("payload-limit",),
      broken_limits=("step-functions-payload",)),
    # Same sentence ("concurrency"): 2,000 rps x 2 s = ~4,000 concurrent executions,
    # over the default regional 1,000.
    W("api-2000rps-2s-work-concurrency",
      {"trigger": "http", "client_waits": True, "latency_ms": 5000, "duration_s": 2,
       "peak_rps": 2000},
      includes=("api-gateway-lambda",), broken_limits=("lambda-concurrency",),
      unbroken_limits=("api-gateway-timeout", "lambda-max-duration")),
]

_ids = [w.id for w in WORKLOADS]
assert len(_ids) == len(set(_ids)), "duplicate workload ids"
assert len(WORKLOADS) >= 36


@lru_cache(maxsize=None)
def _recommendation(workload_id: str) -> dict:
    workload = next(w for w in WORKLOADS if w.id == workload_id)
    return recommend(dict(workload.answers), CATALOGUE).to_dict()


def _ranked(rec: dict) -> list[str]:
    return [r["pattern"] for r in rec["recommendations"]]


def _show(rec: dict) -> str:
    """Compact view of a recommendation for assertion messages."""
    return json.dumps({
        "ranked": [(r["pattern"], r["score"]) for r in rec["recommendations"]],
        "warnings": [(w["id"], w["pattern"]) for w in rec["warnings"]],
        "limits": [(l["id"], l["ok"], l["value"], l["limit"]) for l in rec["limits"]],
    }, default=str)


# --- the table itself is well formed ---------------------------------------------

@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.id)
def test_table_uses_the_vocabulary(workload: Workload):
    assert set(workload.answers) <= ANSWER_KEYS
    firsts = workload.first if isinstance(workload.first, tuple) else (
        () if workload.first is None else (workload.first,))
    for slug in (*firsts, *workload.includes, *workload.includes_any,
                 *workload.excludes, *workload.not_first):
        assert slug in PATTERNS, slug
    assert set(workload.warnings) | set(workload.absent_warnings) <= WARNINGS
    assert not set(workload.warnings) & set(workload.absent_warnings)
    assert set(workload.broken_limits) | set(workload.unbroken_limits) <= LIMITS
    assert not set(workload.broken_limits) & set(workload.unbroken_limits)
    assert not set(workload.includes) & set(workload.excludes)


# --- what the domain implies for each workload -------------------------------------

@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.id)
def test_workload_expectations(workload: Workload):
    rec = _recommendation(workload.id)
    ranked = _ranked(rec)
    context = f"{workload.id}: {_show(rec)}"

    assert ranked, f"no pattern fits: {context}"

    if workload.first is not None:
        allowed = workload.first if isinstance(workload.first, tuple) else (workload.first,)
        assert ranked[0] in allowed, f"first should be one of {allowed}: {context}"

    for slug in workload.includes:
        assert slug in ranked, f"{slug} should be recommended: {context}"
    if workload.includes_any:
        assert set(workload.includes_any) & set(ranked), (
            f"one of {workload.includes_any} should be recommended: {context}")
    for slug in workload.excludes:
        assert slug not in ranked, f"{slug} should not be recommended: {context}"
    for slug in workload.not_first:
        assert ranked[0] != slug, f"{slug} should not be first: {context}"

    warning_ids = {w["id"] for w in rec["warnings"]}
    for wid in workload.warnings:
        assert wid in warning_ids, f"warning {wid} missing: {context}"
    for wid in workload.absent_warnings:
        assert wid not in warning_ids, f"warning {wid} does not apply: {context}"

    for lid in workload.broken_limits:
        rows = [l for l in rec["limits"] if l["id"] == lid]
        assert rows, f"limit {lid} not checked: {context}"
        assert any(l["ok"] is False for l in rows), f"limit {lid} should be broken: {context}"
    for lid in workload.unbroken_limits:
        for l in rec["limits"]:
            if l["id"] == lid:
                assert l["ok"] is True, f"limit {lid} should hold: {context}"


# --- structural truths for every recommendation (SPEC §4.3) ------------------------

def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.id)
def test_recommendation_structure(workload: Workload):
    rec = _recommendation(workload.id)
    context = f"{workload.id}: {_show(rec)}"

    json.dumps(rec)  # the recommendation is plain JSON data
    for key in ("recommendations", "warnings", "limits"):
        assert isinstance(rec[key], list), key

    # ranked list: known slugs, each once, scores in (0, 1], best first, reasons given
    ranked = _ranked(rec)
    assert set(ranked) <= PATTERNS, context
    assert len(ranked) == len(set(ranked)), f"pattern listed twice: {context}"
    scores = [r["score"] for r in rec["recommendations"]]
    assert all(_is_number(s) and 0 < s <= 1 for s in scores), context
    assert scores == sorted(scores, reverse=True), f"not sorted by score: {context}"
    for r in rec["recommendations"]:
        assert isinstance(r["reasons"], list) and r["reasons"], f"{r['pattern']} has no reasons"
        for reason in r["reasons"]:
            assert isinstance(reason, str) and reason.strip(), f"empty reason for {r['pattern']}"

    # chaining is never first while an alternative fits; when listed it carries its risk
    if ranked and ranked[0] == "chaining":
        assert len(ranked) == 1, f"chaining ranked first over alternatives: {context}"
    warning_ids = {w["id"] for w in rec["warnings"]}
    if "chaining" in rec["selected"]:
        assert "direct-chaining" in warning_ids, f"chaining proposed without its risk: {context}"
    # risks and limits describe the proposed patterns only
    for item in rec["warnings"] + rec["limits"]:
        assert item.get("pattern") in (None, *rec["selected"]), f"{item['id']} of a pattern not proposed: {context}"

    # warnings: known ids, a severity, a message, tied to a listed pattern (or workload-wide)
    for w in rec["warnings"]:
        assert w["id"] in WARNINGS, w["id"]
        assert w["severity"] in SEVERITIES, w
        assert isinstance(w["message"], str) and w["message"].strip(), w
        assert w["pattern"] is None or w["pattern"] in ranked, (
            f"warning {w['id']} for unlisted pattern {w['pattern']}: {context}")

    # limits: known ids, numbers on both sides, ok consistent with them (all are maxima)
    for l in rec["limits"]:
        assert l["id"] in LIMITS, l["id"]
        assert isinstance(l["ok"], bool), l
        assert _is_number(l["value"]) and _is_number(l["limit"]), l
        assert isinstance(l["unit"], str) and l["unit"].strip(), l
        assert isinstance(l["message"], str) and l["message"].strip(), l
        if l["ok"]:
            assert l["value"] <= l["limit"], f"ok but over the limit: {l}"
        else:
            assert l["value"] > l["limit"], f"broken but within the limit: {l}"
