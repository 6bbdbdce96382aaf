"""The worked examples offered to users, and the pieces that shape the panel."""

import pytest

from advisor.questionnaire.examples import EXAMPLES
from advisor.questionnaire.panel import explain
from patterns.catalogue import Question
from patterns.engine import Explanation, ShownAnswer
from patterns.wording import Words
from patterns.formatting import number as format_number
from patterns.formatting import usd as format_usd
from advisor.questionnaire.submission import read_submission


@pytest.mark.django_db
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.slug)
def test_every_example_is_valid_and_its_link_carries_its_answers(client, engine, example):
    response = client.get(example.url)
    assert response.status_code == 200
    submission = response.context["submission"]
    assert submission.ok
    assert submission.answers == engine.validate(example.answers)


@pytest.mark.django_db
@pytest.mark.parametrize("slug, first, warning", [
    ("order-api", "sqs-worker", "poison-message"),
    ("image-thumbnails", "s3-processing", "recursive-trigger"),
    ("checkout-saga", "step-functions", None),
    ("order-events", "eventbridge", "subscriber-failure"),
    ("postgres-api", None, "connection-exhaustion"),
    ("nightly-export", None, "lambda-max-duration"),
])
def test_each_example_leads_where_its_description_says(engine, slug, first, warning):
    example = next(e for e in EXAMPLES if e.slug == slug)
    result = engine.recommend(example.answers)
    if first:
        assert result.patterns[0] == first
    if warning:
        assert warning in {w.id for w in result.warnings}


@pytest.mark.django_db
def test_reading_a_submission_twice_gives_the_same_query(engine):
    first = read_submission(engine, {"trigger": "queue", "duration_s": "30.0", "max_duration_s": "30"})
    assert first.query == "trigger=queue&duration_s=30"
    assert read_submission(engine, dict(pair.split("=") for pair in first.query.split("&"))).query == first.query


@pytest.mark.django_db
def test_an_empty_worst_case_follows_the_typical_time(engine):
    submission = read_submission(engine, {"duration_s": "60", "max_duration_s": ""})
    assert submission.ok
    assert submission.answers["max_duration_s"] == 60
    assert submission.query == "duration_s=60"


def test_each_answer_a_reason_read_is_labelled_with_its_question():
    explanation = Explanation("The queue retries.", (ShownAnswer("unreliable_downstream", "true"),
                                                     ShownAnswer("peak_rps", "1,000")), "Add a DLQ (and alarm).")
    peak = Question("peak_rps", "Peak units of work per second", "number", unit="per second")
    explained = explain(explanation, Words(questions={"peak_rps": peak}))
    assert explained.text == "The queue retries."
    assert [(a.key, a.value) for a in explained.answers] == [("unreliable_downstream", "true"),
                                                             ("peak_rps", "1,000 per second")]
    assert explained.answers[1].text == "Peak units of work per second: 1,000 per second"
    assert explained.answers[0].label == "unreliable_downstream"  # no question: the key stands in
    assert explained.advice == "Add a DLQ (and alarm)."
    # The one-line form the JSON carries keeps all three parts.
    assert explanation.text == "The queue retries. (unreliable_downstream=true, peak_rps=1,000) Add a DLQ (and alarm)."


def test_a_sentence_with_brackets_is_not_mistaken_for_answers():
    """Parentheses in a rule's own sentence stay in the sentence."""
    explained = explain(Explanation("Nothing to split (really=yes)."), Words())
    assert explained.text == "Nothing to split (really=yes)."
    assert explained.answers == ()


def test_a_stored_explanation_is_read_back_into_its_parts():
    """A saved revision keeps each explanation as one line; pages show it in parts again."""
    waits = Question("client_waits", "Does the caller wait for the result?", "bool")
    text = Explanation("The queue retries.", (ShownAnswer("client_waits", "false"),), "Add a DLQ.").text
    explained = explain(Explanation.stored(text), Words(questions={"client_waits": waits}))
    assert (explained.text, explained.advice) == ("The queue retries.", "Add a DLQ.")
    assert [answer.text for answer in explained.answers] == ["Does the caller wait for the result? No"]


def test_numbers_and_money_read_well():
    assert format_number(1200.0) == "1,200"
    assert format_number(0.125) == "0.125"
    assert format_usd(8078.061) == "$8,078.06"
    assert format_usd(0.004) == "< $0.01"
    assert format_usd(0) == "$0.00"
