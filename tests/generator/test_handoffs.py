"""Work one generated function hands to the next arrives whole: the next function accepts what it
is given, does each distinct unit of work once, and a repeated delivery still only once.

Each case generates a project of a producer and a consumer pattern, runs the producer's handler
inside it (moto), takes what it sent to the hub (queue, bus, topic, workflow) and delivers that to
the consumer's handler as AWS would: the consumer's SQS queue gets the message body (raw SNS
delivery, or the event's detail for an EventBridge rule).
"""

import json
import re
import shlex
import textwrap

import pytest

from gencheck import generate, load_template, run_scenario

pytestmark = pytest.mark.slow

# What AWS puts in the consumer's SQS queue, in the event Lambda hands the consumer.
DELIVER = '''
    import copy
    import json

    import boto3


    def sqs_event(payloads, fifo=False):
        records = []
        for i, payload in enumerate(payloads):
            attributes = {"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000",
                          "SenderId": "AROAEXAMPLEID:producer", "ApproximateFirstReceiveTimestamp": "1767225600000"}
            if fifo:
                attributes.update(MessageGroupId="group-1", MessageDeduplicationId=f"dedup-{i}",
                                  SequenceNumber=str(18800000000000000000 + i))
            records.append({"messageId": f"message-{i}", "receiptHandle": f"handle-{i}", "body": json.dumps(payload),
                            "attributes": attributes, "messageAttributes": {}, "md5OfBody": "",
                            "eventSource": "aws:sqs", "awsRegion": "us-east-1",
                            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:consumer-queue"})
        return {"Records": records}


    def consume(load_handler, aws, lambda_context, monkeypatch, handed):
        """The consumer's work for `handed`, delivered once each and the first again; returns what it did."""
        consumer = load_handler(CONSUMER)
        done = []
        real = getattr(consumer, WORK)
        monkeypatch.setattr(consumer, WORK, lambda message: done.append(message) or real(message))
        result = consumer.lambda_handler(sqs_event(handed + handed[:1], fifo=FIFO), lambda_context)
        assert result == {"batchItemFailures": []}
        assert aws.messages(CONSUMER_DLQ) == [], "the consumer set the work aside as malformed"
        return done
'''

# Two uploads of the same file name (two versions) and S3 repeating the first notification.
UPLOADS = DELIVER + '''
    import re
    from urllib.parse import quote_plus

    def upload_events(aws, sample_event, bodies):
        s3 = boto3.client("s3")
        bucket = aws.values["UPLOAD_BUCKET"]
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        template = sample_event(PRODUCER)
        # A file name as people type them: S3 sends it URL-encoded.
        folder = template["Records"][0]["s3"]["object"]["key"].rsplit("/", 1)[0]
        key = f"{folder}/monthly report (final).csv"
        events = []
        for number, body in enumerate(bodies, start=1):
            put = s3.put_object(Bucket=bucket, Key=key, Body=body)
            event = copy.deepcopy(template)
            record = event["Records"][0]["s3"]
            record["bucket"]["name"] = bucket
            record["object"].update(key=quote_plus(key, safe="/"), versionId=put["VersionId"],
                                    eTag=put["ETag"].strip('"'), size=len(body), sequencer=f"0A1B2C3D4E5F600{number}")
            events.append(event)
        return events


    def test_two_versions_of_one_file_are_each_handed_on_and_handled_once(load_handler, aws, lambda_context,
                                                                          sample_event, monkeypatch):
        producer = load_handler(PRODUCER)
        bodies = [b"first,version\\n", b"second,version,longer\\n"]
        # Both versions are uploaded before the first notification is handled.
        events = upload_events(aws, sample_event, bodies)
        sent = []
        if FIFO:
            send = producer.forward_client.send_message
            monkeypatch.setattr(producer.forward_client, "send_message",
                                lambda **params: sent.append(params) or send(**params))
        for event in events + events[:1]:
            producer.lambda_handler(copy.deepcopy(event), lambda_context)
        if FIFO:
            groups = {params["MessageGroupId"] for params in sent}
            # Versions of one file stay in order in one group, named as SQS accepts: 1 to 128
            # characters, letters, digits and punctuation, no spaces.
            assert len(groups) == 1 and re.fullmatch(r"[!-~]{1,128}", groups.pop())
        handed = aws.forwarded(HUB)
        assert len(handed) == 2, handed
        # Each notification's result describes its own version, not whichever is newest.
        assert sorted(h["bytes"] for h in handed) == sorted(len(b) for b in bodies)
        if CONSUMER:
            assert len(consume(load_handler, aws, lambda_context, monkeypatch, handed)) == 2
'''

