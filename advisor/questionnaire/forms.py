"""A Django form built from the questionnaire's Question rows.

The form only turns the submitted strings into typed values (a radio into ``True``, a
number field into a float). Ranges and cross-answer rules are checked by the engine, so
the web page, the API and ``manage.py recommend`` give the same message for the same
mistake.
"""

from __future__ import annotations

from functools import lru_cache

from django import forms

from patterns.answers import MAX_TEXT_LENGTH
from patterns.catalogue import Question

# Up to this many choices are shown as radio buttons; more become a drop-down.
MAX_RADIO_CHOICES = 6
BOOL_CHOICES = (("true", "Yes"), ("false", "No"))


def _to_bool(value: str) -> bool:
    return value == "true"


def plain_number(value: float | int) -> str:
    """1200.0 -> "1200", 0.5 -> "0.5": how numbers appear in inputs and URLs."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_for(question: Question) -> forms.Field:
    # Every field is optional: a key that is not sent takes its default (SPEC 3.1). The
    # reader decides what an empty value means for each question.
    common = {"label": question.label, "help_text": question.help, "required": False}
    if question.type == "bool":
        return forms.TypedChoiceField(
            choices=BOOL_CHOICES, coerce=_to_bool, empty_value=None, widget=forms.RadioSelect, **common
        )
    if question.type == "choice":
        choices = [(choice.value, choice.label) for choice in question.choices]
        widget = forms.RadioSelect if len(choices) <= MAX_RADIO_CHOICES else forms.Select
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if question.type in ("int", "number"):
        whole = question.type == "int"
        attrs = {"step": "1" if whole else "any", "inputmode": "numeric" if whole else "decimal"}
        if question.min is not None:
            attrs["min"] = plain_number(question.min)
        if question.max is not None:
            attrs["max"] = plain_number(question.max)
        field_class = forms.IntegerField if whole else forms.FloatField
        return field_class(widget=forms.NumberInput(attrs=attrs), **common)
    return forms.CharField(max_length=MAX_TEXT_LENGTH, strip=True, **common)


@lru_cache(maxsize=8)
def answers_form_class(questions: tuple[Question, ...]) -> type[forms.Form]:
    """One form class per set of questions; rebuilt only when staff edit the questions."""
    fields = {question.key: field_for(question) for question in questions}
    return type("AnswersForm", (forms.Form,), fields)


def is_radio_group(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.RadioSelect)
