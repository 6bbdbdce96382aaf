"""What the generated handlers do with real data, run inside a generated project with its own
fixtures (moto, fresh handler modules)."""

import json
import textwrap

import pytest

from gencheck import generate, load_template, run_scenario

pytestmark = pytest.mark.slow


def passes(files, tmp_path, scenario, count):
    result = run_scenario(files, tmp_path, textwrap.dedent(scenario))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{count} passed" in result.stdout


STREAM_VIEW = '''
    import boto3


    def test_the_view_keeps_numbers_as_numbers_and_sets_as_sets(load_handler, aws, lambda_context, sample_event):
        app = load_handler("stream_processor")
        event = sample_event("stream_processor")
        image = event["Records"][1]["dynamodb"]["NewImage"]
        image["amount"] = {"N": "120.5"}
        image["tags"] = {"SS": ["express", "gift"]}
        image["sizes"] = {"NS": ["1", "2.5"]}
        assert app.lambda_handler(event, lambda_context) == {"batchItemFailures": []}
        view = boto3.client("dynamodb").get_item(TableName=aws.values["VIEW_TABLE"],
                                                 Key={"pk": {"S": "VIEW#item-1001"}, "sk": {"S": "ITEM"}})["Item"]
        assert view["amount"] == {"N": "120.5"}
        assert sorted(view["tags"]["SS"]) == ["express", "gift"]
        assert sorted(view["sizes"]["NS"], key=float) == ["1", "2.5"]
'''


def test_the_stream_view_writes_typed_values(tmp_path):
    passes(generate(["dynamodb-streams", "eventbridge"], name="streams"), tmp_path, STREAM_VIEW, 1)


SCHEDULED_CHAIN = '''
    import copy
    import json

    DELIVERED = json.loads(%r)


    def test_runs_at_different_times_both_complete_and_a_retried_run_once(load_handler, aws, lambda_context,
                                                                           monkeypatch):
        first = load_handler("first_stage")
        second = load_handler("second_stage")
        completed = []
        real = second.complete
        monkeypatch.setattr(second, "complete", lambda prepared: completed.append(prepared) or real(prepared))
        for event in DELIVERED:
            prepared = first.lambda_handler(copy.deepcopy(event), lambda_context)
            second.lambda_handler({"requestPayload": event, "responsePayload": prepared}, lambda_context)
        assert len(completed) == 2
'''


def delivered_by_schedule(schedule: dict, event_id: str, time: str) -> dict:
    """What EventBridge passes to the function for one run of the schedule rule."""
    if "Input" in schedule:
        return json.loads(schedule["Input"])
    return {"version": "0", "id": event_id, "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": time, "region": "us-east-1",
            "resources": ["arn:aws:events:us-east-1:123456789012:rule/chain"], "detail": {}}


def test_every_scheduled_chain_run_is_completed_once(tmp_path):
    files = generate(["chaining"], name="nightly", trigger="schedule")
    template = load_template(files["nightly/template.yaml"])
    schedule = template["Resources"]["FirstStageFunction"]["Properties"]["Events"]["Schedule"]["Properties"]
    runs = [delivered_by_schedule(schedule, "b1c2", "2026-01-01T00:00:00Z"),
            delivered_by_schedule(schedule, "c3d4", "2026-01-01T00:05:00Z"),
            # EventBridge retrying the first run delivers the same event again.
            delivered_by_schedule(schedule, "b1c2", "2026-01-01T00:00:00Z")]
    passes(files, tmp_path, SCHEDULED_CHAIN % json.dumps(runs), 1)


SLOW_BACKEND = '''
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import pytest


    class Backend(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            if self.path.startswith("/slow/"):
                # Bytes keep coming, each well within any socket timeout, for far longer than a request.
                try:
                    for _ in range(60):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.1)
                except OSError:
                    return
            self.wfile.write(json.dumps({"path": self.path}).encode())

        def log_message(self, *args):
            pass


    @pytest.fixture
    def backend():
        server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()


    def ask(app, sample_event, lambda_context):
        started = time.monotonic()
        response = app.lambda_handler(sample_event("aggregator"), lambda_context)
        return response, time.monotonic() - started


    def test_a_slow_backend_costs_only_its_own_source_request_after_request(load_handler, aws, lambda_context,
                                                                             sample_event, backend, monkeypatch):
        monkeypatch.setenv("SOURCE_URLS", f"{backend}/slow/{{id}},{backend}/fast/{{id}}")
        app = load_handler("aggregator")
        lambda_context.remaining_ms = 3000
        for _ in range(3):
            response, took = ask(app, sample_event, lambda_context)
            body = json.loads(response["body"])
            assert response["statusCode"] == 200 and body["missing"] == ["source_1"], body
            assert took < 2.5


    def test_when_every_backend_is_slow_the_answer_is_a_clean_error_in_time(load_handler, aws, lambda_context,
                                                                           sample_event, backend, monkeypatch):
        monkeypatch.setenv("SOURCE_URLS", f"{backend}/slow/a/{{id}},{backend}/slow/b/{{id}}")
        app = load_handler("aggregator")
        lambda_context.remaining_ms = 2000
        for _ in range(2):
            response, took = ask(app, sample_event, lambda_context)
            assert response["statusCode"] == 502 and took < 2.0
            assert json.loads(response["body"])["missing"] == ["source_1", "source_2"]
'''