# The sample stream event: an item inserted, then changed.
CHANGES = DELIVER + '''

    def test_each_change_of_one_item_is_handed_on_and_handled_once(load_handler, aws, lambda_context,
                                                                   sample_event, monkeypatch):
        producer = load_handler(PRODUCER)
        event = sample_event(PRODUCER)
        assert {r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]} == {"ITEM#item-1001"}
        assert producer.lambda_handler(event, lambda_context) == {"batchItemFailures": []}
        handed = aws.forwarded(HUB)
        assert [h["change"] for h in handed] == ["INSERT", "MODIFY"]
        assert {h["id"] for h in handed} == {"item-1001"}
        done = consume(load_handler, aws, lambda_context, monkeypatch, handed)
        assert len(done) == 2
'''

HUB_ENV = {"queue": "WORK_QUEUE_URL", "bus": "EVENT_BUS_NAME", "topic": "TOPIC_ARN", "workflow": "STATE_MACHINE_ARN"}
# The consumer pattern's function that does the work for one message.
WORK = {"sqs-worker": "perform", "eventbridge": "handle", "sns-fanout": "handle"}


def folder_of(template: dict, logical_id: str) -> str:
    return template["Resources"][logical_id]["Properties"]["CodeUri"].rstrip("/").rsplit("/", 1)[1]


