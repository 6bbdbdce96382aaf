"""cfn-lint with serverless-rules, and checkov, over many generated templates at once.

Each tool runs once over a folder of templates (starting a linter costs seconds; a template
costs a fraction of one). Findings are matched against linter_skips.yaml: what no entry
explains is a failure, and so is an entry that explains nothing.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

import generator
from gencheck import CFN_LINT, MAIN, generate

CHECKOV = MAIN / ".venv-checkov" / "bin" / "checkov"
SKIP_FILE = Path(__file__).with_name("linter_skips.yaml")
TOOLS = ("cfn-lint", "checkov")

ALL = list(generator.PATTERN_SLUGS)

# Combinations beyond those of test_generated_projects.CASES: more REST APIs and patterns
# meeting in other ways. They are linted in test_linters.py and, with the random selections,
# run their own tests in test_generated_projects.py.
MORE_COMBINATIONS = {
    "rest-all-patterns": ("everything-rest", ALL, {"trigger": "queue", "steps": 6, "long_waits": True, "ordering": True,
                                              "consumers": 2, "data_store": "dynamodb"}, {"api": "rest"}),
    "rest-uploads-workflow": ("intake", ["api-gateway-lambda", "s3-processing", "step-functions"],
                              {"trigger": "file_upload", "steps": 3, "compensation": True, "long_waits": True,
                               "max_duration_s": 3600}, {"api": "rest"}),
    "rest-events-chain": ("signup", ["api-gateway-lambda", "eventbridge", "chaining"],
                          {"trigger": "event", "content_routing": True, "consumers": 3}, {"api": "rest"}),
    "stream-fanout-queue": ("inventory", ["dynamodb-streams", "sns-fanout", "sqs-worker"],
                            {"react_to_changes": True, "consumers": 4, "ordering": True, "duration_s": 5,
                             "max_duration_s": 30}),
    "scheduled-uploads-fanout-chain": ("nightly", ["chaining", "sns-fanout", "s3-processing"],
                                       {"trigger": "schedule", "writes_back_to_source": True, "consumers": 2}),
    "rest-ingest-stream-fanout": ("ingest", ["api-gateway-lambda", "kinesis-stream", "sns-fanout"],
                                  {"client_waits": False, "peak_rps": 1500, "consumers": 3, "payload_kb": 30},
                                  {"api": "rest"}),
    "bff-relational-streams": ("portal", ["orchestrator", "rds", "dynamodb-streams"],
                               {"aggregate_sources": 5, "data_store": "relational", "db_max_connections": 500,
                                "latency_ms": 300}),
}

RANDOM_SEED = 8
RANDOM_COUNT = 40


def random_cases(count: int = RANDOM_COUNT, seed: int = RANDOM_SEED) -> dict[str, tuple]:
    """Deterministic random selections: patterns, answers and API type."""
    rng = random.Random(seed)
    cases = {}
    for i in range(count):
        patterns = rng.sample(ALL, rng.randint(1, len(ALL)))
        duration = rng.choice([0.2, 1, 5, 30, 300, 900])
        overrides = {
            "trigger": rng.choice(["http", "queue", "event", "file_upload", "data_change", "schedule"]),
            "client_waits": rng.random() < 0.5,
            "latency_ms": rng.choice([100, 1000, 5000, 28000, 120000]),
            "duration_s": duration,
            "max_duration_s": duration * rng.choice([1, 2, 10]),
            "consumers": rng.randint(1, 6),
            "content_routing": rng.random() < 0.5,
            "steps": rng.randint(1, 8),
            "compensation": rng.random() < 0.5,
            "long_waits": rng.random() < 0.3,
            "aggregate_sources": rng.randint(0, 6),
            "data_store": rng.choice(["none", "dynamodb", "relational"]),
            "react_to_changes": rng.random() < 0.5,
            "writes_back_to_source": rng.random() < 0.5,
            "peak_rps": rng.choice([1, 10, 500, 5000]),
            "downstream_max_rps": rng.choice([None, 5, 100]),
            "unreliable_downstream": rng.random() < 0.5,
            "ordering": rng.random() < 0.3,
            "db_max_connections": rng.choice([10, 100, 1000]),
        }
        cases[f"random-{i:02d}"] = (f"random-{i:02d}", patterns, overrides, {"api": rng.choice(generator.API_TYPES)})
    return cases


def write_templates(cases: dict[str, tuple], folder: Path) -> dict[str, dict]:
    """Each case's template.yaml as folder/<case>.yaml; returns the parsed templates by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    templates = {}
    for case, (name, patterns, overrides, *options) in cases.items():
        files = generate(patterns, name=name, options=options[0] if options else None, **overrides)
        text = files[f"{name}/template.yaml"]
        (folder / f"{case}.yaml").write_bytes(text)
        templates[f"{case}.yaml"] = yaml.safe_load(text)
    return templates