def test_a_slow_backend_gives_a_clean_answer_before_the_function_times_out(tmp_path):
    files = generate(["orchestrator"], name="bff", aggregate_sources=2, latency_ms=1000)
    passes(files, tmp_path, SLOW_BACKEND, 2)


STREAM_RETRY_ORDER = '''
    import copy

    import boto3


    def test_a_change_behind_a_failed_one_waits_so_a_removed_item_stays_removed(load_handler, aws, lambda_context,
                                                                               sample_event, monkeypatch):
        app = load_handler("stream_processor")
        inserted, modified = sample_event("stream_processor")["Records"]
        removed = copy.deepcopy(modified)
        removed.update(eventName="REMOVE", eventID="remove-1")
        removed["dynamodb"]["OldImage"] = removed["dynamodb"].pop("NewImage")
        removed["dynamodb"]["SequenceNumber"] = str(int(modified["dynamodb"]["SequenceNumber"]) + 1)
        other = copy.deepcopy(inserted)
        other["eventID"] = "other-insert"
        other["dynamodb"]["SequenceNumber"] = str(int(removed["dynamodb"]["SequenceNumber"]) + 1)
        for image in ("Keys", "NewImage"):
            other["dynamodb"][image]["pk"] = {"S": "ITEM#item-2002"}
        other["dynamodb"]["NewImage"]["id"] = {"S": "item-2002"}
        real = app.write_view
        failing = {modified["dynamodb"]["SequenceNumber"]}

        def flaky(item_id, change):
            if change["sequence"] in failing:
                raise TimeoutError("the view table timed out")
            return real(item_id, change)

        monkeypatch.setattr(app, "write_view", flaky)
        batch = {"Records": [inserted, modified, removed, other]}
        result = app.lambda_handler(copy.deepcopy(batch), lambda_context)
        # The removal of the same item waits behind the failed change; another item goes ahead.
        assert result == {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                                for r in (modified, removed)]}
        failing.clear()
        # Lambda retries from the first failed record, with everything after it.
        retry = {"Records": [modified, removed, other]}
        assert app.lambda_handler(copy.deepcopy(retry), lambda_context) == {"batchItemFailures": []}
        table = boto3.resource("dynamodb").Table(aws.values["VIEW_TABLE"])
        views = {item["pk"] for item in table.scan()["Items"]}
        assert views == {"VIEW#item-2002"}
'''


def test_a_removed_item_is_not_brought_back_by_a_retried_older_change(tmp_path):
    passes(generate(["dynamodb-streams"], name="streams", trigger="data_change", react_to_changes=True), tmp_path,
           STREAM_RETRY_ORDER, 1)


STREAM_ITEMS_OF_ONE_KEY = '''
    import copy

    import boto3


    def test_items_that_share_a_partition_key_each_keep_their_own_view(load_handler, aws, lambda_context,
                                                                       sample_event):
        app = load_handler("stream_processor")
        inserted = sample_event("stream_processor")["Records"][0]
        records = []
        for number, line in enumerate(("LINE#1", "LINE#2"), start=1):
            record = copy.deepcopy(inserted)
            record["eventID"] = f"insert-{number}"
            record["dynamodb"]["SequenceNumber"] = str(int(inserted["dynamodb"]["SequenceNumber"]) + number)
            for image in ("Keys", "NewImage"):
                record["dynamodb"][image]["pk"] = {"S": "ITEM#order-7"}
                record["dynamodb"][image]["sk"] = {"S": line}
            record["dynamodb"]["NewImage"]["amount"] = {"N": str(number * 10)}
            records.append(record)
        assert app.lambda_handler({"Records": records}, lambda_context) == {"batchItemFailures": []}
        table = boto3.resource("dynamodb").Table(aws.values["VIEW_TABLE"])
        views = sorted((item["pk"], item["sk"], int(item["amount"])) for item in table.scan()["Items"])
        assert views == [("VIEW#order-7", "LINE#1", 10), ("VIEW#order-7", "LINE#2", 20)]
'''


