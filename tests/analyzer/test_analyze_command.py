"""`manage.py analyze`: text and JSON output, standard input, exit 2 with the reason on bad input."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from analyzer_samples import REPEATED_KEY, REPEATED_KEY_REFUSAL, sam
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = sam("""
Queue: {Type: AWS::SQS::Queue}
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Events:
      Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
""")


def run(args, stdin_text=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin_text is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    code = 0
    try:
        call_command("analyze", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def template_file(tmp_path):
    def write(content: str | bytes, name: str = "template.yaml") -> str:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)
    return write


@pytest.mark.django_db
def test_it_prints_the_analysis_as_json(template_file):
    code, out, err = run([template_file(TEMPLATE), "--format", "json"])
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["patterns"] == ["sqs-worker"] and data["resources"] == 2
    assert [(f["id"], f["resource"]) for f in data["findings"]] == [
        ("missing-dlq", "Queue"), ("no-partial-batch-response", "Worker"), ("default-memory", "Worker"),
        ("default-timeout", "Worker"), ("no-log-retention", "Worker"), ("no-tracing", "Worker")]


@pytest.mark.django_db
def test_it_prints_readable_text(template_file):
    code, out, _ = run([template_file(TEMPLATE)])
    assert code == 0
    assert "Resources: 2" in out
    assert "  - Lambda + SQS worker (sqs-worker)" in out
    assert "Findings (6)" in out
    assert "  [HIGH] missing-dlq (Queue, line 4): Queue Queue (read by Worker) has no redrive policy" in out


@pytest.mark.django_db
def test_it_reads_standard_input_and_json_templates(monkeypatch):
    body = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
    code, out, _ = run(["-", "--format", "json"], body, monkeypatch)
    assert code == 0
    assert json.loads(out) == {"patterns": [], "resources": 1, "findings": [], "architecture": {
        "version": 1,
        "components": [{"id": "Topic", "kind": "topic", "name": "topic", "pattern": None},
                       {"id": "Producers", "kind": "external", "name": "producers", "pattern": None,
                        "label": "Your producers"}],
        "edges": [{"from": "Producers", "to": "Topic", "kind": "publish", "label": "sends work"}]}}


@pytest.mark.django_db
@pytest.mark.parametrize("content, message", [
    ("Resources:\n  A: [\n", "Not valid YAML or JSON"),
    ("- a\n", "the top level is a list"),
    ("Description: nothing\n", "no Resources section"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(6)),
     "line 2: the YAML alias *a"),
    ("[" * 100000, "nest"),
    (REPEATED_KEY, REPEATED_KEY_REFUSAL),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "is not UTF-8 text"),
    ("x" * (2 * 1024 * 1024), "larger than 1024 KB"),
])
def test_bad_templates_exit_2_with_the_reason(template_file, content, message):
    code, out, err = run([template_file(content)])
    assert code == 2
    assert message in err and err.startswith("error: ")
    assert out == ""


@pytest.mark.django_db
def test_a_missing_file_exits_2():
    code, _, err = run(["/no/such/template.yaml"])
    assert (code, err) == (2, "error: /no/such/template.yaml: no such file\n")


def test_the_real_command_line_exits_2_on_a_bomb(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(9)))
    result = subprocess.run([sys.executable, "manage.py", "analyze", str(bomb)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "line 2: the YAML alias *a; CloudFormation does not accept YAML aliases" in result.stderr
