"""Golden cost figures: each pattern alone and four combinations, worked out by hand.

Every expected figure is the sum of its lines, each line written out as quantity × the price
row's unit price, rounded to the cent as the estimate rounds each line. The quantities are
the arithmetic of the usage model, spelled out in the comments: 2,000,000 units of work a
month, 0.2 s typical processing, 1 GB functions on arm64, 4 KB messages; 1% of invocations
start cold (one every 1.3 s is far more often than an idle environment lives) and bill 0.5 s
of INIT; each invocation logs 1 KB.
"""

from __future__ import annotations

import pytest

from patterns.catalogue import load_files
from patterns.cost import HOP_SECONDS
from patterns.engine import recommend

CATALOGUE = load_files()
P = CATALOGUE.price_map
ARM = "lambda-gb-second-arm64"
GB_OF_KB = 1024 * 1024  # KB in a GB

BASE = {"monthly_invocations": 2_000_000, "duration_s": 0.2, "memory_mb": 1024, "consumers": 3, "steps": 3,
        "payload_kb": 4}


def line(quantity: float, price_id: str) -> float:
    """One line: quantity × the row's unit price, to the cent."""
    return round(quantity * P[price_id].usd / P[price_id].per, 2)


def worker_function() -> float:
    """A function doing a whole unit of work on each of 2M invocations."""
    return (line(2_000_000, "lambda-requests")       # 2M invocations
            + line(400_000, ARM)                     # 2M × 0.2 s × 1 GB
            + line(10_000, ARM))                     # INIT: 20,000 cold starts × 0.5 s × 1 GB


def logs(invocations: int) -> float:
    return line(invocations / GB_OF_KB, "lambda-logs-ingestion-1")  # 1 KB per invocation


GOLDEN = {
    "api-gateway-lambda": lambda: (
        line(2_000_000, "apigw-http-requests")       # 2M requests, each under 512 KB
        + worker_function() + logs(2_000_000)),
    "sqs-worker": lambda: (
        # 2M messages are 0.76 a second: the 1 s batching window closes each batch with one
        # message, so each message is sent, received and deleted on its own, and is one invocation
        line(6_000_000, "sqs-standard-requests")     # 2M messages × send, receive, delete
        + worker_function()
        + line(4_000_000, "dynamodb-write-units")    # idempotency: 2M invocations × 2 writes
        + logs(2_000_000)),
    "sns-fanout": lambda: (
        line(2_000_000, "sns-publishes")             # 2M publishes; deliveries to queues are free
        + 3 * line(6_000_000, "sqs-standard-requests")  # one queue per consumer, batches of one: 3 requests per message
        + 3 * worker_function()                      # one function per consumer
        + line(12_000_000, "dynamodb-write-units")   # idempotency: 6M invocations × 2
        + logs(6_000_000)),
    "eventbridge": lambda: (
        line(2_000_000, "eventbridge-custom-events")
        + 3 * line(6_000_000, "sqs-standard-requests")  # as for sns-fanout
        + 3 * worker_function()
        + line(12_000_000, "dynamodb-write-units")
        + logs(6_000_000)),
    "s3-processing": lambda: (
        line(2_000_000, "s3-put-requests")           # uploads
        + line(2_000_000, "s3-get-requests")         # the function reads each upload
        + line(2_000_000, "s3-put-requests")         # and writes one result
        + worker_function()
        + line(4_000_000, "dynamodb-write-units")
        + logs(2_000_000)),
    "dynamodb-streams": lambda: (
        line(2_000_000, "dynamodb-write-units")      # 2M changes by your systems × 1 KB items
        + line(2_000_000, "dynamodb-write-units")    # the view: one 1 KB item per stream record
        + 2 * line(2_000_000 / GB_OF_KB, "dynamodb-storage")  # each table: a month of 2M new 1 KB items kept
        # 2M records a month are 0.76 a second: the 1 s batching window closes each batch with one
        # record, so the function is invoked once per record
        + worker_function()
        + line(4_000_000, "dynamodb-write-units")
        + logs(2_000_000)),
    "step-functions": lambda: (                      # 0.2 s fits Express, so Express is in the total
        line(2_000_000, "sfn-express-requests")
        + line(25_600, "sfn-express-gb-second")      # 2M × 0.2 s × 0.064 GB
        + line(6_000_000, "lambda-requests")         # 3 steps per execution
        + line(400_000, ARM)                         # 6M × (0.2 s / 3) × 1 GB
        + line(30_000, ARM)                          # INIT: 60,000 cold starts × 0.5 s × 1 GB
        + line(12_000_000, "dynamodb-write-units")   # idempotency: 6M × 2
        + logs(6_000_000)),
    "orchestrator": lambda: (
        line(2_000_000, "apigw-http-requests") + worker_function() + logs(2_000_000)),
    "chaining": lambda: (
        2 * (line(2_000_000, "lambda-requests")      # two stages, each half the work
             + line(200_000, ARM)                    # 2M × 0.1 s × 1 GB
             + line(10_000, ARM))
        + line(4_000_000, "dynamodb-write-units")    # the second stage is idempotent
        + logs(4_000_000)),
    "rds": lambda: (
        line(2_000_000, "apigw-http-requests")
        + line(1_460, "rds-proxy-vcpu-hour")         # 2 vCPUs (the minimum) × 730 h
        + worker_function()
        + logs(2_000_000)
        + line(1_460, "nat-gateway-hours")           # 2 NAT gateways × 730 h
        + line(2_000_000 * 8 / GB_OF_KB, "nat-gateway-gb")),  # 2M × 4 KB in and 4 KB out
    "kinesis-stream": lambda: (
        line(730, "kinesis-shard-hours")             # 10 records/s × 4 KB fits 1 shard, all month
        + line(2_000_000, "kinesis-put-payload-units")  # 2M records × 1 unit (4 KB ≤ 25 KB)
        + worker_function()                          # 0.76 records/s: batches of one, as for the table stream
        + line(4_000_000, "dynamodb-write-units")    # idempotency: 2M invocations × 2
        + logs(2_000_000)),
}


