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
    CONDITIONS,
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
    # How to generate each failing template again.
    problems += [f"{file} = generate({case[1]!r}, name={case[0]!r}, options={(case[3:] or [None])[0]!r}, "
                 f"**{case[2]!r})" for file in sorted({f.file for f in left}) if (case := MATRIX[file[:-5]])]
    stale = [f"{SKIP_FILE.name}: {s} explains no finding any more; remove it" for s in skips if s not in used]
    assert not (left or stale), (f"{tool}: {len(left)} unexplained findings, {len(stale)} stale skips:\n"
                                 + "\n".join(problems + stale))


@pytest.mark.slow
def test_cfn_lint_and_serverless_rules_report_nothing_unexplained(templates):
    folder, parsed = templates
    findings = run_cfn_lint(sorted(folder.glob("*.yaml")))
    check("cfn-lint", findings, parsed)


@pytest.mark.slow
def test_checkov_reports_nothing_unexplained(templates):
    assert CHECKOV.exists(), f"checkov is missing at {CHECKOV}: `make checkov` installs it"
    folder, parsed = templates
    findings, checked = run_checkov(folder)
    assert checked == set(parsed), f"checkov did not check {sorted(set(parsed) - checked)}"
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


def template(resources: dict, conditions: dict | None = None) -> dict:
    return {"Resources": resources, **({"Conditions": conditions} if conditions else {})}


FUNCTION = "AWS::Serverless::Function"


@pytest.mark.parametrize("condition, applies, resources, logical_id", [
    ("dead-letter queue", True, {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {
        "deadLetterTargetArn": {"Fn::GetAtt": ["D", "Arn"]}}}}, "D": {"Type": "AWS::SQS::Queue", "Properties": {}}},
     "D"),
    ("dead-letter queue", True, {"F": {"Type": FUNCTION, "Properties": {"EventInvokeConfig": {"DestinationConfig": {
        "OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": "D.Arn"}}}}}},
        "D": {"Type": "AWS::SQS::Queue", "Properties": {}}}, "D"),
    ("dead-letter queue", False, {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {
        "deadLetterTargetArn": {"Fn::GetAtt": ["D", "Arn"]}}}}, "D": {"Type": "AWS::SQS::Queue", "Properties": {}}},
     "Q"),
    ("logs to a log group with retention", True, {
        "F": {"Type": FUNCTION, "Properties": {"LoggingConfig": {"LogGroup": {"Ref": "L"}}}},
        "L": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}}}, "F"),
    ("logs to a log group with retention", False, {
        "F": {"Type": FUNCTION, "Properties": {"LoggingConfig": {"LogGroup": {"Ref": "L"}}}},
        "L": {"Type": "AWS::Logs::LogGroup", "Properties": {}}}, "F"),
    ("logs to a log group with retention", False, {"F": {"Type": FUNCTION, "Properties": {}}}, "F"),
    ("SQS-managed encryption", True, {"Q": {"Type": "AWS::SQS::Queue", "Properties": {
        "SqsManagedSseEnabled": True}}}, "Q"),
    ("SQS-managed encryption", False, {"Q": {"Type": "AWS::SQS::Queue", "Properties": {}}}, "Q"),
    ("no asynchronous invocation without a destination", True, {"F": {"Type": FUNCTION, "Properties": {
        "Events": {"Get": {"Type": "HttpApi", "Properties": {}}, "Q": {"Type": "SQS", "Properties": {}}}}}}, "F"),
    ("no asynchronous invocation without a destination", True, {"F": {"Type": FUNCTION, "Properties": {
        "Events": {"Up": {"Type": "S3", "Properties": {}}},
        "EventInvokeConfig": {"DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": "D.Arn"}}}}}}}, "F"),
    ("no asynchronous invocation without a destination", False, {"F": {"Type": FUNCTION, "Properties": {
        "Events": {"Up": {"Type": "S3", "Properties": {}}}}}}, "F"),
    ("no asynchronous invocation without a destination", False, {"F": {"Type": FUNCTION, "Properties": {}}}, "F"),
])
def test_each_condition_of_the_skip_file_holds_only_where_its_reason_does(condition, applies, resources, logical_id):
    assert CONDITIONS[condition](template(resources), logical_id) is applies


def test_the_rest_access_log_condition_needs_a_real_template_condition():
    api = {"Type": "AWS::Serverless::Api", "Properties": {"AccessLogSetting": {"Fn::If": ["On", {}, {}]}}}
    assert CONDITIONS["access logs behind a parameter"](template({"A": api}, {"On": {}}), "A")
    assert not CONDITIONS["access logs behind a parameter"](template({"A": api}), "A")
    plain = {"Type": "AWS::Serverless::Api", "Properties": {}}
    assert not CONDITIONS["access logs behind a parameter"](template({"A": plain}, {"On": {}}), "A")


def test_a_finding_outside_a_skips_narrowing_stays_unexplained():
    skips = [s for s in load_skips() if s.id == "CKV_AWS_28"]
    parsed = {"t.yaml": template({"IdempotencyTable": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
                                  "DataTable": {"Type": "AWS::DynamoDB::Table", "Properties": {}}})}
    findings = [Finding("checkov", "t.yaml", "CKV_AWS_28", lid, "no PITR") for lid in ("IdempotencyTable", "DataTable")]
    left, used = unexplained(findings, parsed, skips)
    assert [f.logical_id for f in left] == ["DataTable"] and used == set(skips)


def test_every_template_of_the_matrix_transforms_and_has_no_yaml_alias(templates):
    """The SAM transform accepts every linted template, and none uses YAML anchors or aliases
    (CloudFormation refuses them)."""
    from gencheck import sam_transform

    folder, parsed = templates
    problems = []
    for file, template in sorted(parsed.items()):
        if file == CANARY:
            continue
        text = (folder / file).read_text()
        if re.search(r"(^|\s)[&*]id\d+", text):
            problems.append(f"{file}: YAML anchor or alias")
        try:
            sam_transform(template)
        except Exception as exc:  # the transform's own errors name the resource at fault
            problems.append(f"{file}: SAM transform failed: {exc}")
    assert not problems, "\n".join(problems)
