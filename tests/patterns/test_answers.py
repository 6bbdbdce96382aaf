"""Answer validation: every bad answer names its key; good answers are completed."""

import json

import pytest

from patterns.answers import AnswerError, validate_answers
from patterns.catalogue import load_files

QUESTIONS = load_files().questions


def test_it_fills_every_default():
    answers = validate_answers({}, QUESTIONS)
    assert answers["trigger"] == "http"
    assert answers["client_waits"] is True
    assert answers["latency_ms"] == 1000
    assert answers["downstream_max_rps"] is None
    assert answers["max_duration_s"] == answers["duration_s"] == 1
    assert set(answers) == {q.key for q in QUESTIONS}


def test_max_duration_defaults_to_the_given_duration():
    assert validate_answers({"duration_s": 42}, QUESTIONS)["max_duration_s"] == 42


def test_consumer_names_without_a_count_count_the_consumers():
    answers = validate_answers({"trigger": "event", "consumer_names": "billing,shipping,analytics"}, QUESTIONS)
    assert answers["consumers"] == 3
    # A count given stays as given.
    assert validate_answers({"consumers": 4, "consumer_names": "billing,shipping"}, QUESTIONS)["consumers"] == 4


def test_the_advice_counts_the_consumers_the_names_give():
    from patterns.engine import compile_catalogue
    recommendation = compile_catalogue(load_files()).recommend(
        {"trigger": "event", "client_waits": False, "consumer_names": "billing,shipping,analytics"})
    assert "consumers=1" not in json.dumps(recommendation.to_dict())
    assert {"sns-fanout", "eventbridge"} & set(recommendation.selected)


@pytest.mark.parametrize("raw, key, message", [
    ({"trigger": "cron"}, "trigger", "must be one of http, queue"),
    ({"client_waits": "yes"}, "client_waits", "must be true or false"),
    ({"client_waits": 1}, "client_waits", "must be true or false"),
    ({"latency_ms": 0}, "latency_ms", "between 1 and 3,600,000"),
    ({"latency_ms": 1.5}, "latency_ms", "whole number"),
    ({"latency_ms": "100"}, "latency_ms", "whole number"),
    ({"duration_s": True}, "duration_s", "must be a number"),
    ({"duration_s": 10, "max_duration_s": 5}, "max_duration_s", "at least “Typical processing time of one unit of work”"),
    ({"consumers": 1001}, "consumers", "between 1 and 1,000"),
    ({"payload_kb": -1}, "payload_kb", "between 0 and 10,240"),
    ({"peak_rps": float("nan")}, "peak_rps", ""),
    ({"downstream_max_rps": float("inf")}, "downstream_max_rps", ""),
    ({"data_store": None}, "data_store", "must be one of"),
    ({"tirgger": "http"}, "tirgger", "unknown answer key"),
])
def test_it_names_the_key_at_fault(raw, key, message):
    with pytest.raises(AnswerError) as error:
        validate_answers(raw, QUESTIONS)
    assert key in error.value.errors
    assert message in error.value.errors[key]
    assert key in str(error.value)


def test_it_reports_every_problem_at_once():
    with pytest.raises(AnswerError) as error:
        validate_answers({"trigger": "cron", "steps": 0, "extra": 1}, QUESTIONS)
    assert set(error.value.errors) == {"trigger", "steps", "extra"}


@pytest.mark.parametrize("raw, kind", [([], "a list"), ("http", "a string"), (None, "null"), (3, "a number")])
def test_it_refuses_anything_but_an_object(raw, kind):
    with pytest.raises(AnswerError, match=f"must be a JSON object.*not {kind}"):
        validate_answers(raw, QUESTIONS)


def test_nullable_answers_accept_null():
    assert validate_answers({"downstream_max_rps": None}, QUESTIONS)["downstream_max_rps"] is None
    assert validate_answers({"downstream_max_rps": 5}, QUESTIONS)["downstream_max_rps"] == 5
