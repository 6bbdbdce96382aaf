"""Monthly cost estimate of an architecture, from the price rows.

Prices are data (``prices.yaml`` / the admin). What is code here is the usage model: how
many requests, messages, transitions and GB-seconds one unit of work causes in each
pattern. The assumptions are named constants and spelled out in each line's ``basis`` so a
reader can check them. Free tiers are not subtracted: the estimate is what the workload
costs at scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .catalogue import Price

# Short hops (an API function that only enqueues, a fan-out subscriber) run about this long.
HOP_SECONDS = 0.1
LOG_KB_PER_INVOCATION = 1.0
# RDS Proxy is billed per vCPU of the database behind it; a small production instance.
DATABASE_VCPUS = 2
HOURS_PER_MONTH = 730
EXPRESS_MEMORY_GB = 0.064
SQS_REQUESTS_PER_MESSAGE = 3  # send, receive, delete; batching lowers it


@dataclass(frozen=True)
class CostLine:
    service: str
    usd: float
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "usd": self.usd, "basis": self.basis}


@dataclass(frozen=True)
class Cost:
    monthly_usd: float
    lines: tuple[CostLine, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"monthly_usd": self.monthly_usd, "lines": [line.to_dict() for line in self.lines]}


def lambda_hops(patterns: Iterable[str], answers: Mapping[str, Any]) -> int:
    """Function invocations one unit of work causes in this architecture."""
    hops = 0
    for slug in set(patterns):
        if slug in ("sns-fanout", "eventbridge"):
            hops += answers.get("consumers", 1)
        elif slug in ("step-functions", "chaining"):
            hops += answers.get("steps", 1)
        elif slug == "rds":
            continue  # the database is reached from another pattern's function
        else:
            hops += 1
    return max(hops, 1)


def uses_express_workflow(answers: Mapping[str, Any], express_limit_s: float | None) -> bool:
    """Express fits work that never waits long and ends within Express's duration limit
    (the limit row; without one, the workflow is priced as Standard)."""
    return (express_limit_s is not None and not answers.get("long_waits")
            and answers.get("max_duration_s", 0) <= express_limit_s)


def estimate_cost(answers: Mapping[str, Any], patterns: Iterable[str], prices: Mapping[str, Price],
                  express_limit_s: float | None = None, limits: Mapping[str, float] | None = None) -> Cost:
    """``limits``: the catalogue's limit values, for patterns whose usage depends on one (a
    stream's shard count on the per-shard write limits)."""
    patterns = set(patterns)
    units = answers.get("monthly_invocations", 0)
    payload_kb = answers.get("payload_kb", 0)
    lines: list[CostLine] = []

    def add(service: str, price_id: str, quantity: float, basis: str) -> None:
        price = prices.get(price_id)
        if price is None:
            return
        usd = quantity * price.usd / price.per
        lines.append(CostLine(service, round(usd, 2), f"{basis} at {_price_label(price)}"))

    hops = lambda_hops(patterns, answers)
    invocations = units * hops
    add("Lambda", "lambda-requests", invocations, f"{_count(invocations)} invocations ({hops} per unit of work)")
    memory_gb = answers.get("memory_mb", 512) / 1024
    seconds = units * answers.get("duration_s", 0) + units * max(hops - 1, 0) * HOP_SECONDS
    add("Lambda", "lambda-gb-second-arm64", seconds * memory_gb,
        f"{_count(seconds * memory_gb)} GB-s at {answers.get('memory_mb', 512)} MB on arm64")

    if "api-gateway-lambda" in patterns:
        chunks = max(1, math.ceil(payload_kb / 512))
        add("API Gateway", "apigw-http-requests", units * chunks, f"{_count(units * chunks)} HTTP API requests")
    if "sqs-worker" in patterns or "chaining" in patterns:
        chunks = max(1, math.ceil(payload_kb / 64))
        requests = units * SQS_REQUESTS_PER_MESSAGE * chunks
        price_id = "sqs-fifo-requests" if answers.get("ordering") else "sqs-standard-requests"
        add("SQS", price_id, requests, f"{_count(requests)} requests (send, receive, delete per 64 KB)")
    if "sns-fanout" in patterns:
        chunks = max(1, math.ceil(payload_kb / 64))
        add("SNS", "sns-publishes", units * chunks, f"{_count(units * chunks)} publishes")
        deliveries = units * answers.get("consumers", 1) * SQS_REQUESTS_PER_MESSAGE * chunks
        add("SQS", "sqs-standard-requests", deliveries, f"{_count(deliveries)} subscriber queue requests")
    if "eventbridge" in patterns:
        chunks = max(1, math.ceil(payload_kb / 64))
        add("EventBridge", "eventbridge-custom-events", units * chunks, f"{_count(units * chunks)} custom events")
    if "step-functions" in patterns:
        steps = answers.get("steps", 1)
        if uses_express_workflow(answers, express_limit_s):
            add("Step Functions", "sfn-express-requests", units, f"{_count(units)} Express executions")
            gb_s = units * answers.get("max_duration_s", 0) * EXPRESS_MEMORY_GB
            add("Step Functions", "sfn-express-gb-second", gb_s, f"{_count(gb_s)} GB-s of Express duration (64 MB)")
        else:
            transitions = units * (steps + 2)
            add("Step Functions", "sfn-standard-transitions", transitions,
                f"{_count(transitions)} state transitions ({steps + 2} per execution)")
    if answers.get("data_store") == "dynamodb" or "dynamodb-streams" in patterns:
        write_units = units * max(1, math.ceil(payload_kb))
        read_units = units * max(1, math.ceil(payload_kb / 4))
        add("DynamoDB", "dynamodb-write-units", write_units, f"{_count(write_units)} on-demand write units")
        add("DynamoDB", "dynamodb-read-units", read_units, f"{_count(read_units)} on-demand read units")
    if "rds" in patterns:
        vcpu_hours = DATABASE_VCPUS * HOURS_PER_MONTH
        add("RDS Proxy", "rds-proxy-vcpu-hour", vcpu_hours, f"{DATABASE_VCPUS} database vCPUs all month")
    # A pattern folder's cost.py prices what only that pattern has.
    from pattern_library import registry  # the registry imports no cost code

    for slug in sorted(patterns, key=lambda s: registry.get(s).order if registry.is_known(s) else 0):
        part = registry.get(slug).part("cost") if registry.is_known(slug) else None
        if part is not None:
            for service, price_id, quantity, basis in part.usage(answers, limits or {}):
                add(service, price_id, quantity, basis)
    log_gb = invocations * LOG_KB_PER_INVOCATION / (1024 * 1024)
    add("CloudWatch Logs", "cloudwatch-logs-ingestion", log_gb, f"{log_gb:,.2f} GB of logs (~1 KB per invocation)")

    total = round(sum(line.usd for line in lines), 2)
    return Cost(total, tuple(lines))


_LABELS: dict[tuple, str] = {}


def _price_label(price: Price) -> str:
    key = (price.usd, price.per, price.unit)
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = f"${_usd(price.usd)} per {_per(price)}"
    return label


def _per(price: Price) -> str:
    if price.per == 1:
        return price.unit
    if price.per == 1_000_000:
        return f"million {price.unit}"
    return f"{price.per:,.0f} {price.unit}"


def _usd(value: float) -> str:
    """Cents when the price is in whole cents, else every digit it has ($0.015, not $0.01)."""
    if value >= 0.01 and round(value, 2) == value:
        return f"{value:,.2f}"
    return f"{value:,.10f}".rstrip("0")


def _count(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:,.1f}M"
    if value >= 1_000:
        return f"{value / 1_000:,.1f}k"
    return f"{value:,.0f}"