@pytest.mark.parametrize("slug", sorted(GOLDEN))
def test_each_pattern_alone_costs_what_the_arithmetic_says(slug):
    cost = recommend(BASE, CATALOGUE, patterns=(slug,)).cost
    assert cost.monthly_usd == pytest.approx(GOLDEN[slug](), abs=0.005), [row.basis for row in cost.lines]


def test_every_pattern_has_a_golden_figure():
    assert set(GOLDEN) == {p.slug for p in CATALOGUE.patterns}


def test_express_and_standard_are_both_shown_when_both_fit():
    cost = recommend(BASE, CATALOGUE, patterns=("step-functions",)).cost
    standard = [row for row in cost.alternatives if row.price == "sfn-standard-transitions"]
    # 2M executions × (3 steps + start + end) transitions, not in the total
    assert [row.usd for row in standard] == [line(10_000_000, "sfn-standard-transitions")]
    assert "sfn-standard-transitions" not in {row.price for row in cost.lines}


def test_an_api_and_a_fifo_queue_worker():
    answers = {**BASE, "ordering": True, "client_waits": False}
    expected = (line(2_000_000, "apigw-http-requests")
                + line(6_000_000, "sqs-fifo-requests")    # ordering: a FIFO queue, no batching window: batches of one
                + line(2_000_000, "lambda-requests")      # the API function only hands work on:
                + line(200_000, ARM)                      # 2M × 0.1 s × 1 GB
                + line(10_000, ARM)
                + worker_function()
                + line(8_000_000, "dynamodb-write-units")  # both are idempotent: 4M invocations × 2
                + logs(4_000_000))
    cost = recommend(answers, CATALOGUE, patterns=("api-gateway-lambda", "sqs-worker")).cost
    assert cost.monthly_usd == pytest.approx(expected, abs=0.005)


