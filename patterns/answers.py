"""Validation of an answer set against the questionnaire's questions.

The schema is built from the question rows (so questions staff add in the admin are
validated too) as a pydantic model in strict mode: ``"5"`` is not a number and ``1`` is
not ``true``. Every problem names the key at fault.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Literal, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError, create_model

from architecture.names import parse_consumer_names

from .catalogue import Question

MAX_TEXT_LENGTH = 500
# The largest bound a number question may have: the largest whole number a JSON number
# (and the database's float column) holds exactly.
MAX_BOUND = 2**53 - 1
# Text answers that become names in a generated project, and the parser that checks each.
TEXT_FORMATS = {"consumer_names": parse_consumer_names}


class AnswerError(ValueError):
    """Bad answers. ``errors`` maps each key at fault to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" if key else message for key, message in errors.items()))


class AnswerValidator:
    """Validates answer sets against one set of questions (build once, use many times)."""

    def __init__(self, questions: tuple[Question, ...]):
        self.questions = tuple(questions)
        self.by_key = {q.key: q for q in self.questions}
        self.model = _model_for(self.questions)
        self.derived = [q for q in self.questions if q.default_from]
        self.bounded_below = [q for q in self.questions if q.at_least]

    def __call__(self, raw: Any) -> dict[str, Any]:
        """Return a complete answer set (defaults filled in) or raise AnswerError."""
        if not isinstance(raw, Mapping):
            kind = {list: "a list", str: "a string", type(None): "null", bool: "a boolean"}.get(type(raw), type(raw).__name__)
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                kind = "a number"
            raise AnswerError({"": f"answers must be a JSON object of key: value pairs, not {kind}"})
        by_key = self.by_key
        errors: dict[str, str] = {str(key): "unknown answer key" for key in raw if key not in by_key}
        try:
            validated = self.model.model_validate({k: v for k, v in raw.items() if k in by_key}).model_dump()
        except ValidationError as exc:
            for error in exc.errors():
                key = ".".join(str(part) for part in error["loc"]) or ""
                errors.setdefault(key, _message(error, by_key.get(key)))
        if errors:
            raise AnswerError(errors)

        for question in self.derived:
            if question.key not in raw:
                validated[question.key] = validated.get(question.default_from)
        problems: dict[str, str] = {}
        for question in self.bounded_below:
            value = validated.get(question.key)
            other = validated.get(question.at_least)
            if value is not None and other is not None and value < other:
                label = by_key[question.at_least].label if question.at_least in by_key else question.at_least
                problems[question.key] = f"must be at least “{label}” ({_fmt(other)}), got {_fmt(value)}"
        for key, parse in TEXT_FORMATS.items():
            if key in by_key and validated.get(key):
                try:
                    parse(validated[key])
                except ValueError as exc:
                    problems[key] = str(exc)
        if problems:
            raise AnswerError(problems)
        # Names given without a count: there are as many consumers as names, so the advice and
        # the generated project count the same consumers.
        if "consumer_names" in raw and "consumers" not in raw and "consumers" in by_key and validated.get("consumer_names"):
            validated["consumers"] = len(parse_consumer_names(validated["consumer_names"]))
        return validated


def validate_answers(raw: Any, questions: tuple[Question, ...]) -> dict[str, Any]:
    """Return a complete answer set (defaults filled in) or raise AnswerError."""
    return _validator_for(tuple(questions))(raw)


@lru_cache(maxsize=16)
def _validator_for(questions: tuple[Question, ...]) -> AnswerValidator:
    return AnswerValidator(questions)


@lru_cache(maxsize=16)
def _model_for(questions: tuple[Question, ...]) -> type[BaseModel]:
    definitions = {}
    for question in questions:
        annotation, constraints = _field_type(question)
        if question.nullable:
            annotation = Optional[annotation]
        default = question.default
        if question.default_from and default is None:
            # Filled from the other answer after validation.
            annotation = Optional[annotation]
        # The default is validated like an answer: a default outside the question's own
        # choices or range is refused rather than handed to the rules.
        definitions[question.key] = (annotation, Field(default=default, validate_default=True, **constraints))
    return create_model(
        "Answers",
        __config__=ConfigDict(extra="forbid", strict=True),
        **definitions,
    )


def bound_problems(question: Question) -> list[str]:
    """Why the question's min and max cannot bound its answers (empty when they can)."""
    problems = []
    for name in ("min", "max"):
        value = getattr(question, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or abs(value) > MAX_BOUND:
            problems.append(f"{name} must be a number between {-MAX_BOUND:,} and {MAX_BOUND:,}, not {value!r}")
        elif question.type == "int" and value != int(value):
            problems.append(f"{name} of a whole-number question must be a whole number, not {value!r}")
    if not problems and question.min is not None and question.max is not None and question.min > question.max:
        problems.append("min is above max")
    return problems


def _field_type(question: Question) -> tuple[Any, dict[str, Any]]:
    problems = bound_problems(question)
    if problems:
        raise ValueError(f"question {question.key}: {'; '.join(problems)}")
    bounds = {}
    if question.min is not None:
        bounds["ge"] = question.min
    if question.max is not None:
        bounds["le"] = question.max
    if question.type == "bool":
        return StrictBool, {}
    if question.type == "int":
        return StrictInt, {name: int(bound) for name, bound in bounds.items()}
    if question.type == "number":
        # Strict floats still accept JSON integers; booleans and strings are refused.
        return float, {**bounds, "allow_inf_nan": False}
    if question.type == "choice":
        return Literal[tuple(choice.value for choice in question.choices)], {}
    if question.type == "text":
        return StrictStr, {"max_length": MAX_TEXT_LENGTH}
    raise ValueError(f"question {question.key} has unknown type {question.type}")


def _message(error: dict[str, Any], question: Question | None) -> str:
    kind = error["type"]
    value = error.get("input")
    if question is None:
        return error["msg"]
    if kind == "literal_error":
        allowed = ", ".join(c.value for c in question.choices)
        return f"must be one of {allowed}; got {value!r}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"must be between {_bound(question.min)} and {_bound(question.max)}{_unit(question)}; got {_fmt(value)}"
    if kind in ("bool_type",):
        return f"must be true or false; got {value!r}"
    if kind in ("int_type", "int_from_float"):
        return f"must be a whole number; got {value!r}"
    if kind in ("float_type",):
        return f"must be a number; got {value!r}"
    if question.type == "number" and kind.endswith("_type"):
        return f"must be a number; got {value!r}"
    if kind in ("string_type",):
        return f"must be text; got {value!r}"
    return error["msg"]


def _bound(value: float | None) -> str:
    return "no limit" if value is None else _fmt(value)


def _unit(question: Question) -> str:
    return f" {question.unit}" if question.unit else ""


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return repr(value) if isinstance(value, str) else str(value)
