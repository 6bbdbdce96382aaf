"""batch-timeout-too-short (SPEC 8.6): a queue or stream trigger whose full batch cannot be
processed within the function's timeout, even at the least time a record can take."""

from analyzer_samples import cloudformation, ids, run

from analyzer.findings import RECORD_MS


def sqs_worker(batch: str, timeout: int | None = None) -> str:
    timeout_line = f"    Timeout: {timeout}\n" if timeout is not None else ""
    return f"""
Queue:
  Type: AWS::SQS::Queue
  Properties:
    VisibilityTimeout: 43200
    RedrivePolicy: {{deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}
Dlq: {{Type: AWS::SQS::Queue}}
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Tracing: Active
{timeout_line}    Events:
      Jobs:
        Type: SQS
        Properties:
          Queue: !GetAtt Queue.Arn
          FunctionResponseTypes: [ReportBatchItemFailures]
          MaximumBatchingWindowInSeconds: 20
{batch}"""


def test_a_full_batch_that_cannot_fit_the_timeout_is_found_on_the_trigger():
    analysis = run(sqs_worker("          BatchSize: 1000\n", timeout=5))
    assert ids(analysis) == [("batch-timeout-too-short", "Worker")]
    (found,) = [f for f in analysis.findings if f.id == "batch-timeout-too-short"]
    assert (found.severity, found.rule_ids, found.title) == (
        "medium", (), "A full batch cannot be processed within the timeout")
    assert found.explanation.startswith(
        f"The event Jobs gives Worker up to 1,000 records at a time, and even at {RECORD_MS} ms a record")
    assert "a full batch needs 10 s, more than its 5 s timeout" in found.explanation
    assert found.fix.startswith("Lower BatchSize")
    assert found.line == 17  # the function's Events, where the batch size is set


def test_a_batch_that_fits_and_lambdas_default_batches_are_fine():
    assert ids(run(sqs_worker("          BatchSize: 1000\n", timeout=30))) == []
    assert ids(run(sqs_worker("", timeout=None))) == []  # 10 messages within 3 s


def test_the_default_timeout_counts_when_none_is_set():
    assert ids(run(sqs_worker("          BatchSize: 500\n"))) == [("batch-timeout-too-short", "Worker")]


def test_a_stream_mapping_is_found_on_the_mapping_at_its_batch_size():
    analysis = cloudformation("""
Stream: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
Fn:
  Type: AWS::Lambda::Function
  Properties: {Handler: i.h, Role: r, Code: {ZipFile: x}, Timeout: 60, TracingConfig: {Mode: Active}}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties:
    FunctionName: !Ref Fn
    EventSourceArn: !GetAtt Stream.Arn
    StartingPosition: LATEST
    BatchSize: 10000
    MaximumRetryAttempts: 3
    FunctionResponseTypes: [ReportBatchItemFailures]
    DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}
Dlq: {Type: AWS::SQS::Queue}
""")
    assert ("batch-timeout-too-short", "Mapping") in ids(analysis)
    (found,) = [f for f in analysis.findings if f.id == "batch-timeout-too-short"]
    assert "a full batch needs 100 s, more than its 60 s timeout" in found.explanation
    assert found.line == 13  # BatchSize


def test_a_batch_size_or_timeout_from_a_parameter_is_not_judged():
    analysis = run(sqs_worker("          BatchSize: !Ref Size\n", timeout=3), parameters="Size: {Type: Number}")
    assert ids(analysis) == []