def test_items_sharing_a_partition_key_are_not_folded_into_one_view(tmp_path):
    passes(generate(["dynamodb-streams"], name="streams", trigger="data_change", react_to_changes=True), tmp_path,
           STREAM_ITEMS_OF_ONE_KEY, 1)


APPROVAL_OUTLIVES_THE_WAIT = '''
    import boto3


    def test_the_token_is_kept_for_as_long_as_the_workflow_waits(load_handler, aws, lambda_context):
        app = load_handler("workflow_steps")
        app.lambda_handler({"step": "request_approval", "execution": "exec-9", "task_token": "t", "input": {}},
                           lambda_context)
        stored = boto3.resource("dynamodb").Table(aws.values["APPROVAL_TABLE"]).get_item(Key={"id": "exec-9"})["Item"]
        assert stored["expiration"] - stored["requested_at"] >= %d
'''


def test_an_approval_token_outlives_a_wait_longer_than_a_week(tmp_path):
    # The state machine waited 30 days for the decision, but the table's TTL removed the token
    # after 8: an approver on day 10 found nothing to approve with.
    files = generate(["step-functions"], trigger="event", steps=2, long_waits=True, wait_s=30 * 86400)
    doc = load_template(files["serverless-app/template.yaml"])
    waits = doc["Resources"]["WorkflowStateMachine"]["Properties"]["Definition"]["States"]["AwaitApproval"]
    passes(files, tmp_path, APPROVAL_OUTLIVES_THE_WAIT % waits["TimeoutSeconds"], 1)


UNFINISHED_UPLOAD = '''
    import boto3
    import pytest


    def test_a_file_not_read_whole_fails_and_is_read_again(load_handler, aws, lambda_context, sample_event):
        app = load_handler("file_processor")
        event = sample_event("file_processor")
        record = event["Records"][0]["s3"]
        record["bucket"]["name"] = aws.values["UPLOAD_BUCKET"]
        boto3.client("s3").put_object(Bucket=aws.values["UPLOAD_BUCKET"], Key=record["object"]["key"],
                                      Body=b"a,b\\n" * 100)
        lambda_context.remaining_ms = app.FINISH_MARGIN_MS - 1
        with pytest.raises(Exception):
            app.lambda_handler(event, lambda_context)
        # Nothing was handed to the worker, which would have recorded the file as completed.
        assert aws.forwarded("WORK_QUEUE_URL") == []
        lambda_context.remaining_ms = 60_000
        assert app.lambda_handler(event, lambda_context) == {"processed": 1, "ignored": 0}
        assert len(aws.forwarded("WORK_QUEUE_URL")) == 1
'''


def test_an_upload_not_read_whole_is_not_handed_on_and_is_read_again_on_redelivery(tmp_path):
    # Recorded as finished, the unfinished file went on to the queue worker (which stored it as
    # completed), and its idempotency record made every redelivery of the notification a no-op.
    passes(generate(["s3-processing", "sqs-worker"], name="intake", trigger="file_upload"),
           tmp_path, UNFINISHED_UPLOAD, 1)


RETRIED_CHANGE = '''
    import pytest


    def test_a_change_retried_after_the_database_failed_is_stored(load_handler, aws, lambda_context,
                                                                   sample_event, monkeypatch):
        app = load_handler("stream_processor")
        event = sample_event("stream_processor")
        last = {"Records": [event["Records"][1]]}
        stored = []

        def unreachable(record_id, data):
            raise ConnectionError("the proxy did not answer")

        monkeypatch.setattr(app, "upsert_record", unreachable)
        with pytest.raises(Exception, match="All records failed"):  # the whole batch: retried as it is
            app.lambda_handler(last, lambda_context)
        # The stream hands the same change again: the view already holds it, the database must still get it.
        monkeypatch.setattr(app, "upsert_record", lambda record_id, data: stored.append(data))
        assert app.lambda_handler(last, lambda_context) == {"batchItemFailures": []}
        assert [row["sequence"] for row in stored] == [last["Records"][0]["dynamodb"]["SequenceNumber"]]
'''


def test_a_table_change_retried_after_the_database_failed_reaches_postgresql(tmp_path):
    # The view was written before the upsert failed; on the retry its sequence equalled the
    # change's, the change counted as older, and PostgreSQL never received it.
    passes(generate(["dynamodb-streams", "rds"], name="orders", trigger="data_change"),
           tmp_path, RETRIED_CHANGE, 1)
