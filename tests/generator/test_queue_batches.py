"""Queue consumers take messages in batches and process them one after another: the timeout
covers a full batch at the worst case, and the handler stops before a message it cannot finish."""

import textwrap

import pytest

from gencheck import generate, load_template, run_scenario

CONSUMERS = ["sqs-worker", "sns-fanout", "eventbridge", "chaining"]
LAMBDA_MAX_S = 900


def sqs_consumers(doc):
    """(function id, timeout, batch size, queue properties, environment) of every SQS event source."""
    resources = doc["Resources"]
    found = []
    for lid, res in resources.items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        for event in props.get("Events", {}).values():
            if event["Type"] == "SQS":
                queue = resources[event["Properties"]["Queue"]["Fn::GetAtt"][0]]["Properties"]
                found.append((lid, props["Timeout"], event["Properties"]["BatchSize"], queue,
                              props["Environment"]["Variables"]))
    return found


def consumers_template(worst, options=None):
    files = generate(CONSUMERS, max_duration_s=worst, duration_s=min(worst, 30), unreliable_downstream=True,
                     consumers=2, options=options)
    return load_template(files["serverless-app/template.yaml"])


@pytest.mark.parametrize("worst", [1, 5, 30, 120, 400, 3000])
def test_a_full_batch_at_the_worst_case_fits_the_timeout(worst):
    consumers = sqs_consumers(consumers_template(worst))
    assert {c[0] for c in consumers} == {"WorkerFunction", "TopicSubscriber1Function", "TopicSubscriber2Function",
                                        "EventConsumer1Function", "EventConsumer2Function", "SecondStageFunction"}
    for lid, timeout, batch, queue, env in consumers:
        assert 1 <= batch <= 10 and timeout <= LAMBDA_MAX_S, lid
        if worst < LAMBDA_MAX_S:
            # The messages of a batch run in sequence, with time to spare for start-up and reporting.
            assert batch * worst + 2 <= timeout, (lid, batch, timeout)
        assert 6 * timeout <= queue["VisibilityTimeout"] <= 43200, lid
        # The handler starts a message only while its worst case still fits.
        budget_ms = int(env["RECORD_TIME_BUDGET_MS"])
        assert min(worst, timeout - 5) * 1000 < budget_ms < timeout * 1000, lid


def test_the_batch_shrinks_when_a_full_one_would_exceed_lambdas_maximum():
    batch_sizes = {c[2] for c in sqs_consumers(consumers_template(200))}
    assert batch_sizes == {4}
    lower_maximum = sqs_consumers(consumers_template(20, options={"limits": {"lambda-max-duration": 60}}))
    assert {(c[1], c[2]) for c in lower_maximum} == {(45, 2)}


def test_the_visibility_factor_is_the_catalogue_row():
    """The queue hides a message for the factor's multiple of its consumer's timeout (plus the
    batching window of a standard queue)."""
    options = {"limits": {"sqs-visibility-factor": 8}}
    for lid, timeout, _, queue, _ in sqs_consumers(consumers_template(30, options=options)):
        assert queue["VisibilityTimeout"] in (8 * timeout, 8 * timeout + 1), lid


SCENARIO = textwrap.dedent('''
    import json

    import pytest


    def batch(records):
        return {"Records": [
            {"messageId": f"m-{i}", "receiptHandle": f"r-{i}", "body": json.dumps(body),
             "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000",
                            "SenderId": "AIDA", "ApproximateFirstReceiveTimestamp": "1700000000000"},
             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
             "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:work-queue", "awsRegion": "us-east-1"}
            for i, body in enumerate(records)]}


    @pytest.mark.parametrize("folder, work", [("worker", "perform"), ("topic_subscriber_1", "handle"),
                                              ("event_consumer_1", "handle"), ("second_stage", "complete")])
    def test_messages_without_time_left_are_returned_unstarted(load_handler, aws, lambda_context, folder, work,
                                                               monkeypatch):
        app = load_handler(folder)
        started = []
        real = getattr(app, work)

        def slow(item):
            started.append(item)
            # Each message takes its worst case: the clock runs down by that much.
            lambda_context.remaining_ms -= 5000
            return real(item)

        monkeypatch.setattr(app, work, slow)
        lambda_context.remaining_ms = 3 * 5000 + 1000
        event = batch([{"id": f"job-{i}", "key": f"job-{i}", "category": "standard"} for i in range(5)])
        result = app.lambda_handler(event, lambda_context)
        # Two messages fit in the time left; the others are not started and go back to the queue.
        assert len(started) == 2
        assert result == {"batchItemFailures": [{"itemIdentifier": f"m-{i}"} for i in range(2, 5)]}
''')


@pytest.mark.slow
def test_the_handlers_stop_before_a_message_they_could_not_finish(tmp_path):
    files = generate(CONSUMERS, name="queues", max_duration_s=5, duration_s=5, unreliable_downstream=True,
                     consumers=2)
    result = run_scenario(files, tmp_path, SCENARIO)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
