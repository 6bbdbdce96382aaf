"""The analyzer over 471 real templates written by others (shared/corpus, beside the repository)."""

import functools
from collections import Counter
from pathlib import Path

import pytest
import yaml

from analyzer import FINDING_IDS, TemplateError, analyze

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "serverless-patterns"
FILES = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"the template corpus is not at {CORPUS}")


@pytest.fixture(scope="module")
def results():
    """file name -> Analysis, or the TemplateError that refused it (any other exception fails)."""
    outcome = {}
    for path in FILES:
        try:
            outcome[path.name] = analyze(path.read_text(encoding="utf-8"))
        except TemplateError as exc:
            outcome[path.name] = exc
    return outcome


def test_every_file_gives_a_result_or_a_clear_refusal(results):
    assert len(results) == len(FILES) >= 400
    refused = {name: str(exc) for name, exc in results.items() if isinstance(exc, TemplateError)}
    assert all(message.endswith(".") and len(message) > 20 for message in refused.values())
    unreadable = {name: message for name, message in refused.items() if name not in yaml_cloudformation_refuses()}
    # Two files are broken YAML, five have no Resources (a skeleton and four CDK app descriptions).
    assert len(unreadable) <= 10, unreadable


def _yaml_problems(text: str) -> list[tuple[int, str]]:
    """(line, what) for each alias, merge key and repeated key, found with PyYAML's own
    parser and composer rather than the analyzer's reader."""
    problems = [(event.start_mark.line + 1, f"the YAML alias *{event.anchor}")
                for event in yaml.parse(text, Loader=yaml.SafeLoader) if isinstance(event, yaml.AliasEvent)]
    stack = [yaml.compose(text, Loader=yaml.SafeLoader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, value in node.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    problems.append((key.start_mark.line + 1, "a YAML merge key"))
                elif isinstance(key, yaml.ScalarNode) and key.value in seen:
                    problems.append((key.start_mark.line + 1, f"the key {key.value!r} appears twice"))
                seen.add(getattr(key, "value", None))
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


@functools.cache
def yaml_cloudformation_refuses() -> dict[str, list[tuple[int, str]]]:
    """Corpus files with YAML that CloudFormation refuses or leaves undefined -> the problems."""
    found = {}
    for path in FILES:
        try:
            problems = _yaml_problems(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue  # broken YAML: refused for that
        if problems:
            found[path.name] = problems
    return found


def test_files_with_repeated_keys_aliases_or_merge_keys_are_refused_with_the_reason_and_line(results):
    expected = yaml_cloudformation_refuses()
    assert len(expected) >= 9  # measured: 9 readable files repeat a key
    for name, problems in expected.items():
        refused = results[name]
        assert isinstance(refused, TemplateError), name
        # The first problem met while reading (the innermost of nested ones), with its line.
        assert any(str(refused).startswith(f"Refused: line {line}: {what}") for line, what in problems), (
            name, str(refused), problems)


def test_most_templates_show_a_pattern(results):
    analysed = [a for a in results.values() if not isinstance(a, TemplateError)]
    with_patterns = [a for a in analysed if a.patterns]
    # Measured: 309 of 455 (68%), 11 of them kinesis-stream. The rest use services outside the
    # catalogue (MSK, AppSync, ALB, function URLs, Firehose without a function) or API
    # integrations without a function.
    assert len(with_patterns) / len(analysed) >= 0.6
    counts = Counter(slug for a in analysed for slug in a.patterns)
    assert counts["api-gateway-lambda"] >= 90 and counts["eventbridge"] >= 80 and counts["step-functions"] >= 40
    assert counts["s3-processing"] >= 30 and counts["sqs-worker"] >= 25 and counts["dynamodb-streams"] >= 10
    assert all(counts[slug] for slug in ("sns-fanout", "chaining", "orchestrator", "rds"))
    assert counts["kinesis-stream"] >= 10


def test_findings_are_well_formed(results):
    findings = [f for a in results.values() if not isinstance(a, TemplateError) for f in a.findings]
    assert {f.id for f in findings} <= set(FINDING_IDS)
    assert len({f.id for f in findings}) >= 8
    for analysis in results.values():
        if isinstance(analysis, TemplateError):
            continue
        assert len({(f.id, f.resource) for f in analysis.findings}) == len(analysis.findings)


def test_known_templates_give_the_expected_report(results):
    sqs = results["sqs-lambda-python-sam.yaml"]
    # Its dead-letter queue has no alarm.
    assert sqs.patterns == ("sqs-worker",) and [(f.id, f.resource) for f in sqs.findings] == [
        ("dlq-without-alarm", "ProcessingDLQ"), ("no-log-retention", "ProcessorFunction"),
        ("no-tracing", "ProcessorFunction")]
    kinesis = results["kinesis-lambda-error-handling.yaml"]
    assert kinesis.patterns == ("kinesis-stream",)
    assert results["kinesis-lambda-efo.yaml"].patterns == ("kinesis-stream",)  # through a fan-out consumer
    # EventBridge Pipes read this stream; no function does.
    assert "kinesis-stream" not in results["kinesis-stream-to-eventbridge-sam.yaml"].patterns
    # Retries bounded, an on-failure queue and tracing: the whole-batch retry, the log retention and
    # an alarm on the on-failure queue are left.
    assert [f.id for f in kinesis.findings] == ["no-partial-batch-response", "dlq-without-alarm", "no-log-retention"]
    resizer = results["s3-lambda-resizing-python.yaml"]
    assert resizer.patterns == ("s3-processing",)
    assert "recursive-s3-trigger" not in {f.id for f in resizer.findings}  # writes to another bucket
    durable = results["lambda-durable-invoke-lambda-sam-python.yaml"]
    assert "chaining" in durable.patterns and ("direct-lambda-invoke", "DurableLambdaFunction") in {
        (f.id, f.resource) for f in durable.findings}
