"""Acceptance scenarios for the rules engine (SPEC §3, §4.3).

The scenarios live in patterns/data/scenarios.yaml (one copy, also run by
`manage.py check_scenarios` and from the admin): realistic workloads described only by
the answers that matter, and the expectations the domain notes clearly imply, each
naming the sentence it comes from. Here every scenario must pass against the shipped
catalogue, use the SPEC's vocabulary, and produce a well-formed recommendation.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import pytest

from patterns.catalogue import load_files
from patterns.engine import compile_catalogue, recommend
from patterns.scenarios import Scenario, check_scenario, load_scenario_files, run_scenario

CATALOGUE = load_files()

# --- the vocabulary (SPEC §3) --------------------------------------------------

ANSWER_KEYS = {
    "trigger", "client_waits", "latency_ms", "duration_s", "max_duration_s",
    "consumers", "content_routing", "steps", "compensation", "long_waits",
    "aggregate_sources", "data_store", "react_to_changes", "writes_back_to_source",
    "peak_rps", "monthly_invocations", "payload_kb", "downstream_max_rps",
    "unreliable_downstream", "ordering", "memory_mb", "db_max_connections",
    # SPEC §8.1
    "wait_s", "duplicates_ok", "read_percent", "item_kb", "items_per_unit", "api_type", "push_to_clients",
    "replay_days", "consumer_names",
}
PATTERNS = {
    "api-gateway-lambda", "sqs-worker", "sns-fanout", "eventbridge", "s3-processing",
    "dynamodb-streams", "step-functions", "orchestrator", "chaining", "rds",
    "kinesis-stream",  # SPEC §8.2
}
WARNINGS = {
    "cold-start-latency", "api-timeout", "poison-message", "infinite-retry",
    "subscriber-failure", "event-schema-drift", "recursive-trigger",
    "stream-update-loop", "workflow-cost", "distributed-monolith", "direct-chaining",
    "connection-exhaustion", "lambda-max-duration", "payload-limit",
    "downstream-overload", "duplicate-delivery",
    "hot-partition-key",  # kinesis-stream's own
    # SPEC §8.3
    "express-at-least-once", "fifo-throughput", "api-account-throttle", "dual-write",
    "scaling-rate", "stream-readers", "vpc-egress-cost",
    "replay-window",  # events kept shorter than the replay window answered (replay_days)
}
LIMITS = {
    "lambda-max-duration", "api-gateway-timeout", "sync-payload", "async-payload",
    "sqs-message-size", "sns-message-size", "eventbridge-event-size",
    "step-functions-payload", "step-functions-express-duration",
    "lambda-concurrency", "lambda-memory",
    # kinesis-stream's own (SPEC §8.2: shard throughput, record size)
    "kinesis-record-size", "kinesis-shard-quota", "kinesis-shard-read-transactions", "kinesis-shard-read-kb",
    # read by the rules since the limits audit (SPEC §8.3)
    "api-gateway-account-rps", "sqs-fifo-throughput", "eventbridge-targets-per-rule",
    "lambda-sqs-max-concurrency", "sqs-max-visibility-timeout", "lambda-async-event-max-age",
    "lambda-scaling-rate", "dynamodb-stream-readers", "http-api-timeout",
    # what holds a waiting execution and how long events are kept (wait_s, replay_days)
    "step-functions-standard-duration", "sqs-max-retention", "dynamodb-stream-retention", "kinesis-max-retention",
}
SEVERITIES = {"low", "medium", "high", "critical"}


SCENARIOS = load_scenario_files()
ENGINE = compile_catalogue(CATALOGUE)


def test_there_are_enough_scenarios():
    assert len(SCENARIOS) >= 36


@lru_cache(maxsize=None)
def _recommendation(name: str) -> dict:
    scenario = next(s for s in SCENARIOS if s.name == name)
    return recommend(dict(scenario.answers), CATALOGUE).to_dict()


def _ranked(rec: dict) -> list[str]:
    return [r["pattern"] for r in rec["recommendations"]]


def _show(rec: dict) -> str:
    """Compact view of a recommendation for assertion messages."""
    return json.dumps({
        "ranked": [(r["pattern"], r["score"]) for r in rec["recommendations"]],
        "warnings": [(w["id"], w["pattern"]) for w in rec["warnings"]],
        "limits": [(l["id"], l["ok"], l["value"], l["limit"]) for l in rec["limits"]],
    }, default=str)


# --- the scenarios are well formed -------------------------------------------------

@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenarios_use_the_vocabulary(scenario: Scenario):
    assert set(scenario.answers) <= ANSWER_KEYS
    for slug in (*scenario.top, *scenario.recommended, *scenario.recommended_any,
                 *scenario.not_recommended, *scenario.not_top):
        assert slug in PATTERNS, slug
    assert set(scenario.warnings) | set(scenario.no_warnings) <= WARNINGS
    assert set(scenario.broken_limits) | set(scenario.unbroken_limits) <= LIMITS
    assert check_scenario(scenario, CATALOGUE) == []


# --- what the domain implies for each workload -------------------------------------

@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_expectations(scenario: Scenario):
    result = run_scenario(scenario, ENGINE)
    assert result.passed, "\n".join([scenario.name, *result.failures, _show(_recommendation(scenario.name))])


# --- structural truths for every recommendation (SPEC §4.3) ------------------------

def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_recommendation_structure(scenario: Scenario):
    rec = _recommendation(scenario.name)
    context = f"{scenario.name}: {_show(rec)}"

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
