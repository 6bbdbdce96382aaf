"""Input for the save and revise pages.

The answers come in as the questionnaire sends them: a JSON object in an ``answers``
field, or one query-string parameter per question. Either way the rules engine has the
last word, so the messages are the ones the API and the questionnaire show.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from advisor.questionnaire.submission import read_submission
from advisor.teams.actions import ActionError
from advisor.teams.models import Team
from patterns import plain_data
from patterns.answers import AnswerError
from patterns.engine import Engine
from patterns.wording import Words, labelled, words_for

from .evaluation import Evaluated, evaluate
from .models import DESCRIPTION_MAX, NAME_MAX

MAX_ANSWERS_JSON = 64 * 1024


def parse_answers_json(text: str) -> Any:
    if len(text) > MAX_ANSWERS_JSON:
        raise AnswerError({"": "the answers are too long to be real answers"})
    try:
        return plain_data.loads(text)
    except plain_data.PlainDataError as exc:
        raise AnswerError({"": f"the answers field {exc}"}) from None


def answers_from_params(params: QueryDict, engine: Engine) -> Any:
    """The raw answers in a request: the ``answers`` JSON field if present, otherwise the
    questionnaire's query-string parameters, read the way the questionnaire reads them
    (other parameters, such as ``team``, are ignored)."""
    if "answers" in params:
        return parse_answers_json(params["answers"])
    submission = read_submission(engine, params)
    if submission.errors:
        raise AnswerError(submission.errors)
    return submission.answers


def answer_problems(error: AnswerError, words: Words | None = None) -> list[str]:
    """Each problem, named by its question."""
    words = words or Words()
    return [labelled(words.question(key), message) if key else message for key, message in error.errors.items()]


class ArchitectureForm(forms.Form):
    """Name, description, and the recommended or a hand-picked set of patterns."""

    RECOMMENDED, OWN = "recommended", "own"
    answers_field: str | None = None  # where answer problems are shown

    name = forms.CharField(max_length=NAME_MAX)
    description = forms.CharField(max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(
        choices=[(RECOMMENDED, "Use the patterns the advisor proposes"), (OWN, "Choose the patterns myself")],
        initial=RECOMMENDED, widget=forms.RadioSelect,
    )
    patterns = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, engine: Engine, answers: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        self.engine = engine
        self.answers = answers
        self.evaluated: Evaluated | None = None
        ordered = sorted(engine.catalogue.patterns, key=lambda p: p.order)
        self.fields["patterns"].choices = [(p.slug, p.name) for p in ordered]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the architecture a name.")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        own = cleaned.get("choice") == self.OWN
        try:
            self.evaluated = evaluate(self.engine, self.answers, cleaned.get("patterns") if own else None)
        except AnswerError as exc:
            self.add_error(self.answers_field, answer_problems(exc, words_for(self.engine.catalogue)))
        except ActionError as exc:
            self.add_error("patterns", exc.message)
        return cleaned


class SaveForm(ArchitectureForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None,
                                  help_text="Everyone in the team can read it; editors and owners can change it.")
    field_order = ["team", "name", "description", "choice", "patterns"]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class ReviseForm(ArchitectureForm):
    """Saving edited answers as a new revision of an architecture."""

    note = forms.CharField(max_length=200, required=False, label="What changed (optional)",
                           help_text="Shown in the history beside the revision.")
    field_order = ["note", "name", "description", "choice", "patterns"]


class ShareForm(forms.Form):
    """How long a new share link works."""

    NEVER = ""
    expires = forms.TypedChoiceField(
        label="The link stops working", required=False, coerce=int, empty_value=None,
        choices=[("1", "after a day"), ("7", "after a week"), ("30", "after 30 days"), ("90", "after 90 days"),
                 (NEVER, "when revoked")], initial="30")
