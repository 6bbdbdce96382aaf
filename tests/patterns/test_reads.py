"""Results kept under the answers they read: the memo itself, and the cost the engine keeps
that way (it must be the cost computed afresh, whatever answer changes)."""

from __future__ import annotations

import dataclasses

import pytest

from patterns.answers import AnswerError
from patterns.catalogue import load_files
from patterns.engine import Engine
from patterns.reads import ReadMemo


class Counted:
    """A step reading ``size`` and, only for big sizes, ``rate``; counts its runs."""

    def __init__(self):
        self.runs = 0

    def __call__(self, answers):
        self.runs += 1
        if answers["size"] > 10:
            return ("big", answers["size"] * answers.get("rate", 1))
        return ("small", answers["size"])


def test_a_change_to_an_answer_the_step_did_not_read_reuses_its_result():
    memo, step = ReadMemo(), Counted()
    first = memo.get("ctx", {"size": 3, "rate": 2, "colour": "red"}, step)
    again = memo.get("ctx", {"size": 3, "rate": 9, "colour": "blue"}, step)
    assert first == again == ("small", 3) and step.runs == 1


def test_a_change_to_an_answer_the_step_read_runs_it_again():
    memo, step = ReadMemo(), Counted()
    assert memo.get("ctx", {"size": 3}, step) == ("small", 3)
    assert memo.get("ctx", {"size": 4}, step) == ("small", 4)
    assert step.runs == 2


def test_each_branch_is_kept_under_the_answers_it_read():
    memo, step = ReadMemo(), Counted()
    assert memo.get("ctx", {"size": 20, "rate": 2}, step) == ("big", 40)
    assert memo.get("ctx", {"size": 20, "rate": 3}, step) == ("big", 60)  # rate is read on this branch
    assert memo.get("ctx", {"size": 3, "rate": 3}, step) == ("small", 3)
    assert memo.get("ctx", {"size": 20, "rate": 2, "colour": "x"}, step) == ("big", 40)
    assert memo.get("ctx", {"size": 3, "rate": 7}, step) == ("small", 3)
    assert step.runs == 3


def test_an_answer_missing_is_not_the_same_as_an_answer_given():
    memo, step = ReadMemo(), Counted()
    assert memo.get("ctx", {"size": 20}, step) == ("big", 20)
    assert memo.get("ctx", {"size": 20, "rate": 1}, step) == ("big", 20)
    assert step.runs == 2


def test_equal_values_of_another_type_are_other_answers():
    memo = ReadMemo()
    step = lambda answers: repr(answers["n"])  # noqa: E731
    assert [memo.get("ctx", {"n": value}, step) for value in (1, 1.0, True)] == ["1", "1.0", "True"]


def test_the_context_separates_results():
    memo, step = ReadMemo(), Counted()
    memo.get("a", {"size": 3}, step)
    memo.get("b", {"size": 3}, step)
    assert step.runs == 2


def test_a_step_that_reads_every_answer_is_not_kept():
    memo = ReadMemo()
    runs = []
    step = lambda answers: runs.append(1) or sorted(answers)  # noqa: E731
    assert memo.get("ctx", {"a": 1}, step) == ["a"]
    assert memo.get("ctx", {"a": 1}, step) == ["a"]
    assert len(runs) == 2 and len(memo) == 0


def test_unhashable_answers_just_run_the_step():
    memo = ReadMemo()
    step = lambda answers: len(answers["items"])  # noqa: E731
    assert memo.get("ctx", {"items": [1, 2]}, step) == 2
    assert memo.get("ctx", {"items": [1, 2, 3]}, step) == 3
    assert len(memo) == 0


def test_it_keeps_at_most_its_size_dropping_the_least_recently_used():
    memo, step = ReadMemo(size=2), Counted()
    memo.get("ctx", {"size": 1}, step)
    memo.get("ctx", {"size": 2}, step)
    memo.get("ctx", {"size": 1}, step)  # used again: size 2 is now the oldest
    memo.get("ctx", {"size": 3}, step)
    assert len(memo) == 2 and step.runs == 3
    memo.get("ctx", {"size": 1}, step)
    assert step.runs == 3
    memo.get("ctx", {"size": 2}, step)
    assert step.runs == 4


def test_copies_share_it_and_a_pickled_one_arrives_empty():
    import copy
    import pickle

    memo = ReadMemo(size=5)
    memo.get("ctx", {"size": 3}, Counted())
    assert copy.copy(memo) is memo and copy.deepcopy(memo) is memo
    again = pickle.loads(pickle.dumps(memo))
    assert len(again) == 0 and again.size == 5


# The engine's costs ----------------------------------------------------------------------
BASES = (
    {},
    {"trigger": "http", "client_waits": False, "unreliable_downstream": True},
    {"trigger": "http", "client_waits": False, "unreliable_downstream": True, "peak_rps": 2500},
    {"trigger": "queue", "client_waits": False, "data_store": "relational"},
    {"trigger": "event", "consumers": 3, "consumer_names": "billing, audit, mail"},
    {"trigger": "file_upload", "client_waits": False, "steps": 3, "long_waits": True},
    {"trigger": "data_change", "client_waits": False, "data_store": "dynamodb"},
)


def variants(engine: Engine, answers: dict):
    """The answers with each question changed in turn, to a few values of its type."""
    for question in engine.questions:
        if question.type == "choice":
            values = [choice.value for choice in question.choices]
        elif question.type == "bool":
            values = [True, False]
        elif question.type == "text":
            values = ["one, two", ""]
        elif question.type == "int":
            values = [1, 2, 7, 60, 1500]
        else:
            values = [0.5, 2, 30, 900, 4000.5]
        for value in values:
            yield {**answers, question.key: value}


@pytest.mark.parametrize("base", BASES)
def test_the_kept_cost_is_the_cost_computed_afresh_whatever_answer_changes(base):
    engine = Engine(load_files())  # a memo of its own
    reused = 0
    for answers in variants(engine, base):
        try:
            recommendation = engine.recommend(answers)
        except AnswerError:  # a value out of range for its question
            continue
        kept = len(engine.costs)
        afresh = dataclasses.replace(recommendation, costs=None)
        assert recommendation.cost == afresh.cost, answers
        assert (recommendation.proposal is None) == (afresh.proposal is None)
        reused += len(engine.costs) == kept
    assert reused  # some changes left the cost's answers alone, and the memo served them


def test_a_change_to_an_answer_the_cost_reads_changes_the_cost():
    engine = Engine(load_files())
    base = {"trigger": "http", "client_waits": False, "unreliable_downstream": True}
    first = engine.recommend(base).cost
    more = engine.recommend({**base, "monthly_invocations": 9_000_000}).cost
    assert more.monthly_usd > first.monthly_usd
    assert engine.recommend(base).cost is first
