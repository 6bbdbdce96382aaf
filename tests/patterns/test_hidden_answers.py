"""A question whose condition does not hold gives its answer while hidden, whatever was answered:
only a request has a caller who waits for the result."""

import dataclasses

import pytest

from patterns.catalogue import load_files
from patterns.engine import check_catalogue, recommend

CATALOGUE = load_files()
NOT_REQUESTS = ["queue", "event", "file_upload", "data_change", "schedule"]


def with_question(key, **changes):
    questions = tuple(dataclasses.replace(q, **changes) if q.key == key else q for q in CATALOGUE.questions)
    return dataclasses.replace(CATALOGUE, questions=questions)


@pytest.mark.parametrize("trigger", NOT_REQUESTS)
def test_work_that_is_not_a_request_has_nobody_waiting(trigger):
    result = recommend({"trigger": trigger, "client_waits": True}, CATALOGUE)
    assert result.answers["client_waits"] is False
    limits = {check.id for check in result.limits}
    # A synchronous payload or a burst of waiting callers is no limit of work nobody waits on.
    assert "sync-payload" not in limits and "lambda-scaling-rate" not in limits
    assert "client_waits=true" not in " ".join(str(w.explanation) for w in result.warnings)


def test_a_request_keeps_its_answer():
    waiting = recommend({"trigger": "http", "client_waits": True}, CATALOGUE)
    assert waiting.answers["client_waits"] is True
    assert "sync-payload" in {check.id for check in waiting.limits}
    assert recommend({"trigger": "http", "client_waits": False}, CATALOGUE).answers["client_waits"] is False


def test_an_event_too_large_for_an_asynchronous_invocation_is_flagged():
    # Measured against the 6 MB of a synchronous call, a 2 MB event passed unremarked.
    result = recommend({"trigger": "event", "payload_kb": 2048}, CATALOGUE)
    assert "payload-limit" in {w.id for w in result.warnings}
    assert not next(check for check in result.limits if check.id == "async-payload").ok


def test_an_answer_while_hidden_needs_a_condition():
    problems = check_catalogue(with_question("client_waits", when=""))
    assert "question 'client_waits': an answer while hidden needs a condition that hides the question" in problems


def test_an_answer_while_hidden_must_be_a_valid_answer():
    problems = check_catalogue(with_question("client_waits", when_hidden="no"))
    assert any(p.startswith("question 'client_waits': the answer while hidden") for p in problems), problems
