"""serverless-rules (the cfn-lint-serverless plugin) over many templates in one process, and the
comparison of what it flags with what the analyzer reports.

    python tests/analyzer/serverless_rules.py FILE...   -> JSON list of {file, rule, resource}

cfn-lint is started once with only the plugin's rules (ES*, WS*); each file is read and
checked on its own, so a file cfn-lint cannot process is listed with "error" instead of
stopping the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

MAIN = Path(__file__).resolve().parents[2]
VENV_PYTHON = MAIN / ".venv" / "bin" / "python"

# serverless-rules id -> the analyzer finding that covers it.
PARITY = {
    "ES1001": "missing-dlq",  # event source mapping without an on-failure destination
    "ES1007": "missing-dlq",  # function invoked asynchronously without an on-failure destination
    "ES4000": "missing-dlq",  # EventBridge rule target without a dead-letter queue
    "ES6000": "missing-dlq",  # queue without a redrive policy (dead-letter queues themselves excluded)
    "ES7000": "missing-dlq",  # SNS subscription without a redrive policy
    "WS1000": "no-tracing",  # function without active tracing
}
# Rules the analyzer also covers, compared and printed but not held to the share.
ALSO = {
    "ES1005": "default-memory",
    "ES1006": "default-timeout",
    "WS1003": "wildcard-iam-action",
    "WS1004": "no-log-retention",
    "ES2000": "api-access-logs-off",
    "ES2003": "api-throttling-default",
}
RULES = PARITY | ALSO
# Properties whose value names a dead-letter queue or failure destination.
FAILURE_KEYS = {"RedrivePolicy", "DeadLetterConfig", "DeadLetterQueue", "OnFailure", "deadLetterTargetArn",
                "DeadLetterTargetArn"}


def run(paths: Iterable[Path]) -> list[dict[str, str]]:
    """What serverless-rules flags in each file: {file, rule, resource} or {file, error}."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    result = subprocess.run([str(VENV_PYTHON), __file__, *map(str, paths)], capture_output=True, text=True,
                            timeout=1800, env=env)
    if result.returncode != 0:
        raise AssertionError(f"serverless-rules did not run (exit {result.returncode}): {result.stderr[-3000:]}")
    return json.loads(result.stdout)


def _lint(paths: list[str]) -> list[dict[str, str]]:
    from cfnlint.config import ConfigMixIn
    from cfnlint.decode.decode import decode
    from cfnlint.runner.cli import Runner
    from cfnlint.runner.template.runner import _run_template

    config = ConfigMixIn([], append_rules=["cfn_lint_serverless.rules"], regions=["us-east-1"],
                         include_checks=["ES", "WS"])
    rules = Runner(config).rules
    found = []
    for path in paths:
        name = Path(path).name
        template, problems = decode(path)
        if problems or not isinstance(template, dict):
            found.append({"file": name, "error": "not readable"})
            continue
        try:
            for match in _run_template(path, template, config, rules):
                where = [str(part) for part in (match.path or [])]
                if match.rule.id.startswith(("ES", "WS")) and len(where) > 1 and where[0] == "Resources":
                    found.append({"file": name, "rule": match.rule.id, "resource": where[1]})
        except Exception as exc:  # noqa: BLE001 - a crash in one file is reported, the others still run
            found.append({"file": name, "error": f"{type(exc).__name__}: {exc}"[:200]})
    return found


def failure_targets(document: Any) -> set[str]:
    """Logical ids named inside a redrive policy, dead-letter config or on-failure destination."""
    names: set[str] = set()
    stack = [(document, False)]
    while stack:
        value, inside = stack.pop()
        if isinstance(value, dict):
            if inside:
                for key in ("Ref", "Fn::GetAtt"):
                    ref = value.get(key)
                    if isinstance(ref, str):
                        names.add(ref.split(".")[0])
                    elif isinstance(ref, list) and ref and isinstance(ref[0], str):
                        names.add(ref[0])
                sub = value.get("Fn::Sub")
                text = sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub else ""
                if isinstance(text, str):
                    names.update(part.split("}")[0].split(".")[0] for part in text.split("${")[1:])
            stack.extend((child, inside or key in FAILURE_KEYS) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, inside) for child in value)
    return names


@dataclass
class Row:
    rule: str
    flagged: int = 0
    matched: int = 0
    missed: list[str] | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.matched / self.flagged if self.flagged else 100.0


def compare(flags: list[dict[str, str]], analyses: dict[str, Any], documents: dict[str, Any]) -> dict[str, Row]:
    """Per serverless-rules id: how many resources it flags, and on how many the analyzer
    reports the matching finding (with that rule id) on the same resource, or on the resource to
    change in its place. Files the analyzer refuses are left out."""
    rows = {rule: Row(rule, missed=[]) for rule in RULES}
    seen = set()
    for flag in flags:
        rule, name, resource = flag.get("rule"), flag["file"], flag.get("resource")
        analysis = analyses.get(name)
        if rule not in RULES or analysis is None or (rule, name, resource) in seen:
            continue
        seen.add((rule, name, resource))
        document = documents[name]
        if rule == "ES6000" and resource in failure_targets(document):
            continue  # a dead-letter queue itself
        # The resource itself, or the one to change: the function a permission lets be invoked,
        # the queue an SQS mapping reads (its redrive policy is the mapping's failure path).
        wanted = {resource}
        body = (document.get("Resources") or {}).get(resource) or {}
        properties = body.get("Properties") or {}
        if body.get("Type") == "AWS::Lambda::Permission":
            wanted |= failure_targets({"DeadLetterConfig": properties.get("FunctionName")})
        elif body.get("Type") == "AWS::Lambda::EventSourceMapping":
            wanted |= failure_targets({"DeadLetterConfig": properties.get("EventSourceArn")})
        row = rows[rule]
        row.flagged += 1
        if any(f.id == RULES[rule] and rule in f.rule_ids and f.resource in wanted for f in analysis.findings):
            row.matched += 1
        else:
            row.missed.append(f"{name}: {resource}")
    return rows


def summary(rows: dict[str, Row]) -> str:
    lines = [f"{'rule':<8} {'finding':<22} {'flagged':>7} {'matched':>7} {'%':>6}"]
    for rule, row in rows.items():
        held = "" if rule in PARITY else "  (not held to the share)"
        lines.append(f"{rule:<8} {RULES[rule]:<22} {row.flagged:>7} {row.matched:>7} {row.percent:>6.1f}{held}")
    return "\n".join(lines)


if __name__ == "__main__":
    json.dump(_lint(sys.argv[1:]), sys.stdout)
