"""generator.cli.main: exit codes, messages, JSON summary."""

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from gencheck import answers, zip_names

ROOT = Path(__file__).resolve().parents[2]


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


def _fifo(path):
    os.mkfifo(path)


def _device(path):
    if os.getuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is


def _folder(path):
    path.mkdir()


def _link(path):
    target = path.with_name("kept.zip")
    target.write_bytes(b"keep me")
    path.symlink_to(target)


def _dangling_link(path):
    path.symlink_to(path.with_name("nowhere.zip"))


@pytest.mark.parametrize("make", [_fifo, _device, _folder, _link, _dangling_link],
                         ids=["named pipe", "device", "folder", "symbolic link", "dangling link"])
def test_an_out_path_that_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, make):
    out = tmp_path / "p.zip"
    make(out)
    before = os.lstat(out)
    code, stdout, stderr = run([write_answers(tmp_path, answers()), "--out", str(out), "--patterns", "sqs-worker",
                                "--no-diagrams"])
    assert code == 2 and stdout == ""
    assert f"--out {out} is " in stderr and "regular file" in stderr
    after = os.lstat(out)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert not (tmp_path / "nowhere.zip").exists()
    if make is _link:
        assert (tmp_path / "kept.zip").read_bytes() == b"keep me"
    assert [name for name in os.listdir(tmp_path) if name.startswith(".generate-")] == []


def test_an_existing_regular_file_is_replaced(tmp_path):
    out = tmp_path / "p.zip"
    out.write_bytes(b"old")
    code, _, stderr = run([write_answers(tmp_path, answers()), "--out", str(out), "--patterns", "sqs-worker",
                           "--no-diagrams"])
    assert code == 0, stderr
    assert zip_names(out.read_bytes())


def test_manage_py_generate_refuses_a_device_as_out(tmp_path):
    _device(tmp_path / "null")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "generate", write_answers(tmp_path, answers()),
                           "--out", str(tmp_path / "null"), "--no-diagrams"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "is a device" in done.stderr and "Traceback" not in done.stderr
    assert stat.S_ISCHR(os.lstat(tmp_path / "null").st_mode)
