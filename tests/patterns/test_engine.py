"""The rules engine beyond the workload table: ranking rules, versions, robustness."""

import dataclasses
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patterns.answers import AnswerError
from patterns.catalogue import Catalogue, CatalogueError, Rule, load_files
from patterns.engine import Engine, check_catalogue, compile_catalogue, recommend

CATALOGUE = load_files()


def with_rules(catalogue: Catalogue, rules) -> Catalogue:
    return dataclasses.replace(catalogue, rules=tuple(rules))


def test_the_shipped_catalogue_is_consistent():
    assert check_catalogue(CATALOGUE) == []


def test_chaining_is_never_first_while_an_alternative_fits():
    # A catalogue where chaining would win on points.
    boosted = with_rules(CATALOGUE, [*CATALOGUE.rules, Rule(
        name="boost-chaining", effect="score", pattern="chaining", weight=50, when="steps == 2",
        explanation="test boost")])
    result = recommend({"steps": 2}, boosted)
    assert result.recommendations[0].pattern != "chaining"
    chaining = next(r for r in result.recommendations if r.pattern == "chaining")
    assert chaining.score <= result.recommendations[0].score


def test_chaining_alone_may_be_first():
    only_chaining = with_rules(CATALOGUE, [Rule(
        name="only-chaining", effect="score", pattern="chaining", weight=3, when="steps == 2", explanation="x")])
    assert recommend({"steps": 2}, only_chaining).recommendations[0].pattern == "chaining"


def test_every_reason_and_warning_names_the_answers_that_caused_it():
    result = recommend({"trigger": "http", "client_waits": True, "duration_s": 1200, "steps": 3,
                        "data_store": "relational", "peak_rps": 500}, CATALOGUE)
    keys = {q.key for q in CATALOGUE.questions}
    for item in result.recommendations:
        for reason in item.reasons:
            assert reason.answers and {a.key for a in reason.answers} <= keys, reason
            assert f"({reason.answers[0].key}=" in reason.text
    for warning in result.warnings:
        assert warning.answers and set(warning.answers) <= keys
        assert any(f"{key}=" in warning.message for key in warning.answers)


def test_limit_checks_carry_both_numbers():
    result = recommend({"trigger": "http", "duration_s": 1200}, CATALOGUE)
    broken = {check.id: check for check in result.broken_limits}
    assert broken["lambda-max-duration"].value == 1200 and broken["lambda-max-duration"].limit == 900
    assert broken["api-gateway-timeout"].value == 1200 and broken["api-gateway-timeout"].limit == 29
    assert "1,200" in broken["lambda-max-duration"].message and "900" in broken["lambda-max-duration"].message
    # broken limits come first
    assert [c.ok for c in result.limits] == sorted(c.ok for c in result.limits)


def test_a_chosen_set_of_patterns_gets_its_own_risks_and_cost():
    answers = {"trigger": "http", "client_waits": False, "unreliable_downstream": True}
    recommended = recommend(answers, CATALOGUE)
    assert "sqs-worker" in recommended.selected
    chosen = recommend(answers, CATALOGUE, patterns=("api-gateway-lambda",))
    assert chosen.selected == ("api-gateway-lambda",)
    assert "poison-message" not in {w.id for w in chosen.warnings}
    assert "SQS" not in {line.service for line in chosen.cost.lines}
    assert "SQS" in {line.service for line in recommended.cost.lines}


def test_cost_uses_the_price_rows():
    result = recommend({"monthly_invocations": 10_000_000, "duration_s": 0.5, "memory_mb": 1024}, CATALOGUE)
    lines = {line.service: line for line in result.cost.lines}
    prices = CATALOGUE.price_map
    # one function per request behind an API: 10M requests, 5M GB-s, and INIT for the 1% that start cold
    lambda_lines = [line for line in result.cost.lines if line.service == "Lambda"]
    assert sum(line.usd for line in lambda_lines) == pytest.approx(
        10_000_000 * prices["lambda-requests"].unit_usd
        + (5_000_000 + 100_000 * 0.5 * 1) * prices["lambda-gb-second-arm64"].unit_usd, abs=0.02)
    assert lines["API Gateway"].usd == pytest.approx(10 * prices["apigw-http-requests"].usd, abs=0.01)
    assert result.cost.monthly_usd == pytest.approx(sum(line.usd for line in result.cost.lines), abs=0.01)


def test_a_price_change_changes_the_cost_and_the_version():
    cheaper = dataclasses.replace(CATALOGUE, prices=tuple(
        dataclasses.replace(p, usd=p.usd / 2) if p.id == "apigw-http-requests" else p for p in CATALOGUE.prices))
    before, after = recommend({}, CATALOGUE), recommend({}, cheaper)
    assert after.cost.monthly_usd < before.cost.monthly_usd
    assert after.rules_version != before.rules_version


