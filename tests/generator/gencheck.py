"""Helpers shared by the generator tests: default answers, generation, and the contract checks."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import yaml

import generator
from analyzer import analyze
from patterns.catalogue import load_files

MAIN = Path(__file__).resolve().parents[2]
VENV_PYTHON = MAIN / ".venv" / "bin" / "python"
CFN_LINT = MAIN / ".venv" / "bin" / "cfn-lint"


def _question_defaults() -> tuple[dict[str, Any], dict[str, str]]:
    """The questions' defaults from the shipped catalogue, and the answers that default to another
    answer (`default_from`, as `max_duration_s` follows `duration_s`)."""
    questions = load_files().questions
    return ({q.key: q.default for q in questions if not q.default_from},
            {q.key: q.default_from for q in questions if q.default_from})


DEFAULT_ANSWERS, DERIVED_ANSWERS = _question_defaults()


def answers(**overrides: Any) -> dict[str, Any]:
    """The default answers with `overrides`, which are not validated: tests also pass bad values."""
    unknown = set(overrides) - set(DEFAULT_ANSWERS) - set(DERIVED_ANSWERS)
    assert not unknown, f"unknown answer keys {unknown}"
    merged = {**DEFAULT_ANSWERS, **overrides}
    for key, source in DERIVED_ANSWERS.items():
        merged.setdefault(key, merged[source])
    return merged


def generate(patterns, name="serverless-app", render_diagrams=False, warnings=(), options=None, **answer_overrides):
    """`options`: further Selection fields, such as {"api": "rest"} or {"limits": {...}}."""
    selection = generator.Selection(patterns=tuple(patterns), answers=answers(**answer_overrides),
                                    name=name, render_diagrams=render_diagrams, warnings=tuple(warnings),
                                    **(options or {}))
    return generator.generate_files(selection)


def unpack(files: dict[str, bytes], dest: Path) -> Path:
    for path, content in files.items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    roots = {p.split("/", 1)[0] for p in files}
    assert len(roots) == 1
    return dest / roots.pop()


def load_template(text: str | bytes) -> dict:
    return yaml.safe_load(text)


def cfn_lint(template_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CFN_LINT), "--non-zero-exit-code", "warning", str(template_path)],
                          capture_output=True, text=True, timeout=300)


class _NoManagedPolicies:
    def load(self) -> dict:
        return {}


def sam_transform(template: dict) -> dict:
    from samtranslator.translator.transform import transform

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    document = json.loads(json.dumps(template))
    # As `sam validate` does: local code folders become placeholder S3 locations.
    for res in document["Resources"].values():
        if res["Type"] == "AWS::Serverless::Function":
            res["Properties"]["CodeUri"] = "s3://bucket/code.zip"
    return transform(document, {}, _NoManagedPolicies())


def run_project_tests(project_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_", "POWERTOOLS_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # The generated project needs no pytest plugins; skipping the installed ones saves seconds per run.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run([str(VENV_PYTHON), "-m", "pytest", "-q", "-x", "-W", "ignore::DeprecationWarning"],
                          cwd=project_dir, capture_output=True, text=True, timeout=600, env=env)


def run_scenario(files: dict[str, bytes], dest: Path, source: str) -> subprocess.CompletedProcess:
    """Unpack the project and run one extra test module of ours with its fixtures (moto, handlers)."""
    folder = unpack(files, dest)
    (folder / "tests" / "unit" / "test_scenario.py").write_text(source)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_", "POWERTOOLS_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run([str(VENV_PYTHON), "-m", "pytest", "-q", "-W", "ignore::DeprecationWarning",
                           "tests/unit/test_scenario.py"],
                          cwd=folder, capture_output=True, text=True, timeout=600, env=env)


# --- static contract checks ----------------------------------------------------------

STREAM_EVENT_TYPES = {"DynamoDB", "Kinesis"}


def contract_problems(files: dict[str, bytes]) -> list[str]:
    """Every SPEC 5 rule that can be checked on the files; an empty list means all hold.

    The template must give the analyzer no finding: that covers tracing (functions and state
    machines), dead-letter queues and on-failure destinations and an alarm on each, visibility
    timeouts, batch sizes against timeouts, Lambda's loop detection and Retry on every workflow
    task. What is checked here besides is the generator's own stricter contract."""
    root = next(iter(files)).split("/", 1)[0]
    text = files[f"{root}/template.yaml"]
    template = load_template(text)
    resources = template["Resources"]
    problems = [f"{f.resource}: analyzer finding {f.id}: {f.message}"
                for f in analyze(text.decode() if isinstance(text, bytes) else text).findings]

    for lid, res in resources.items():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::Serverless::Function":
            code_uri = props["CodeUri"].rstrip("/")
            module, func = props["Handler"].rsplit(".", 1)
            source = files.get(f"{root}/{code_uri}/{module}.py")
            if source is None:
                problems.append(f"{lid}: {code_uri}/{module}.py missing")
            else:
                tree = ast.parse(source)
                names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
                if func not in names:
                    problems.append(f"{lid}: handler {func} not defined in {code_uri}")
                problems.extend(f"{lid}: {p}" for p in clients_created_in_functions(tree))
            if f"{root}/{code_uri}/requirements.txt" not in files:
                problems.append(f"{lid}: no requirements.txt")
            for ename, event in props.get("Events", {}).items():
                etype, eprops = event["Type"], event.get("Properties", {})
                where = f"{lid}.{ename}"
                if etype == "SQS":
                    if eprops.get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
                        problems.append(f"{where}: no ReportBatchItemFailures")
                    if not 2 <= eprops.get("ScalingConfig", {}).get("MaximumConcurrency", 0) <= 1000:
                        problems.append(f"{where}: no MaximumConcurrency")
                elif etype in STREAM_EVENT_TYPES:
                    if eprops.get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
                        problems.append(f"{where}: no ReportBatchItemFailures")
                    for key in ("MaximumRetryAttempts", "MaximumRecordAgeInSeconds"):
                        if key not in eprops:
                            problems.append(f"{where}: no {key}")
                    if not eprops.get("BisectBatchOnFunctionError"):
                        problems.append(f"{where}: no BisectBatchOnFunctionError")
                elif etype in {"EventBridgeRule", "Schedule", "ScheduleV2"}:
                    if not eprops.get("DeadLetterConfig") or not eprops.get("RetryPolicy"):
                        problems.append(f"{where}: rule target without DeadLetterConfig/RetryPolicy")
        if res["Type"] == "AWS::Serverless::StateMachine":
            problems.extend(f"{lid}: {p}" for p in state_machine_problems(props["Definition"]))
        problems.extend(f"{lid}: {p}" for p in iam_problems(props))
    return problems


