"""The questionnaire form laid out for the page: sections of question rows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.forms import BoundField
from django.utils.text import slugify

from patterns.catalogue import Question
from patterns.engine import Engine

from .forms import answers_form_class, is_radio_group
from .submission import Submission, to_text


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    visible: bool
    field: BoundField | None = None  # bound only for rows that are rendered
    error: str = ""
    changed: bool = False

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def radio(self) -> bool:
        return self.field is not None and is_radio_group(self.field.field)

    @property
    def compact(self) -> bool:
        """Short options (yes/no) sit side by side; longer ones are stacked as cards."""
        return self.question.type == "bool"


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    anchor: str
    rows: tuple[QuestionRow, ...]

    @property
    def visible_count(self) -> int:
        return sum(1 for row in self.rows if row.visible)

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.rows if row.changed)

    @property
    def progress(self) -> str:
        """"4 questions · 2 changed": under the section's name in the steps, after each answer."""
        shown = self.visible_count
        changed = self.changed_count
        text = f"{shown} question{'' if shown == 1 else 's'}"
        return f"{text} · {changed} changed" if changed else text


def question_rows(engine: Engine, submission: Submission, bind: set[str] | None = None) -> dict[str, QuestionRow]:
    """A row per question; visible ones (all, or those in ``bind``) get a field bound to
    what the user sees: their own text where it is wrong, the value used otherwise."""
    shown = [q for q in engine.questions if q.key in submission.visible and (bind is None or q.key in bind)]
    data = {question.key: _shown_value(question, submission) for question in shown}
    form = answers_form_class(engine.questions)(data) if shown else None
    labels = {question.key: question.label for question in engine.questions}
    rows = {}
    for question in engine.questions:
        error = submission.errors.get(question.key, "")
        changed = question.key in submission.changed
        if form is None or question.key not in form.data:
            rows[question.key] = QuestionRow(question, question.key in submission.visible, None, error, changed)
            continue
        widget = form.fields[question.key].widget
        if error:
            widget.attrs["aria-invalid"] = "true"
        if question.default_from and question.default_from in labels:
            widget.attrs["placeholder"] = f"Same as {labels[question.default_from][:1].lower()}{labels[question.default_from][1:]}"
        if not is_radio_group(form.fields[question.key]):
            described = ([f"help-{question.key}"] if question.help else []) + [f"error-{question.key}"]
            widget.attrs["aria-describedby"] = " ".join(described)
        rows[question.key] = QuestionRow(question, True, form[question.key], error, changed)
    return rows


def _shown_value(question: Question, submission: Submission) -> str:
    if question.key in submission.sent:  # what the user typed, next to its error
        return submission.sent[question.key]
    if question.default_from and question.key not in submission.changed:
        return ""  # follows the other answer, as the placeholder says
    return to_text(submission.answers.get(question.key))


def sections(engine: Engine, rows: dict[str, QuestionRow]) -> list[Section]:
    grouped: dict[str, list[QuestionRow]] = {}
    for question in engine.questions:
        grouped.setdefault(question.section or "Questions", []).append(rows[question.key])
    return [
        Section(number, title, _anchor(title, number), tuple(section_rows))
        for number, (title, section_rows) in enumerate(grouped.items(), 1)
    ]


@lru_cache(maxsize=64)  # the same few titles on every live update; slugify is slow
def _anchor(title: str, number: int) -> str:
    return f"section-{slugify(title) or number}"
