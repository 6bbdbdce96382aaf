"""The command line on a fresh checkout: a database file nobody has migrated yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.13
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
"""


@pytest.fixture
def fresh_env(tmp_path):
    """The environment with an empty SQLite file (no tables at all) as the database."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return env


@pytest.fixture
def fresh(tmp_path, fresh_env):
    """Run manage.py against an empty SQLite file (no tables at all)."""
    (tmp_path / "answers.json").write_text(json.dumps({"trigger": "queue", "client_waits": False}))
    (tmp_path / "template.yaml").write_text(TEMPLATE)

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=tmp_path, env=fresh_env,
                              capture_output=True, text=True, timeout=300)
    return manage, tmp_path


def test_recommend_answers_from_the_shipped_catalogue(fresh):
    manage, _ = fresh
    run = manage("recommend", "answers.json", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert json.loads(run.stdout)["recommendations"][0]["pattern"] == "sqs-worker"


def test_generate_builds_from_the_shipped_catalogue(fresh):
    manage, folder = fresh
    run = manage("generate", "answers.json", "--out", "project.zip", "--no-diagrams")
    assert run.returncode == 0, run.stderr
    assert "serverless-app/template.yaml" in zipfile.ZipFile(folder / "project.zip").namelist()


def test_analyze_reads_a_template_from_the_shipped_catalogue(fresh):
    manage, _ = fresh
    run = manage("analyze", "template.yaml", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert "sqs-worker" in json.loads(run.stdout)["patterns"]


@pytest.mark.parametrize("command", [["load_catalogue"], ["check_scenarios"], ["export_lens", "--out", "-"],
                                     ["export_catalogue", "--out", "exported"], ["expire_artifacts"],
                                     ["refresh_prices", "--region", "us-east-1"]])
def test_commands_that_need_the_database_say_what_to_run(fresh, command):
    manage, _ = fresh
    run = manage(*command)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "python manage.py migrate" in lines[0] and "make run" in lines[0], run.stderr


@pytest.mark.parametrize("benchmark", [["benchmarks.panel", "--requests", "1"],
                                       ["benchmarks.architecture_list", "--teams", "1", "--per-team", "1",
                                        "--repeat", "1"]])
def test_benchmarks_that_need_the_database_say_what_to_run(fresh_env, benchmark):
    run = subprocess.run([sys.executable, "-m", *benchmark], cwd=ROOT, env=fresh_env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "python manage.py migrate" in lines[0] and "make run" in lines[0], run.stderr
