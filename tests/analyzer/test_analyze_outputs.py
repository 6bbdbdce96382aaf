"""`manage.py analyze` for CI and code scanning: several paths, SARIF 2.1.0, --fail-on, and the
template of a deployed stack read through boto3 (against moto)."""

import json
import subprocess
import sys
from pathlib import Path

import boto3
import jsonschema
import pytest
from analyzer_samples import sam
from moto import mock_aws
from test_analyze_command import TEMPLATE, run

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
QUIET = "Resources:\n  Topic: {Type: AWS::SNS::Topic}\n"  # no finding at all
# One low finding (no-tracing) and nothing else above it.
LOW_ONLY = sam("""
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Timeout: 10
    MemorySize: 256
    LoggingConfig: {LogGroup: !Ref Logs}
Logs: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 14}}
""")

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def write(**named: str) -> list[str]:
        for name, content in named.items():
            (tmp_path / f"{name}.yaml").write_text(content)
        return [f"{name}.yaml" for name in named]
    return write


def test_several_paths_give_one_json_object_per_line_with_its_path(files):
    code, out, err = run([*files(worker=TEMPLATE, quiet=QUIET), "--format", "json"])
    assert (code, err) == (0, "")
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["path"] for o in objects] == ["worker.yaml", "quiet.yaml"]
    assert objects[0]["patterns"] == ["sqs-worker"] and objects[1]["findings"] == []


def test_several_paths_in_text_are_headed_by_their_path(files):
    code, out, _ = run(files(worker=TEMPLATE, quiet=QUIET))
    assert code == 0
    assert out.startswith("== worker.yaml\nResources: 2")
    assert "\n== quiet.yaml\nResources: 1" in out


def test_sarif_validates_against_the_sarif_2_1_0_schema(files):
    code, out, err = run([*files(worker=TEMPLATE, quiet=QUIET), "--format", "sarif"])
    assert (code, err) == (0, "")
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    rules = {rule["id"]: rule for rule in run_["tool"]["driver"]["rules"]}
    # One rule per finding id, titled, with help text and the serverless-rules ids as tags.
    assert rules["missing-dlq"]["shortDescription"]["text"] == "No dead-letter queue or failure destination"
    assert "RedrivePolicy" in rules["missing-dlq"]["help"]["text"]
    assert "ES6000" in rules["missing-dlq"]["properties"]["tags"]
    assert rules["missing-dlq"]["defaultConfiguration"]["level"] == "error"
    assert rules["no-tracing"]["defaultConfiguration"]["level"] == "note"
    dlq = next(r for r in run_["results"] if r["ruleId"] == "missing-dlq")
    assert run_["tool"]["driver"]["rules"][dlq["ruleIndex"]]["id"] == "missing-dlq"
    assert dlq["level"] == "error" and dlq["message"]["text"].startswith("Queue Queue (read by Worker)")
    assert dlq["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "worker.yaml"},
                                                      "region": {"startLine": 4}}
    assert dlq["locations"][0]["logicalLocations"] == [{"name": "Queue", "kind": "resource"}]
    assert dlq["properties"]["rule_ids"] == ["ES6000"] and "ES6000" in dlq["properties"]["tags"]
    assert len(run_["results"]) == 6  # the quiet template adds none


def test_sarif_of_a_template_without_findings_is_valid_and_empty(files):
    code, out, _ = run([*files(quiet=QUIET), "--format", "sarif"])
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert code == 0 and log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


@pytest.mark.parametrize("threshold, code", [("critical", 0), ("high", 1), ("medium", 1), ("low", 1)])
def test_fail_on_exits_1_at_or_above_the_severity(files, threshold, code):
    result = run([*files(worker=TEMPLATE), "--fail-on", threshold, "--format", "json"])
    assert result[0] == code
    assert json.loads(result[1])["findings"]  # the report is written either way


@pytest.mark.parametrize("threshold, code", [("medium", 0), ("low", 1)])
def test_fail_on_counts_only_what_reaches_it(files, threshold, code):
    paths = files(quiet=QUIET, low=LOW_ONLY)
    assert run([*paths, "--fail-on", threshold])[0] == code


def test_one_unreadable_path_among_several_exits_2_and_writes_no_report(files):
    code, out, err = run([*files(worker=TEMPLATE), "missing.yaml", "--format", "sarif", "--fail-on", "high"])
    assert (code, out, err) == (2, "", "error: missing.yaml: no such file\n")


def test_a_refused_template_among_several_is_named(files):
    code, out, err = run(files(worker=TEMPLATE, broken="Description: nothing\n"))
    assert code == 2 and out == ""
    assert err.startswith("error: broken.yaml: ") and "no Resources section" in err and err.count("\n") == 1


def test_no_path_and_no_stack_exits_2():
    assert run([]) == (2, "", "error: give the path of a template (- for standard input) or --stack NAME\n")


@pytest.mark.parametrize("option", [["--fail-on", "severe"], ["--format", "xml"]])
def test_a_bad_option_on_the_command_line_exits_2(tmp_path, option):
    path = tmp_path / "t.yaml"
    path.write_text(QUIET)
    result = subprocess.run([sys.executable, "manage.py", "analyze", str(path), *option], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert f"invalid choice: '{option[1]}'" in result.stderr


# A deployed stack ---------------------------------------------------------------------------

@pytest.fixture
def aws(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def test_it_analyses_a_deployed_stacks_template(aws):
    boto3.client("cloudformation", region_name="eu-west-1").create_stack(StackName="orders", TemplateBody=TEMPLATE)
    code, out, err = run(["--stack", "orders", "--region", "eu-west-1", "--format", "json", "--fail-on", "high"])
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert data["patterns"] == ["sqs-worker"]
    assert ("missing-dlq", "Queue", 4) in {(f["id"], f["resource"], f["line"]) for f in data["findings"]}


def test_a_stack_and_paths_together_give_one_line_each(aws, files):
    boto3.client("cloudformation", region_name="eu-west-1").create_stack(
        StackName="json-stack", TemplateBody=json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))
    code, out, _ = run([*files(worker=TEMPLATE), "--stack", "json-stack", "--format", "json"])
    assert code == 0
    assert [(o["path"], o["resources"]) for o in map(json.loads, out.splitlines())] == [
        ("worker.yaml", 2), ("stack:json-stack", 1)]


def test_a_missing_stack_exits_2(aws):
    code, out, err = run(["--stack", "nowhere", "--region", "eu-west-1"])
    assert (code, out) == (2, "")
    assert err.startswith("error: stack nowhere in eu-west-1: ") and "does not exist" in err
    assert err.count("\n") == 1


def test_no_credentials_exits_2(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, out, err = run(["--stack", "orders", "--region", "eu-west-1"])
    assert (code, out) == (2, "")
    assert err.startswith("error: no AWS credentials found")
