"""What the generated handlers do with real data, run inside a generated project with its own
fixtures (moto, fresh handler modules)."""

import textwrap

import pytest

from gencheck import generate, run_scenario

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