def iam_problems(props: Any) -> list[str]:
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("Action", "NotAction"):
                    actions = value if isinstance(value, list) else [value]
                    for action in actions:
                        if not isinstance(action, str) or action == "*" or action.endswith(":*"):
                            found.append(f"wildcard IAM action {action!r}")
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(props)
    return found


def state_machine_problems(definition: dict) -> list[str]:
    problems = []

    def walk(states: dict) -> None:
        for name, state in states.items():
            if state["Type"] == "Task":
                if not state.get("Catch"):
                    problems.append(f"task {name} without Catch")
            for branch in state.get("Branches", []):
                walk(branch["States"])
            if "Iterator" in state:
                walk(state["Iterator"]["States"])

    walk(definition["States"])
    return problems


def clients_created_in_functions(tree: ast.AST) -> list[str]:
    """boto3.client()/resource()/Session() calls inside any function body."""
    problems = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "boto3"):
                    problems.append(f"boto3.{node.func.attr}() inside function {fn.name}")
    return problems


SAFE_PATH = re.compile(r"[A-Za-z0-9_./-]+")


def unsafe_paths(names) -> list[str]:
    return [n for n in names if not SAFE_PATH.fullmatch(n) or ".." in n.split("/") or n.startswith("/")
            or ".." in n]


def zip_names(blob: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return archive.namelist()
