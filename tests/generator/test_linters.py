"""cfn-lint with serverless-rules, and checkov, over the generated-project matrix: every
pattern alone, the combinations of test_generated_projects plus more (both API types), and
40 seeded random selections. Every finding is explained in linter_skips.yaml or is a failure.

One process per tool for the whole matrix; a canary template with known faults rides along,
so a tool that silently checks nothing fails the test too.
"""

import re

import pytest
import yaml

import generator

from linters import (
    CHECKOV,
    MORE_COMBINATIONS,
    SKIP_FILE,
    Finding,
    load_skips,
    random_cases,
    run_checkov,
    run_cfn_lint,
    unexplained,
    write_templates,
)
from test_generated_projects import CASES

MATRIX = {**CASES, **MORE_COMBINATIONS, **random_cases()}

# A queue named like a DLQ that nothing sends failures to, unencrypted: both tools must
# report it, and the dead-letter-queue skip must not explain it away.
CANARY = "zz-canary.yaml"
CANARY_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrphanQueueDlq:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
"""
CANARY_EXPECTED = {("cfn-lint", "ES6000"), ("checkov", "CKV_AWS_27")}


def test_the_matrix_covers_every_pattern_both_api_types_and_random_selections():
    alone = {tuple(c[1]) for c in MATRIX.values() if len(c[1]) == 1}
    combos = [c for c in MATRIX.values() if len(c[1]) > 1 and not c[0].startswith("random-")]
    assert alone == {(slug,) for slug in generator.PATTERN_SLUGS}
    assert len(combos) >= 12
    assert {(c[3] if len(c) > 3 else {}).get("api", "http") for c in combos} == {"http", "rest"}
    randoms = random_cases()
    assert len(randoms) == 40 and randoms == random_cases()  # seeded: the same selections every run
    assert {c[3]["api"] for c in randoms.values()} == {"http", "rest"}


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    parsed = write_templates(MATRIX, folder)
    (folder / CANARY).write_text(CANARY_TEMPLATE)
    parsed[CANARY] = yaml.safe_load(CANARY_TEMPLATE)
    return folder, parsed


def check(tool: str, findings: list[Finding], parsed: dict) -> None:
    canary = {(f.tool, f.rule) for f in findings if f.file == CANARY}
    assert canary >= {e for e in CANARY_EXPECTED if e[0] == tool}, f"{tool} missed the canary's faults: {canary}"
    skips = [s for s in load_skips() if s.tool == tool]
    left, used = unexplained(findings, parsed, skips)
    canary_left = {(f.tool, f.rule) for f in left if f.file == CANARY}
    assert canary_left >= {e for e in CANARY_EXPECTED if e[0] == tool}, "a skip explains the canary away"
    left = [f for f in left if f.file != CANARY]
    problems = [str(f) for f in sorted(left, key=lambda f: (f.rule, f.file, f.logical_id or ""))]
    problems += [f"{SKIP_FILE.name}: {s} explains no finding any more; remove it"
                 for s in skips if s not in used]
    assert problems == [], f"{len(problems)} unexplained:\n" + "\n".join(problems)


@pytest.mark.slow
def test_cfn_lint_and_serverless_rules_report_nothing_unexplained(templates):
    folder, parsed = templates
    findings = run_cfn_lint(sorted(folder.glob("*.yaml")))
    check("cfn-lint", findings, parsed)


@pytest.mark.slow
def test_checkov_reports_nothing_unexplained(templates):
    assert CHECKOV.exists(), f"checkov is missing at {CHECKOV}: `make checkov` installs it"
    folder, parsed = templates
    findings, passed = run_checkov(folder)
    assert passed > 10 * len(MATRIX)  # it did check the generated resources
    check("checkov", findings, parsed)


def test_the_skip_file_is_well_formed_and_each_entry_is_narrow():
    skips = load_skips()
    assert {s.section for s in skips} <= {"skips", "pending"}
    for skip in skips:
        # Never a whole tool or every resource: an id always, and a resource type or id pattern.
        assert skip.resource_type or skip.logical_id, f"{skip} applies to every resource"
        assert len(skip.reason.split()) >= 8, f"{skip}: say why it does not apply"
        # cfn-lint's own rules (E1234, W1234, I1234) are never skipped: only plugin rules are.
        assert not (skip.tool == "cfn-lint" and re.fullmatch(r"[EWI]\d+", skip.id)), skip
    assert len({(s.tool, s.id, s.resource_type, s.logical_id, s.when) for s in skips}) == len(skips)