def test_a_read_mostly_rest_api_on_dynamodb_with_the_free_tier():
    answers = {**BASE, "data_store": "dynamodb", "read_percent": 80, "item_kb": 6, "api_type": "rest",
               "free_tier": True}
    expected = (line(2_000_000, "apigw-rest-requests")     # REST, not HTTP
                + line(2_400_000, "dynamodb-write-units")  # 2M × 20% writes × 1 item × 6 KB -> 6 units
                + line(1_600_000, "dynamodb-read-units")   # 2M × 80% reads × 2 units (6 KB / 4) × 0.5
                + line(2_400_000 / GB_OF_KB, "dynamodb-storage")  # a month of 400,000 new 6 KB items
                + worker_function()
                + line(4_000_000, "dynamodb-write-units")  # idempotency
                + logs(2_000_000)
                - line(1_000_000, "lambda-requests")       # free tier: 1M requests
                - line(400_000, ARM)                       # free tier: 400,000 GB-s
                - logs(2_000_000))                         # free tier: 5 GB of logs covers 1.9 GB
    cost = recommend(answers, CATALOGUE, patterns=("api-gateway-lambda",)).cost
    assert cost.monthly_usd == pytest.approx(expected, abs=0.005)
    assert cost.free_tier


def test_a_standard_workflow_writing_a_table_whose_stream_feeds_a_view():
    answers = {**BASE, "data_store": "dynamodb", "long_waits": True, "item_kb": 2.5, "items_per_unit": 4,
               "client_waits": False}
    expected = (line(10_000_000, "sfn-standard-transitions")  # long waits: Standard, 2M × 5 transitions
                + line(6_000_000, "lambda-requests")          # the steps function: 3 per execution
                + line(400_000, ARM)                          # 6M × 0.2/3 s × 1 GB
                + line(30_000, ARM)                           # INIT: 60,000 × 0.5 s
                + line(24_000_000, "dynamodb-write-units")    # data: 2M units × 4 items × 3 units (2.5 KB)
                + line(4_000_000, "dynamodb-write-units")     # approval records: 2M × 2
                # the stream function reads 8M records (one per item written), 3.04 a second
                # (8M / 2,628,000 s): each 1 s batching window closes a batch of 3.04 records
                + line(2_628_000, "lambda-requests")          # 8M records ÷ 3.04 per batch
                + line(1_600_000, ARM)                        # 8M records × 0.2 s × 1 GB
                + line(13_140, ARM)                           # INIT: 1% of 2,628,000 invocations × 0.5 s
                + line(24_000_000, "dynamodb-write-units")    # the view: 8M records × 3 units
                + 2 * line(20_000_000 / GB_OF_KB, "dynamodb-storage")  # each table: a month of 8M 2.5 KB items
                + line(28_000_000, "dynamodb-write-units")    # idempotency: (6M + 8M) × 2
                + logs(14_000_000))
    cost = recommend(answers, CATALOGUE, patterns=("step-functions", "dynamodb-streams")).cost
    assert cost.monthly_usd == pytest.approx(expected, abs=0.005)
    assert not cost.alternatives  # Express does not fit waits of hours


def test_a_latency_sensitive_api_with_a_database_behind_a_proxy_in_a_vpc():
    answers = {**BASE, "data_store": "relational", "latency_ms": 500}
    provisioned_function = (line(1_000_000, "lambda-requests")  # the API splits 2M requests over two functions
                            + line(2_628_000, "lambda-provisioned-gb-second-arm64")  # 1 environment × 1 GB × 730 h
                            + line(200_000, "lambda-provisioned-duration-arm64"))   # 1M × 0.2 s × 1 GB
    expected = (line(2_000_000, "apigw-http-requests")
                + 2 * provisioned_function                 # the advice recommends provisioned concurrency
                + line(1_460, "rds-proxy-vcpu-hour")
                + logs(2_000_000)
                + line(1_460, "nat-gateway-hours")
                + line(1_000_000 * 8 / GB_OF_KB, "nat-gateway-gb"))
    result = recommend(answers, CATALOGUE, patterns=("api-gateway-lambda", "rds"))
    assert "cold-start-latency" in {w.id for w in result.warnings}
    assert result.cost.monthly_usd == pytest.approx(expected, abs=0.005)
    endpoints = [row for row in result.cost.alternatives if row.price == "vpc-endpoint-hours"]
    assert [row.usd for row in endpoints] == [line(1_460, "vpc-endpoint-hours")]  # Secrets Manager × 2 AZ × 730 h


