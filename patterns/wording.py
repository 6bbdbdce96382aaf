"""The catalogue's words for its own ids: what pages, diffs and messages show people.

Answer keys, warning and limit ids, pattern slugs and rule conditions are the catalogue's
internal names; a person reads the question, the answer as it was offered, the risk's
title, the limit's name, the pattern's name, and a condition said in words.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from . import formatting
from .catalogue import Catalogue, Question

# How a limit's unit reads after a number ("12,000" rather than "12,000 count").
UNIT_LABELS = {"count": "", "rps": "/s"}


@dataclass(frozen=True)
class Words:
    questions: Mapping[str, Question] = field(default_factory=dict)
    patterns: Mapping[str, str] = field(default_factory=dict)  # slug -> name
    warnings: Mapping[str, str] = field(default_factory=dict)  # id -> title
    limits: Mapping[str, str] = field(default_factory=dict)  # id -> name

    # Names ----------------------------------------------------------------------------------
    def pattern(self, slug: str | None) -> str:
        return self.patterns.get(slug, slug) if slug else "none"

    def warning(self, warning_id: str, stored_title: str = "") -> str:
        return self.warnings.get(warning_id) or stored_title or warning_id

    def limit(self, limit_id: str) -> str:
        return self.limits.get(limit_id, limit_id)

    def question(self, key: str) -> str:
        question = self.questions.get(key)
        return question.label if question else key

    # Values ---------------------------------------------------------------------------------
    def value(self, key: str, value: Any) -> str:
        """A typed answer as the questionnaire offered it: Yes/No, a choice's label, a number
        with its unit."""
        question = self.questions.get(key)
        if value is None:
            return "not set"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if question is not None and question.choices:
            for choice in question.choices:
                if choice.value == value:
                    return choice.label
        if isinstance(value, (int, float)):
            text = formatting.number(value)
            return f"{text} {question.unit}" if question is not None and question.unit else text
        return str(value)

    def shown(self, key: str, text: str) -> str:
        """An answer as the engine wrote it into an explanation ("true", "1,000", a choice
        value, "null") as the questionnaire offered it."""
        question = self.questions.get(key)
        if question is None:
            return text
        if text == "null":
            return "not set"
        if question.type == "bool" and text in ("true", "false"):
            return "Yes" if text == "true" else "No"
        if question.choices:
            return self.value(key, text)
        if question.type in ("int", "number") and question.unit:
            return f"{text} {question.unit}"
        return text

    def answer(self, key: str, value: Any) -> str:
        """"Question: answer" (a question ending in a question mark needs no colon)."""
        return labelled(self.question(key), self.value(key, value))

    def unit(self, unit: str) -> str:
        return UNIT_LABELS.get(unit, unit)

    # Conditions -----------------------------------------------------------------------------
    def condition(self, source: str) -> str:
        """A rule condition in words: ``client_waits and latency_ms < 1000`` reads
        “Does the caller wait for the result?” is Yes, and “Response time…” is under 1,000 ms."""
        try:
            return _Describer(self).describe(ast.parse(source.strip(), mode="eval").body)
        except (SyntaxError, _Unsaid):
            return "for some answers"


def labelled(label: str, value: str) -> str:
    return f"{label} {value}" if label.endswith("?") else f"{label}: {value}"


@lru_cache(maxsize=8)
def words_for(catalogue: Catalogue) -> Words:
    return Words(
        questions={question.key: question for question in catalogue.questions},
        patterns={pattern.slug: pattern.name for pattern in catalogue.patterns},
        warnings={kind.id: kind.title for kind in catalogue.warnings},
        limits={limit.id: limit.name for limit in catalogue.limits},
    )


class _Unsaid(Exception):
    """A part of a condition with no wording here."""


_COMPARISONS = {
    ast.Eq: "is", ast.NotEq: "is not", ast.Lt: "is under", ast.LtE: "is at most", ast.Gt: "is over",
    ast.GtE: "is at least", ast.In: "is", ast.NotIn: "is not",
}


class _Describer:
    def __init__(self, words: Words):
        self.words = words

    def describe(self, node: ast.AST) -> str:
        if isinstance(node, ast.BoolOp):
            joiner = " and " if isinstance(node.op, ast.And) else " or "
            return joiner.join(self.describe(value) for value in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Name):
            return self._name(node.operand.id, False)
        if isinstance(node, ast.Name):
            return self._name(node.id, True)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Name):
            return self._compare(node.left.id, node.ops[0], node.comparators[0])
        raise _Unsaid

    def _quoted(self, key: str) -> str:
        if key not in self.words.questions:
            raise _Unsaid
        return f"“{self.words.question(key)}”"

    def _name(self, key: str, truth: bool) -> str:
        return f"{self._quoted(key)} is {'Yes' if truth else 'No'}"

    def _compare(self, key: str, op: ast.cmpop, right: ast.AST) -> str:
        quoted = self._quoted(key)
        if type(op) not in _COMPARISONS:
            raise _Unsaid
        verb = _COMPARISONS[type(op)]
        if isinstance(right, (ast.List, ast.Tuple)):
            values = [self._literal(key, element) for element in right.elts]
            return f"{quoted} {verb} {' or '.join(values)}"
        if isinstance(right, ast.Constant) and right.value is None or isinstance(right, ast.Name) and right.id in ("null", "None"):
            return f"{quoted} is {'not given' if isinstance(op, ast.Eq) else 'given'}"
        return f"{quoted} {verb} {self._literal(key, right)}"

    def _literal(self, key: str, node: ast.AST) -> str:
        if isinstance(node, ast.Constant) and not isinstance(node.value, bytes):
            return self.words.value(key, node.value)
        if isinstance(node, ast.Name) and node.id in ("true", "false", "True", "False"):
            return "Yes" if node.id.lower() == "true" else "No"
        raise _Unsaid
