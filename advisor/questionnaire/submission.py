"""Answers as the web sends them (strings in a query string or a form) -> typed answers.

``read_submission`` is the one place that knows how a submission becomes the answers the
engine evaluates:

1. the form turns each string into a typed value; a key that was not sent keeps its default;
2. only questions whose ``when`` holds count: an answer to a hidden question falls back to
   its default, and since a ``when`` may depend on an answer that is itself hidden, this is
   repeated until the set of visible questions no longer changes;
3. the engine validates what is left; every problem is attached to its question, and the
   answers that are fine still produce a recommendation.

What is shared (the query string, the answers file) is the visible answers that differ
from their defaults, so a link stays short and reproduces the same result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Mapping
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.forms import Field

from patterns import plain_data
from patterns.answers import AnswerError
from patterns.engine import Engine

from .forms import answers_form_class, plain_number

MAX_ANSWERS_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Submission:
    answers: dict[str, Any]  # complete and valid: what the recommendation is made from
    changed: dict[str, Any]  # visible answers that differ from their defaults, in question order
    errors: dict[str, str]  # question key -> message, for visible questions only
    visible: frozenset[str]
    sent: Mapping[str, str] = field(default_factory=dict)  # the strings as submitted, for re-display

    @property
    def ok(self) -> bool:
        return not self.errors

    @cached_property
    def query(self) -> str:
        # Kept once made: a live update reads it for half a dozen links and cache keys.
        return urlencode({key: to_text(value) for key, value in self.changed.items()})


def to_text(value: Any) -> str:
    """An answer as it is written in a form field or a query string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return plain_number(value)
    return str(value)


def read_submission(engine: Engine, data: Mapping[str, str]) -> Submission:
    # The form's fields convert each string; a fresh form instance would deep-copy every
    # field on each keystroke, and cleaning needs none of its state.
    fields = answers_form_class(engine.questions).base_fields
    typed: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in engine.questions:
        if question.key not in data:
            continue
        value, problem = _cleaned(fields[question.key], data.get(question.key))
        if problem is not None:
            problems[question.key] = problem
            continue
        if value in (None, "") and question.default_from:
            continue  # left empty: it follows the answer it defaults from
        if value in (None, "") and question.type != "text" and not question.nullable:
            problems[question.key] = "Enter a value."
        else:
            typed[question.key] = value

    given = dict(typed)
    for _ in range(len(engine.questions) + 1):
        answers, invalid = _validate_what_can_be(engine, given)
        visible = frozenset(q.key for q in engine.visible_questions(answers))
        kept = {key: value for key, value in typed.items() if key in visible}
        if kept == given:
            break
        given = kept
    problems.update(invalid)
    for question in engine.questions:
        # Compared with an answer that is itself wrong, the comparison would quote the
        # default put in its place rather than what was typed: point at that answer instead.
        if question.at_least in problems and question.key in invalid:
            earlier = engine.catalogue.question_map[question.at_least].label
            problems[question.key] = f"Must be at least “{earlier}”; fix that answer first."
    errors = {key: _sentence(message) for key, message in problems.items() if key in visible}
    sent = {key: data[key] for key in errors if key in data}
    return Submission(answers, non_default(engine, answers, visible), errors, visible, sent)


def _cleaned(field: Field, text: Any) -> tuple[Any, str | None]:
    """A submitted string as its field's typed value, or the field's message about it."""
    if isinstance(text, str) and len(text) <= _CLEANED_TEXT_LENGTH:
        return _cleaned_once(field, text)
    return _clean(field, text)


# A live update posts every answer on the page with each one typed, and cleaning them took
# half the time of reading a submission: a field cleans the same short text once. (A field's
# cleaning reads nothing but the text; longer texts, free text, are cleaned every time.)
_CLEANED_TEXT_LENGTH = 40


@lru_cache(maxsize=4096)
def _cleaned_once(field: Field, text: str) -> tuple[Any, str | None]:
    return _clean(field, text)


def _clean(field: Field, text: Any) -> tuple[Any, str | None]:
    try:
        return field.clean(text), None
    except ValidationError as exc:
        return None, exc.messages[0]


def read_answers_file(engine: Engine, content: bytes) -> dict[str, Any]:
    """The typed answers of an uploaded JSON file; raise AnswerError saying what is wrong."""
    if len(content) > MAX_ANSWERS_FILE_BYTES:
        raise AnswerError({"": f"The file is larger than {MAX_ANSWERS_FILE_BYTES // 1024} KB; an answers file is a few hundred bytes."})
    try:
        raw = plain_data.loads(content)
    except plain_data.PlainDataError as exc:
        raise AnswerError({"": f"The file {exc}."}) from None
    engine.validate(raw)  # raises AnswerError naming each bad key
    return raw


def answers_file(engine: Engine, answers: Mapping[str, Any]) -> bytes:
    """The answers as the JSON file ``manage.py recommend`` reads: every key, in question order."""
    ordered = {question.key: answers[question.key] for question in engine.questions if question.key in answers}
    return (json.dumps(ordered, indent=2) + "\n").encode()


def query_for(engine: Engine, raw: Mapping[str, Any]) -> str:
    """The shareable query string for typed answers (e.g. an uploaded file)."""
    return read_submission(engine, {key: to_text(value) for key, value in raw.items()}).query


def non_default(engine: Engine, answers: Mapping[str, Any], visible: frozenset[str]) -> dict[str, Any]:
    defaults = _defaults(engine)
    changed = {}
    for question in engine.questions:
        if question.key not in visible or question.key not in answers:
            continue
        default = answers.get(question.default_from) if question.default_from else defaults.get(question.key)
        if answers[question.key] != default:
            changed[question.key] = answers[question.key]
    return changed


@lru_cache(maxsize=8)
def _defaults_for(engine: Engine) -> tuple[tuple[str, Any], ...]:
    return tuple(engine.validate({}).items())


def _defaults(engine: Engine) -> dict[str, Any]:
    return dict(_defaults_for(engine))


def _validate_what_can_be(engine: Engine, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Complete answers from the valid part of ``raw``, and the problems with the rest."""
    remaining = dict(raw)
    problems: dict[str, str] = {}
    while True:
        try:
            return engine.validate(remaining), problems
        except AnswerError as exc:
            bad = {key: message for key, message in exc.errors.items() if key in remaining}
            if not bad:  # nothing left to drop: fall back to the defaults
                return engine.validate({}), {**problems, **exc.errors}
            problems.update(bad)
            for key in bad:
                remaining.pop(key)


def _sentence(message: str) -> str:
    message = str(message).strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."
