"""The AWS limits the generated template is sized by are catalogue rows: an edited row (passed
as the Selection's limits, as the web app passes the live catalogue's) changes the template."""

from gencheck import generate, load_template

from pattern_library.kinesis_stream.sizing import consumer_sizing
from patterns.catalogue import load_files

SHIPPED_LIMITS = {limit.id: limit.value for limit in load_files().limits}


def resources(patterns, limits=None, **answers):
    files = generate(patterns, options={"limits": limits or {}}, **answers)
    return load_template(files["serverless-app/template.yaml"])["Resources"]


def event_properties(resources_, function):
    (event,) = resources_[function]["Properties"]["Events"].values()
    return event["Properties"]


def test_queue_batches_stay_within_the_fifo_and_windowless_maximum_rows():
    # Quick messages: the batch is as large as SQS allows without a window or on a FIFO queue.
    assert event_properties(resources(["sqs-worker"], max_duration_s=1), "WorkerFunction")["BatchSize"] == 10
    for row in ("sqs-fifo-max-batch", "lambda-sqs-max-batch-without-window"):
        smaller = resources(["sqs-worker"], {row: 4}, max_duration_s=1)
        assert event_properties(smaller, "WorkerFunction")["BatchSize"] == 4, row


def test_the_worker_concurrency_stays_within_the_rows_range():
    def concurrency(limits, **answers):
        return event_properties(resources(["sqs-worker"], limits, **answers),
                                "WorkerFunction")["ScalingConfig"]["MaximumConcurrency"]

    assert concurrency({}, peak_rps=100000, duration_s=5) == 1000
    assert concurrency({"lambda-sqs-max-concurrency": 300}, peak_rps=100000, duration_s=5) == 300
    assert concurrency({"lambda-sqs-min-concurrency": 3}, peak_rps=1, duration_s=0.01) == 3


def test_the_dynamodb_stream_consumer_keeps_the_default_batch_row():
    assert event_properties(resources(["dynamodb-streams"]), "StreamProcessorFunction")["BatchSize"] == 100
    edited = resources(["dynamodb-streams"], {"lambda-dynamodb-default-batch": 50})
    assert event_properties(edited, "StreamProcessorFunction")["BatchSize"] == 50


def test_the_kinesis_consumer_is_bounded_by_the_parallelization_and_batch_rows():
    busy = {"peak_rps": 1000, "payload_kb": 1, "duration_s": 0.02, "max_duration_s": 0.1}
    shipped = consumer_sizing(busy, SHIPPED_LIMITS, 900)
    assert (shipped.parallelization, shipped.batch_size) == (10, 100)
    edited = consumer_sizing(busy, {**SHIPPED_LIMITS, "lambda-stream-max-parallelization": 4,
                                    "lambda-kinesis-default-batch": 40}, 900)
    assert (edited.parallelization, edited.batch_size) == (4, 40)


def test_dead_letter_queues_keep_messages_as_long_as_the_retention_row_allows():
    shipped = resources(["sqs-worker"])["WorkQueueDlq"]["Properties"]["MessageRetentionPeriod"]
    assert shipped == 14 * 86400
    edited = resources(["sqs-worker"], {"sqs-max-retention": 7})["WorkQueueDlq"]["Properties"]
    assert edited["MessageRetentionPeriod"] == 7 * 86400


def test_api_throttling_stays_within_the_account_rows():
    def throttle(limits):
        stage = next(r for r in resources(["api-gateway-lambda"], limits, peak_rps=100000).values()
                     if r["Type"] == "AWS::Serverless::HttpApi")
        settings = stage["Properties"]["DefaultRouteSettings"]
        return settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]

    assert throttle({}) == (10000, 5000)
    assert throttle({"api-gateway-account-rps": 2500, "api-gateway-account-burst": 1250}) == (2500, 1250)
