"""`manage.py recommend`: JSON and text output, standard input, and exit 2 on bad input."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run(args, stdin_text=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin_text is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    code = 0
    try:
        call_command("recommend", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def answers_file(tmp_path):
    def write(content: str) -> str:
        path = tmp_path / "answers.json"
        path.write_text(content)
        return str(path)
    return write


@pytest.mark.django_db
def test_it_prints_the_recommendation_as_json(answers_file):
    path = answers_file(json.dumps({"trigger": "queue", "client_waits": False, "unreliable_downstream": True}))
    code, out, err = run([path, "--format", "json"])
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["recommendations"][0]["pattern"] == "sqs-worker"
    assert "poison-message" in {w["id"] for w in data["warnings"]}
    assert data["rules_version"]


@pytest.mark.django_db
def test_it_prints_readable_text(answers_file):
    code, out, _ = run([answers_file(json.dumps({"trigger": "file_upload", "writes_back_to_source": True}))])
    assert code == 0
    assert "1. Lambda + S3" in out or "(s3-processing)" in out
    assert "[CRITICAL] recursive-trigger" in out
    assert "Estimated monthly cost: $" in out


@pytest.mark.django_db
def test_it_reads_standard_input(monkeypatch):
    code, out, _ = run(["-", "--format", "json"], '{"trigger": "schedule", "client_waits": false}', monkeypatch)
    assert code == 0
    assert json.loads(out)["recommendations"][0]["pattern"] == "eventbridge"


@pytest.mark.django_db
@pytest.mark.parametrize("content, message", [
    ('{"latency_ms": "fast"}', "latency_ms: must be a whole number"),
    ('{"client_waits": "no"}', "client_waits: must be true or false"),
    ('{"colour": "blue"}', "colour: unknown answer key"),
    ('{"consumers": 0}', "consumers: must be between 1 and 1,000"),
    ('{"duration_s": 5, "max_duration_s": 1}', "max_duration_s: must be at least “Typical processing time of one unit of work” (5), got 1"),
    ('["http"]', "must be a JSON object"),
    ('"http"', "must be a JSON object"),
    ("{trigger: http}", "is not valid JSON"),
    ("", "is empty"),
    ("[" * 100000, "nested too deeply"),
])
def test_bad_answers_exit_2_naming_the_problem(answers_file, content, message):
    code, out, err = run([answers_file(content)])
    assert code == 2
    assert message in err
    assert out == ""


@pytest.mark.django_db
def test_missing_and_binary_files_exit_2(tmp_path):
    code, _, err = run([str(tmp_path / "nope.json")])
    assert code == 2 and "no such file" in err
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00")
    code, _, err = run([str(binary)])
    assert code == 2 and "not UTF-8" in err
    code, _, err = run([str(tmp_path)])
    assert code == 2 and "is a directory" in err


@pytest.mark.django_db
def test_a_huge_file_is_refused(answers_file):
    code, _, err = run([answers_file(" " * (2 * 1024 * 1024) + "{}")])
    assert code == 2 and "larger than" in err


@pytest.mark.slow
def test_the_real_process_exits_2_with_the_reason_on_stderr(tmp_path):
    env_db = tmp_path / "cli.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{env_db}", "HOME": str(tmp_path)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run([sys.executable, "manage.py", "recommend", "-"], cwd=ROOT, env=env,
                          input='{"trigger": "ftp"}', capture_output=True, text=True)
    assert done.returncode == 2
    assert "trigger: must be one of" in done.stderr
    assert "Traceback" not in done.stderr
    ok = subprocess.run([sys.executable, "manage.py", "recommend", "-", "--format", "json"], cwd=ROOT, env=env,
                        input='{"trigger": "http"}', capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["recommendations"][0]["pattern"] == "api-gateway-lambda"


@pytest.mark.django_db
def test_the_text_shows_each_components_cost_with_its_arithmetic(answers_file):
    code, out, _ = run([answers_file(json.dumps({"trigger": "queue", "client_waits": False}))])
    assert code == 0
    assert "Estimated monthly cost: $" in out and "(us-east-1 prices)" in out
    work_queue = out[out.index("\n  Work queue\n"):]
    # 1M messages are 0.38 a second: each batch holds one, received and deleted on its own
    assert ("3,000,000 requests × $0.0000004 = $1.20: 1,000,000 sends + 1,000,000 receives + 1,000,000 batched "
            "deletes") in work_queue
    assert "\n  Function logs\n" in out