# --- running the tools ------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    tool: str
    file: str  # template file name
    rule: str
    logical_id: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.tool} {self.rule} on {self.logical_id or '-'}: {self.message}"


def _quiet_env() -> dict[str, str]:
    # No AWS account, no network lookups: a region for cfn-lint, and checkov kept offline.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false", LOG_LEVEL="ERROR")
    return env


def run_cfn_lint(paths: list[Path]) -> list[Finding]:
    """cfn-lint's own rules and the serverless-rules plugin, every level, all files in one process."""
    result = subprocess.run([str(CFN_LINT), "--format", "json", "--append-rules", "cfn_lint_serverless.rules",
                             "--", *map(str, paths)],
                            capture_output=True, text=True, timeout=900, env=_quiet_env())
    # Exit codes are a bit mask of the levels found; a crash prints no JSON.
    try:
        raw = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"cfn-lint gave no report (exit {result.returncode}): {result.stderr[-3000:]}") from None
    findings = []
    for item in raw:
        path = item["Location"]["Path"] or []
        logical_id = path[1] if len(path) > 1 and path[0] == "Resources" else None
        findings.append(Finding("cfn-lint", Path(item["Filename"]).name, item["Rule"]["Id"], logical_id,
                                f"[{item['Level']}] {item['Message']}"))
    return findings


def run_checkov(folder: Path) -> tuple[list[Finding], set[str]]:
    """checkov's CloudFormation checks over every template in `folder`; also the files it checked."""
    # Not --quiet: the passed checks show which files checkov read.
    result = subprocess.run([str(CHECKOV), "--directory", str(folder), "--framework", "cloudformation",
                             "--output", "json", "--compact", "--skip-download"],
                            capture_output=True, text=True, timeout=900, env=_quiet_env())
    try:
        raw = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"checkov gave no report (exit {result.returncode}): "
                             f"{result.stdout[-1500:]} {result.stderr[-3000:]}") from None
    reports = raw if isinstance(raw, list) else [raw]
    findings, checked = [], set()
    for report in reports:
        assert report["summary"]["parsing_errors"] == 0, report["summary"]
        checked |= {Path(item["file_path"]).name for item in report["results"].get("passed_checks", [])}
        for item in report["results"]["failed_checks"]:
            checked.add(Path(item["file_path"]).name)
            logical_id = item["resource"].split(".", 1)[1] if "." in item["resource"] else None
            findings.append(Finding("checkov", Path(item["file_path"]).name, item["check_id"], logical_id,
                                    item["check_name"]))
    return findings, checked


# --- the skip file ----------------------------------------------------------------------

