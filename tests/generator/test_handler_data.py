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
                                                 Key={"pk": {"S": "VIEW#item-1001"}, "sk": {"S": "VIEW"}})["Item"]
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
