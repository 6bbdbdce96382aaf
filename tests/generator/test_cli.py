"""generator.cli.main: exit codes, messages, JSON summary."""

import io
import json

from generator.cli import main
from gencheck import answers, zip_names


def run(argv, stdin="", **kwargs):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, io.StringIO(stdin), out, err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def write_answers(tmp_path, data):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_it_writes_the_zip_and_prints_json(tmp_path):
    out = tmp_path / "p.zip"
    code, stdout, stderr = run([write_answers(tmp_path, answers()), "--out", str(out), "--name", "orders",
                                "--patterns", "sqs-worker,api-gateway-lambda", "--format", "json", "--no-diagrams"])
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["patterns"] == ["api-gateway-lambda", "sqs-worker"] and summary["name"] == "orders"
    assert summary["bytes"] == out.stat().st_size and summary["files"] == len(zip_names(out.read_bytes()))


def test_it_reads_answers_from_stdin_and_uses_the_recommender(tmp_path):
    out = tmp_path / "p.zip"
    warning = {"id": "poison-message", "severity": "high", "pattern": "sqs-worker", "message": "m"}
    code, stdout, _ = run(["-", "--out", str(out), "--no-diagrams"], stdin=json.dumps(answers()),
                          validate_answers=lambda a: a, recommend_patterns=lambda a: (["sqs-worker"], [warning]))
    assert code == 0 and "sqs-worker" in stdout


def test_validator_errors_exit_2_with_the_reason(tmp_path):
    def reject(data):
        raise ValueError("latency_ms: must be at least 1")

    code, _, stderr = run([write_answers(tmp_path, answers()), "--out", str(tmp_path / "p.zip"),
                           "--patterns", "sqs-worker"], validate_answers=reject)
    assert code == 2 and "latency_ms" in stderr
    assert not (tmp_path / "p.zip").exists()


def test_bad_inputs_exit_2(tmp_path):
    good = write_answers(tmp_path, answers())
    out = str(tmp_path / "p.zip")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{nope")
    cases = [
        ([str(tmp_path / "missing.json"), "--out", out, "--patterns", "sqs-worker"], "cannot read"),
        ([str(bad_json), "--out", out, "--patterns", "sqs-worker"], "not valid JSON"),
        ([good, "--out", out, "--patterns", "sqs-worker", "--name", "Bad/Name"], "project name"),
        ([good, "--out", out, "--patterns", "sqs-worker,nope"], "nope"),
        ([good, "--out", out], "--patterns is required"),
        ([good], "--out"),
        ([good, "--out", out, "--patterns", "sqs-worker", "--api", "soap"], "--api"),
        ([good, "--out", out, "--patterns", "sqs-worker", "--runtime", "python2.7"], "--runtime"),
    ]
    for argv, message in cases:
        code, _, stderr = run(argv)
        assert code == 2, argv
        assert message in stderr, (argv, stderr)


def test_a_json_array_is_refused(tmp_path):
    code, _, stderr = run([write_answers(tmp_path, [1]), "--out", str(tmp_path / "p.zip"),
                           "--patterns", "sqs-worker"])
    assert code == 2 and "JSON object" in stderr


def test_options_shape_the_project_and_the_catalogue_limits_are_used(tmp_path):
    import zipfile

    out = tmp_path / "p.zip"
    code, stdout, stderr = run([write_answers(tmp_path, answers(latency_ms=60000)), "--out", str(out),
                                "--patterns", "api-gateway-lambda", "--api", "rest", "--runtime", "python3.12",
                                "--architecture", "x86_64", "--format", "json", "--no-diagrams"],
                               limits={"api-gateway-timeout": 20})
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert (summary["api"], summary["runtime"], summary["architecture"]) == ("rest", "python3.12", "x86_64")
    template = zipfile.ZipFile(out).read("serverless-app/template.yaml").decode()
    assert "AWS::Serverless::Api" in template and "python3.12" in template and "x86_64" in template
    assert "Timeout: 19" in template  # a second under the (edited) 20 s gateway limit