def _refs(node: Any) -> set[str]:
    """Logical ids named by Ref or Fn::GetAtt anywhere in `node`."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def _dead_letter_targets(template: dict) -> set[str]:
    """Queues that receive what failed elsewhere: redrive targets, on-failure destinations and DLQs."""
    targets: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "RedrivePolicy" and isinstance(value, dict):
                    targets.update(_refs(value.get("deadLetterTargetArn")))
                elif key == "OnFailure" and isinstance(value, dict):
                    targets.update(_refs(value.get("Destination")))
                elif key in ("DeadLetterQueue", "DeadLetterConfig") and isinstance(value, dict):
                    targets.update(_refs(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(template.get("Resources", {}))
    return targets


def _is_dead_letter_queue(template: dict, logical_id: str) -> bool:
    return logical_id in _dead_letter_targets(template)


def _logs_to_retained_log_group(template: dict, logical_id: str) -> bool:
    resources = template["Resources"]
    group = resources[logical_id]["Properties"].get("LoggingConfig", {}).get("LogGroup", {})
    target = group.get("Ref") if isinstance(group, dict) else None
    return (target in resources and resources[target]["Type"] == "AWS::Logs::LogGroup"
            and resources[target]["Properties"].get("RetentionInDays", 0) > 0)


def _sqs_managed_encryption(template: dict, logical_id: str) -> bool:
    return template["Resources"][logical_id]["Properties"].get("SqsManagedSseEnabled") is True


def _access_logs_behind_parameter(template: dict, logical_id: str) -> bool:
    setting = template["Resources"][logical_id]["Properties"].get("AccessLogSetting", {})
    return (isinstance(setting, dict) and "Fn::If" in setting
            and setting["Fn::If"][0] in template.get("Conditions", {}))


def _no_asynchronous_invocation_without_destination(template: dict, logical_id: str) -> bool:
    """Invoked only synchronously or by a poller (API, SQS, streams), or async with an on-failure destination."""
    props = template["Resources"][logical_id]["Properties"]
    if props.get("EventInvokeConfig", {}).get("DestinationConfig", {}).get("OnFailure"):
        return True
    synchronous = {"Api", "HttpApi", "SQS", "DynamoDB", "Kinesis"}
    invoked_by_state_machine = any(
        logical_id in _refs(res.get("Properties", {}).get("DefinitionSubstitutions", {}))
        for res in template["Resources"].values() if res["Type"] == "AWS::Serverless::StateMachine")
    events = props.get("Events", {})
    return bool(events or invoked_by_state_machine) and all(e["Type"] in synchronous for e in events.values())


def _invoked_only_from_outside(template: dict, logical_id: str) -> bool:
    """No event, workflow or destination of the stack invokes the function: its callers do, directly."""
    props = template["Resources"][logical_id]["Properties"]
    invoked_by_state_machine = any(
        logical_id in _refs(res.get("Properties", {}).get("DefinitionSubstitutions", {}))
        for res in template["Resources"].values() if res["Type"] == "AWS::Serverless::StateMachine")
    return not props.get("Events") and not props.get("EventInvokeConfig") and not invoked_by_state_machine


CONDITIONS: dict[str, Callable[[dict, str], bool]] = {
    "dead-letter queue": _is_dead_letter_queue,
    "logs to a log group with retention": _logs_to_retained_log_group,
    "SQS-managed encryption": _sqs_managed_encryption,
    "access logs behind a parameter": _access_logs_behind_parameter,
    "no asynchronous invocation without a destination": _no_asynchronous_invocation_without_destination,
    "invoked only by callers outside the stack": _invoked_only_from_outside,
}


@dataclass(frozen=True)
class Skip:
    section: str
    tool: str
    id: str
    reason: str
    resource_type: str | None = None
    logical_id: str | None = None
    when: str | None = None

    def __str__(self) -> str:
        narrow = ", ".join(f"{k}={v}" for k in ("resource_type", "logical_id", "when")
                           if (v := getattr(self, k)))
        return f"{self.section}: {self.tool} {self.id}" + (f" ({narrow})" if narrow else "")

    def explains(self, finding: Finding, template: dict) -> bool:
        if finding.tool != self.tool or finding.rule != self.id:
            return False
        resource = template.get("Resources", {}).get(finding.logical_id or "")
        if self.resource_type and (resource is None or resource["Type"] != self.resource_type):
            return False
        if self.logical_id and not re.fullmatch(self.logical_id, finding.logical_id or ""):
            return False
        if self.when and (resource is None or not CONDITIONS[self.when](template, finding.logical_id)):
            return False
        return True


def load_skips(path: Path = SKIP_FILE) -> list[Skip]:
    doc = yaml.safe_load(path.read_text())
    skips = []
    for section in ("skips", "pending"):
        for entry in doc.get(section) or []:
            unknown = set(entry) - {"tool", "id", "reason", "resource_type", "logical_id", "when"}
            assert not unknown, f"{path.name}: unknown keys {unknown} in {entry}"
            assert entry.get("tool") in TOOLS, f"{path.name}: tool must be one of {TOOLS}: {entry}"
            assert entry.get("id") and entry.get("reason", "").strip(), f"{path.name}: id and reason needed: {entry}"
            assert entry.get("when") in (None, *CONDITIONS), f"{path.name}: unknown condition in {entry}"
            skips.append(Skip(section=section, **entry))
    return skips


def unexplained(findings: list[Finding], templates: dict[str, dict], skips: list[Skip]) -> tuple[list, set]:
    """Findings no skip explains, and the skips that explained at least one finding."""
    left, used = [], set()
    for finding in findings:
        matching = [s for s in skips if s.explains(finding, templates[finding.file])]
        if matching:
            used.update(matching)
        else:
            left.append(finding)
    return left, used