def test_a_rule_change_changes_the_version_and_the_result():
    changed = with_rules(CATALOGUE, [
        dataclasses.replace(r, weight=-20) if r.name == "api-http-entry" else r for r in CATALOGUE.rules])
    before, after = recommend({}, CATALOGUE), recommend({}, changed)
    assert before.rules_version != after.rules_version
    assert before.recommendations[0].pattern == "api-gateway-lambda"
    assert "api-gateway-lambda" not in after.patterns


def test_the_version_does_not_depend_on_row_order():
    shuffled = with_rules(CATALOGUE, reversed(CATALOGUE.rules))
    assert shuffled.version == CATALOGUE.version


def test_an_inconsistent_catalogue_is_refused_with_every_reason():
    broken = with_rules(CATALOGUE, [
        Rule(name="a", effect="score", pattern="no-such", weight=1, when="x > 1", explanation="e"),
        Rule(name="b", effect="warning", warning="no-such-warning", when="true", explanation="{nope}"),
    ])
    with pytest.raises(CatalogueError) as error:
        Engine(broken)
    text = str(error.value)
    for expected in ("unknown pattern 'no-such'", "unknown answer key 'x'", "unknown warning 'no-such-warning'",
                     "unknown placeholder {nope}"):
        assert expected in text


def test_a_rule_that_fails_at_run_time_does_not_fire_and_does_not_raise():
    risky = with_rules(CATALOGUE, [*CATALOGUE.rules, Rule(
        name="divide", effect="limit", limit="lambda-concurrency", when="true",
        value="peak_rps / (steps - steps)", explanation="{value}")])
    result = recommend({}, risky)
    assert result.recommendations


def test_bad_answers_raise_answer_error():
    with pytest.raises(AnswerError):
        recommend({"trigger": 1}, CATALOGUE)


def test_compilation_is_cached_per_catalogue():
    assert compile_catalogue(CATALOGUE) is compile_catalogue(CATALOGUE)


def test_the_json_shape_is_the_contract():
    data = recommend({"trigger": "queue", "client_waits": False}, CATALOGUE).to_dict()
    assert set(data) >= {"recommendations", "warnings", "limits", "checklist", "cost", "rules_version"}
    assert set(data["recommendations"][0]) == {"pattern", "score", "reasons"}
    assert set(data["warnings"][0]) >= {"id", "severity", "pattern", "message"}
    assert set(data["limits"][0]) == {"id", "ok", "value", "limit", "unit", "message"}
    # The keys of SPEC 4.3 stay; the arithmetic of each line is added beside them.
    assert set(data["cost"]) == {"monthly_usd", "lines", "alternatives", "region", "free_tier", "notes"}
    assert set(data["cost"]["lines"][0]) == {"service", "usd", "basis", "component", "component_name", "quantity",
                                             "unit", "unit_usd", "price", "assumption"}
    json.dumps(data)


# Property: every valid answer set evaluates, without error and deterministically. -------
def answer_sets():
    strategies = {}
    for question in CATALOGUE.questions:
        if question.type == "bool":
            value = st.booleans()
        elif question.type == "choice":
            value = st.sampled_from([c.value for c in question.choices])
        elif question.type == "text":
            value = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,31}", fullmatch=True), max_size=5).map(",".join)
        elif question.type == "int":
            value = st.integers(int(question.min or 0), int(question.max if question.max is not None else 10**9))
        else:
            value = st.floats(question.min or 0, question.max if question.max is not None else 1e9,
                              allow_nan=False, allow_infinity=False)
        if question.nullable:
            value = st.none() | value
        strategies[question.key] = value

    @st.composite
    def build(draw):
        keys = draw(st.sets(st.sampled_from(sorted(strategies))))
        answers = {key: draw(strategies[key]) for key in keys}
        if "max_duration_s" in answers:
            answers["max_duration_s"] = max(answers["max_duration_s"], answers.get("duration_s", 1))
        return answers

    return build()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_any_valid_answer_set_evaluates_deterministically(answers):
    first = recommend(answers, CATALOGUE).to_dict()
    second = recommend(dict(reversed(list(answers.items()))), CATALOGUE).to_dict()
    assert first == second
    scores = [r["score"] for r in first["recommendations"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    if len(scores) > 1:
        assert first["recommendations"][0]["pattern"] != "chaining"
    assert first["cost"]["monthly_usd"] >= 0
    json.dumps(first, allow_nan=False)


def test_a_nightly_job_with_one_file_does_not_need_thousands_of_executions():
    nightly = {"trigger": "schedule", "client_waits": False, "duration_s": 240, "peak_rps": 10,
               "monthly_invocations": 30}
    (check,) = [c for c in recommend(nightly, CATALOGUE).limits if c.id == "lambda-concurrency"]
    assert check.ok and check.value == 30  # not 10/s × 240 s = 2,400
    sustained = {**nightly, "monthly_invocations": 26_000_000}  # 10/s all month long
    (check,) = [c for c in recommend(sustained, CATALOGUE).limits if c.id == "lambda-concurrency"]
    assert not check.ok and check.value == 2400