BUSY_STREAM = {"monthly_invocations": 2_628_000_000, "peak_rps": 1000, "payload_kb": 1, "duration_s": 0.01,
               "memory_mb": 1024, "client_waits": False}


def batched_stream_function() -> float:
    """A function reading 2,628,000,000 records a month, 1,000 a second on average (a month is
    2,628,000 s), from one shard: the 1 s batching window would gather 1,000 records, so every
    batch is full at the mapping's batch size of 100 (a full batch of 0.01 s records fits the
    function's timeout many times over): 26,280,000 invocations."""
    return (line(26_280_000, "lambda-requests")       # 2,628,000,000 records ÷ 100 per batch
            + line(26_280_000, ARM)                   # 2,628,000,000 records × 0.01 s × 1 GB
            + line(131_400, ARM))                     # INIT: 1% of 26,280,000 invocations × 0.5 s × 1 GB


@pytest.mark.parametrize("slug, answers, own", [
    ("kinesis-stream", {**BUSY_STREAM, "trigger": "event"},
     line(730, "kinesis-shard-hours")                 # 1,000 records/s of 1 KB fit one shard
     + line(2_628_000_000, "kinesis-put-payload-units")),
    ("dynamodb-streams", {**BUSY_STREAM, "trigger": "data_change", "data_store": "dynamodb", "react_to_changes": True},
     line(2_628_000_000, "dynamodb-write-units")      # the changes your systems write, 1 KB each
     + line(2_628_000_000, "dynamodb-write-units")    # the view: one item per record
     + 2 * line(2_628_000_000 / GB_OF_KB, "dynamodb-storage")),  # each table: a month of 1 KB items
])
def test_a_busy_stream_is_read_in_full_batches_one_invocation_each(slug, answers, own):
    expected = (own + batched_stream_function()
                + line(5_256_000_000, "dynamodb-write-units")  # idempotency: a record and its outcome per record
                + logs(2_628_000_000))
    cost = recommend(answers, CATALOGUE, patterns=(slug,)).cost
    assert cost.monthly_usd == pytest.approx(expected, abs=0.005), [row.basis for row in cost.lines]
    requests = next(row for row in cost.lines if row.price == "lambda-requests")
    assert requests.quantity == 26_280_000
    assert "2,628,000,000 stream records ÷ 100 per batch" in requests.assumption


BUSY_QUEUE = {**BASE, "monthly_invocations": 20_000_000, "payload_kb": 20}


def batched_queue_reader() -> float:
    """A function reading 20,000,000 messages a month from a standard queue: 7.61 a second on
    average (a month is 2,628,000 s), so the 1 s batching window closes each batch with 7.61
    messages, under the batch size of 10: 2,628,000 batches, one invocation each."""
    return (line(20_000_000 + 3 * 2_628_000 + 2_628_000, "sqs-standard-requests")
            # 20M sends (20 KB: one 64 KB chunk each); per batch one receive returning 7.61 × 20 KB
            # = 152 KB, billed as 3 chunks of 64 KB; and one batched delete
            + line(2_628_000, "lambda-requests")      # 20M messages ÷ 7.61 per batch
            + line(4_000_000, ARM)                    # 20M messages × 0.2 s × 1 GB
            + line(13_140, ARM))                      # INIT: 1% of 2,628,000 invocations × 0.5 s × 1 GB


