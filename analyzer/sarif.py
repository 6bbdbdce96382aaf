"""Findings as a SARIF 2.1.0 log, the format code-scanning tools (GitHub, GitLab, IDEs) read.

One rule per finding id, with its title and what to do; one result per finding, located by
the file and line it is on; the serverless-rules ids as tags, so a scanning tool can filter
on them. Severities map to SARIF levels: high and critical are errors, medium warnings, low
notes.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, Iterable
from urllib.parse import quote

from .analysis import Analysis
from .applies import fix_of, resources_of
from .findings import Finding

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "serverless-advisor-analyzer"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
TAG = "serverless"


def artifact_uri(path: str) -> str:
    """A URI reference for a template: its path as given (relative paths stay relative, so a
    scanning tool resolves them against the repository), ``stdin`` for standard input."""
    if path == "-":
        return "stdin"
    if path.startswith("stack:"):
        return "stack:" + quote(path.removeprefix("stack:"), safe="")
    posix = PurePath(path).as_posix()
    if PurePath(path).is_absolute():
        return "file://" + quote(posix)
    return quote(posix)


def sarif_log(analyses: Iterable[tuple[str, Analysis]], version: str = "") -> dict[str, Any]:
    """One run holding the findings of every (path, analysis)."""
    analyses = list(analyses)
    rules: dict[str, dict[str, Any]] = {}
    tags: dict[str, set[str]] = {}
    results = []
    for path, analysis in analyses:
        for finding in analysis.findings:
            if finding.id not in rules:
                rules[finding.id] = _rule(finding)
                tags[finding.id] = {TAG}
            tags[finding.id].update(finding.rule_ids)
            results.append(_result(finding, path, list(rules).index(finding.id)))
    for rule_id, rule in rules.items():
        rule["properties"]["tags"] = sorted(tags[rule_id])
    driver: dict[str, Any] = {"name": TOOL_NAME, "rules": list(rules.values())}
    if version:
        driver["version"] = version
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "artifacts": [{"location": {"uri": artifact_uri(path)}} for path, _ in analyses],
            "results": results,
        }],
    }


def _rule(finding: Finding) -> dict[str, Any]:
    help_text = fix_of(finding)
    return {
        "id": finding.id,
        "name": "".join(part.capitalize() for part in finding.id.split("-")),
        "shortDescription": {"text": finding.title},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"severity": finding.severity},
    }


def _result(finding: Finding, path: str, rule_index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
    if finding.line:
        physical["region"] = {"startLine": finding.line}
    return {
        "ruleId": finding.id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{"name": resource, "kind": "resource"} for resource in resources_of(finding)],
        }],
        "properties": {"severity": finding.severity, "rule_ids": list(finding.rule_ids),
                       "tags": [TAG, *finding.rule_ids]},
    }