def consumer_of(template: dict, hub: str, queue: str | None = None) -> tuple[str, str]:
    """The function that polls `queue` (by default the first queue fed by the hub), and the env name
    of that queue's DLQ."""
    resources = template["Resources"]
    if queue:
        pass
    elif hub == "queue":
        queue = "WorkQueue"
    elif hub == "bus":
        queue = next(r["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]
                     for r in resources.values() if r["Type"] == "AWS::Events::Rule")
    else:
        queue = next(r["Properties"]["Endpoint"]["Fn::GetAtt"][0] for r in resources.values()
                     if r["Type"] == "AWS::SNS::Subscription" and r["Properties"]["Protocol"] == "sqs")
    for lid, res in resources.items():
        for event in (res["Properties"].get("Events") or {}).values() if res["Type"] == "AWS::Serverless::Function" else ():
            if event["Type"] == "SQS" and event["Properties"]["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}:
                dlq_env = next(k for k, v in res["Properties"]["Environment"]["Variables"].items()
                               if v == {"Ref": f"{queue}Dlq"})
                return folder_of(template, lid), dlq_env
    raise AssertionError(f"no function polls {queue}")


def run(tmp_path, patterns, producer, hub, scenario, consumer_pattern=None, **answers):
    files = generate(patterns, name="handoff", **answers)
    template = load_template(files["handoff/template.yaml"])
    producer_folder = folder_of(template, producer)
    env = template["Resources"][producer]["Properties"]["Environment"]["Variables"]
    assert HUB_ENV[hub] in env, f"{producer} does not hand its work to the {hub}"
    consumer, dlq = consumer_of(template, hub) if consumer_pattern else (None, None)
    fifo = bool(template["Resources"].get("WorkQueue", {}).get("Properties", {}).get("FifoQueue")) and hub == "queue"
    source = (f"PRODUCER = {producer_folder!r}\nCONSUMER = {consumer!r}\nCONSUMER_DLQ = {dlq!r}\n"
              f"WORK = {WORK.get(consumer_pattern)!r}\nHUB = {HUB_ENV[hub]!r}\nFIFO = {fifo!r}\n"
              + textwrap.dedent(scenario))
    result = run_scenario(files, tmp_path, source)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


@pytest.mark.parametrize("consumer,hub,answers", [
    ("sqs-worker", "queue", {"trigger": "file_upload"}),
    ("sqs-worker", "queue", {"trigger": "file_upload", "ordering": True}),
    ("eventbridge", "bus", {"trigger": "file_upload"}),
    ("sns-fanout", "topic", {"trigger": "file_upload"}),
])
def test_every_uploaded_version_reaches_the_consumer_once(tmp_path, consumer, hub, answers):
    run(tmp_path, ["s3-processing", consumer], "FileProcessorFunction", hub, UPLOADS, consumer, **answers)


def test_every_uploaded_version_starts_its_own_workflow(tmp_path):
    run(tmp_path, ["s3-processing", "step-functions"], "FileProcessorFunction", "workflow", UPLOADS,
        trigger="file_upload")


@pytest.mark.parametrize("consumer,hub", [("eventbridge", "bus"), ("sns-fanout", "topic")])
def test_every_change_of_an_item_reaches_the_consumer_once(tmp_path, consumer, hub):
    run(tmp_path, ["dynamodb-streams", consumer], "StreamProcessorFunction", hub, CHANGES, consumer,
        trigger="data_change", react_to_changes=True)


# --- what the README tells systems outside the stack to send ----------------------------------

SENT_FROM_OUTSIDE = DELIVER + '''

    def test_what_the_readme_says_to_send_is_handled(load_handler, aws, lambda_context, monkeypatch):
        done = consume(load_handler, aws, lambda_context, monkeypatch, [SENT])
        assert len(done) == 1
'''

README_COMMAND = {"sqs-worker": "aws sqs send-message", "sns-fanout": "aws sns publish",
                  "eventbridge": "aws events put-events"}


def readme_command(readme: str, program: str) -> list[str]:
    found = re.findall(r"`(" + re.escape(program) + r" [^`]*)`", readme)
    assert len(found) == 1, f"the README gives no single example of {program}"
    return shlex.split(found[0])


def option(args: list[str], name: str) -> str:
    assert name in args, f"{name} missing from {args}"
    return args[args.index(name) + 1]


def matches(pattern: dict, event: dict) -> bool:
    """EventBridge's matching, for patterns of exact values (what the generated rules use)."""
    for field, wanted in pattern.items():
        value = event.get(field)
        if isinstance(wanted, dict):
            if not isinstance(value, dict) or not matches(wanted, value):
                return False
        elif value not in wanted:
            return False
    return True


def receiving_queues(template: dict, pattern: str, args: list[str]) -> tuple[list[str], dict]:
    """The queues AWS delivers the README's example to, and the message body each receives."""
    resources = template["Resources"]
    if pattern == "sqs-worker":
        if resources["WorkQueue"]["Properties"].get("FifoQueue"):
            option(args, "--message-group-id")
            if not resources["WorkQueue"]["Properties"].get("ContentBasedDeduplication"):
                option(args, "--message-deduplication-id")
        return ["WorkQueue"], json.loads(option(args, "--message-body"))
    if pattern == "sns-fanout":
        attributes = json.loads(option(args, "--message-attributes")) if "--message-attributes" in args else {}
        queues = []
        for res in resources.values():
            props = res["Properties"]
            if res["Type"] == "AWS::SNS::Subscription" and props["Protocol"] == "sqs":
                policy = props.get("FilterPolicy")
                if policy is None or all(attributes.get(name, {}).get("StringValue") in wanted
                                         for name, wanted in policy.items()):
                    queues.append(props["Endpoint"]["Fn::GetAtt"][0])
        return queues, json.loads(option(args, "--message"))
    [entry] = json.loads(option(args, "--entries"))
    event = {"source": entry["Source"], "detail-type": entry["DetailType"], "detail": json.loads(entry["Detail"])}
    queues = [target["Arn"]["Fn::GetAtt"][0] for res in resources.values() if res["Type"] == "AWS::Events::Rule"
              and matches(res["Properties"]["EventPattern"], event) for target in res["Properties"]["Targets"]]
    return queues, event["detail"]


@pytest.mark.parametrize("pattern,answers", [
    ("sqs-worker", {"trigger": "queue"}),
    ("sqs-worker", {"trigger": "queue", "ordering": True}),
    ("sns-fanout", {"trigger": "event", "consumers": 2}),
    ("sns-fanout", {"trigger": "event", "consumers": 2, "content_routing": True}),
    ("eventbridge", {"trigger": "event", "consumers": 2}),
    ("eventbridge", {"trigger": "event", "consumers": 2, "content_routing": True}),
])
def test_what_the_readme_says_to_send_reaches_a_consumer_that_handles_it(tmp_path, pattern, answers):
    files = generate([pattern], name="intake", **answers)
    template = load_template(files["intake/template.yaml"])
    args = readme_command(files["intake/README.md"].decode(), README_COMMAND[pattern])
    queues, sent = receiving_queues(template, pattern, args)
    assert queues, f"nothing in the stack receives {args}"
    hub = {"sqs-worker": "queue", "sns-fanout": "topic", "eventbridge": "bus"}[pattern]
    consumer, dlq = consumer_of(template, hub, queues[0])
    fifo = bool(template["Resources"][queues[0]]["Properties"].get("FifoQueue"))
    source = (f"CONSUMER = {consumer!r}\nCONSUMER_DLQ = {dlq!r}\nWORK = {WORK[pattern]!r}\nFIFO = {fifo!r}\n"
              f"SENT = {sent!r}\n" + textwrap.dedent(SENT_FROM_OUTSIDE))
    result = run_scenario(files, tmp_path, source)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