@pytest.mark.parametrize("slug, readers, own", [
    ("sqs-worker", 1, 0.0),
    ("sns-fanout", 3, line(20_000_000, "sns-publishes")),           # 20 KB: one 64 KB chunk each
    ("eventbridge", 3, line(20_000_000, "eventbridge-custom-events")),
])
def test_queue_readers_are_billed_per_batch_and_their_queues_per_batched_receive(slug, readers, own):
    expected = (own + readers * batched_queue_reader()
                + line(readers * 40_000_000, "dynamodb-write-units")  # one idempotency table: 20M messages × 2 per reader
                + logs(readers * 20_000_000))
    cost = recommend(BUSY_QUEUE, CATALOGUE, patterns=(slug,)).cost
    assert cost.monthly_usd == pytest.approx(expected, abs=0.005), [row.basis for row in cost.lines]
    requests = [row for row in cost.lines if row.price == "lambda-requests"]
    assert [row.quantity for row in requests] == [2_628_000] * readers
    assert "20,000,000 messages ÷ 7.61 per batch" in requests[0].assumption
    queue = next(row for row in cost.lines if row.price == "sqs-standard-requests")
    assert queue.quantity == 30_512_000 and "2,628,000 batches of 7.61 messages" in queue.assumption


def test_a_fifo_queue_has_no_batching_window_so_each_message_is_its_own_batch():
    expected = (line(60_000_000, "sqs-fifo-requests")  # 20M sends + 20M receives + 20M deletes
                + line(20_000_000, "lambda-requests")  # no window: 20M batches of one message
                + line(4_000_000, ARM)                 # 20M × 0.2 s × 1 GB
                + line(100_000, ARM)                   # INIT: 1% of 20M invocations × 0.5 s × 1 GB
                + line(40_000_000, "dynamodb-write-units")
                + logs(20_000_000))
    cost = recommend({**BUSY_QUEUE, "ordering": True}, CATALOGUE, patterns=("sqs-worker",)).cost
    assert cost.monthly_usd == pytest.approx(expected, abs=0.005), [row.basis for row in cost.lines]
    requests = next(row for row in cost.lines if row.price == "lambda-requests")
    assert "no batching window" in requests.assumption


def test_a_seven_day_approval_is_priced_on_its_compute_and_transitions_not_on_the_wait():
    answers = {**BASE, "long_waits": True, "wait_s": 604_800, "client_waits": False}
    expected = (line(10_000_000, "sfn-standard-transitions")  # Standard: 2M × (3 steps + start + end)
                + line(6_000_000, "lambda-requests")          # the steps function: 3 per execution
                + line(400_000, ARM)                          # 6M × 0.2/3 s × 1 GB: compute only
                + line(30_000, ARM)                           # INIT: 60,000 × 0.5 s
                + line(4_000_000, "dynamodb-write-units")     # approval records: 2M × 2
                + line(12_000_000, "dynamodb-write-units")    # idempotency: 6M × 2
                + logs(6_000_000))
    cost = recommend(answers, CATALOGUE, patterns=("step-functions",)).cost
    assert cost.monthly_usd == pytest.approx(expected, abs=0.005), [row.basis for row in cost.lines]
    assert not cost.alternatives  # Express cannot hold a week
    transitions = next(row for row in cost.lines if row.price == "sfn-standard-transitions")
    assert "the 604,800 s wait costs nothing" in transitions.assumption


def test_an_upload_that_starts_a_long_workflow_is_priced_once_in_its_bounded_steps():
    """A 20-minute job per upload: the workflow splits it into three steps of 400 s, which do
    the work; the upload's function only starts the workflow."""
    answers = {"trigger": "file_upload", "client_waits": False, "duration_s": 1200, "max_duration_s": 1200,
               "monthly_invocations": 1_000_000, "memory_mb": 1024}
    cost = recommend(answers, CATALOGUE, patterns=("s3-processing", "step-functions")).cost
    by_component = {}
    for row in cost.lines:
        by_component.setdefault(row.component, []).append(row)
    steps = next(row for row in by_component["WorkflowStepsFunction"] if row.price == "lambda-requests")
    assert steps.quantity == 3_000_000  # three bounded steps per upload
    transitions = next(row for row in by_component["WorkflowStateMachine"] if row.price == "sfn-standard-transitions")
    assert transitions.quantity == 5_000_000, transitions.assumption  # 1M × (3 steps + start + end)
    starter = next(row for row in by_component["FileProcessorFunction"] if row.price == ARM)
    assert starter.quantity == pytest.approx(1_000_000 * HOP_SECONDS * 1), starter.assumption  # 1 GB
    assert "timeout" not in starter.assumption
