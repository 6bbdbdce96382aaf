"""The AWS facts the analyzer judges by are catalogue rows: the deprecated Lambda runtimes, the
batch size Lambda uses when a trigger sets none, the default memory and the longest an SQS
queue keeps a message. Changing a row changes what the analyzer reports."""

from dataclasses import replace
from datetime import date, timedelta

from analyzer_samples import ids, sam

from analyzer import analyze
from patterns.catalogue import Runtime, load_files

SHIPPED = load_files()


def function(runtime: str) -> str:
    return f"""
Worker:
  Type: AWS::Serverless::Function
  Properties: {{Handler: app.handler, Runtime: {runtime}, Timeout: 10, MemorySize: 256, Tracing: Active}}
"""


def with_runtimes(*runtimes: Runtime):
    return replace(SHIPPED, runtimes=runtimes)


def test_a_runtime_is_deprecated_when_its_row_says_so_and_from_the_day_it_gives():
    assert ids(analyze(sam(function("python3.8"))), "deprecated-runtime") == [("deprecated-runtime", "Worker")]
    assert ids(analyze(sam(function("python3.13"))), "deprecated-runtime") == []
    yesterday = date.today() - timedelta(days=1)
    listed = with_runtimes(Runtime("python3.13", yesterday))
    (found,) = [f for f in analyze(sam(function("python3.13")), catalogue=listed).findings
                if f.id == "deprecated-runtime"]
    assert f"deprecated on {yesterday.isoformat()}" in found.explanation
    # An announced day still ahead, or no row at all: not reported.
    ahead = with_runtimes(Runtime("python3.13", date.today() + timedelta(days=1)))
    assert ids(analyze(sam(function("python3.13")), catalogue=ahead), "deprecated-runtime") == []
    assert ids(analyze(sam(function("python3.8")), catalogue=with_runtimes()), "deprecated-runtime") == []


def test_the_shipped_rows_give_the_day_in_the_text():
    day = SHIPPED.runtime_map["python3.8"].deprecated
    (found,) = [f for f in analyze(sam(function("python3.8"))).findings if f.id == "deprecated-runtime"]
    assert f"python3.8, which Lambda deprecated on {day.isoformat()}" in found.explanation


def trigger(kind: str, settings: str = "") -> str:
    """A function read by a queue or stream trigger without BatchSize, with a 2 s timeout."""
    source = {"sqs": "Jobs: {Type: AWS::SQS::Queue, Properties: {VisibilityTimeout: 60}}",
              "kinesis": "Jobs: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}",
              "dynamodb": "Jobs: {Type: AWS::DynamoDB::Table, Properties: {StreamSpecification: "
                          "{StreamViewType: NEW_IMAGE}}}"}[kind]
    event = {"sqs": "{Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn%s}}",
             "kinesis": "{Type: Kinesis, Properties: {Stream: !GetAtt Jobs.Arn, StartingPosition: LATEST%s}}",
             "dynamodb": "{Type: DynamoDB, Properties: {Stream: !GetAtt Jobs.StreamArn, StartingPosition: LATEST%s}}"
             }[kind] % settings
    return sam(f"""
{source}
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Timeout: 2
    Tracing: Active
    Events:
      Jobs: {event}
""")


def test_a_trigger_without_batch_size_is_judged_by_lambdas_default_for_its_kind():
    # At 10 ms a record, the default 100 records of a stream need 1 s and 10 messages 0.1 s: both fit 2 s.
    for kind, row in (("sqs", "lambda-sqs-default-batch"), ("kinesis", "lambda-kinesis-default-batch"),
                      ("dynamodb", "lambda-dynamodb-default-batch")):
        assert ids(analyze(trigger(kind)), "batch-timeout-too-short") == [], kind
        larger = analyze(trigger(kind), {row: 300})
        (found,) = [f for f in larger.findings if f.id == "batch-timeout-too-short"]
        assert "up to 300 records at a time" in found.explanation and "needs 3 s" in found.explanation, kind


def test_partial_batch_responses_matter_only_when_the_default_batch_holds_more_than_one():
    text = trigger("sqs", ", FunctionResponseTypes: []")
    assert ids(analyze(text), "no-partial-batch-response") == [("no-partial-batch-response", "Worker")]
    assert ids(analyze(text, {"lambda-sqs-default-batch": 1}), "no-partial-batch-response") == []


def test_the_default_memory_named_is_the_rows():
    bare = sam("Worker: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13}}")
    (shipped,) = [f for f in analyze(bare).findings if f.id == "default-memory"]
    assert "Lambda's default of 128 MB" in shipped.explanation
    (edited,) = [f for f in analyze(bare, {"lambda-default-memory": 256}).findings if f.id == "default-memory"]
    assert "Lambda's default of 256 MB" in edited.explanation


def test_the_longest_retention_named_for_a_failure_queue_is_the_rows():
    text = sam("""
Queue:
  Type: AWS::SQS::Queue
  Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3}}
Dlq: {Type: AWS::SQS::Queue}
""")
    (shipped,) = [f for f in analyze(text).findings if f.id == "dlq-without-alarm"]
    assert "(up to 14 days)" in shipped.fix
    (edited,) = [f for f in analyze(text, {"sqs-max-retention": 20}).findings if f.id == "dlq-without-alarm"]
    assert "(up to 20 days)" in edited.fix
