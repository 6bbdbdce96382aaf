"""Reading a submission cleans each short text once per field (a live update posts every
answer with each one typed): what it reads must be what the field makes of the text, every
time, whatever was read before."""

import pytest
from django.core.exceptions import ValidationError

from advisor.questionnaire.forms import field_for
from advisor.questionnaire.submission import _CLEANED_TEXT_LENGTH, _cleaned, read_submission

TEXTS = ["1", "2.5", "-3", "0", "abc", "", "true", "false", "http", "queue", "dynamodb", " 7 ", "1e3",
         "9" * (_CLEANED_TEXT_LENGTH + 5), "x" * (_CLEANED_TEXT_LENGTH + 1)]


def afresh(question, text):
    try:
        return field_for(question).clean(text), None
    except ValidationError as exc:
        return None, exc.messages[0]


@pytest.mark.django_db
def test_each_text_reads_as_a_new_field_cleans_it_each_time(engine):
    from advisor.questionnaire.forms import answers_form_class

    fields = answers_form_class(engine.questions).base_fields
    for _ in range(2):  # the second round is served from what the first kept
        for question in engine.questions:
            for text in TEXTS:
                read = _cleaned(fields[question.key], text)
                expected = afresh(question, text)
                assert read == expected and type(read[0]) is type(expected[0]), (question.key, text)


@pytest.mark.django_db
def test_a_wrong_answer_is_wrong_again_after_a_right_one(engine):
    wrong, right = {"peak_rps": "abc"}, {"peak_rps": "12"}
    first = read_submission(engine, wrong)
    assert read_submission(engine, right).ok
    again = read_submission(engine, wrong)
    assert not first.ok and again.errors == first.errors and again.sent == {"peak_rps": "abc"}
    assert read_submission(engine, right).answers["peak_rps"] == 12
