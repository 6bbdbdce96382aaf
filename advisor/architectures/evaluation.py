"""Answers -> what a revision keeps, and a saved revision -> today's advice.

``evaluate`` is the one path from raw answers (and an optional hand-picked pattern set)
to the data a revision stores; the save page, the edit page, restore and the API all use
it, so the same bad input gets the same message everywhere. Nothing here touches the
database: these functions take the engine and plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from advisor.teams.actions import ActionError
from patterns.answers import AnswerError
from patterns.engine import Engine
from patterns.wording import Words, words_for

from .changes import Difference, compare_recommendations


def pattern_names(engine: Engine) -> dict[str, str]:
    return {slug: pattern.name for slug, pattern in engine.catalogue.pattern_map.items()}


def words(engine: Engine) -> Words:
    """The catalogue's names for answer keys and values, patterns, risks and limits."""
    return words_for(engine.catalogue)


# An answer kept for a question the other answers leave out (the response time when nobody
# waits, the database's connections without a database): it is a default, not a choice.
DOES_NOT_APPLY = "does not apply"


def answer_rows(engine: Engine, *answer_sets: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """(question, answer, answer...) rows in question order, for the answers given; a
    question the questionnaire would not ask for a set of answers reads "does not apply",
    and a row that applies to none of them is left out."""
    vocabulary = words(engine)
    order = {question.key: index for index, question in enumerate(engine.questions)}
    hidden = [frozenset(order) - {q.key for q in engine.visible_questions(answers)} for answers in answer_sets]
    keys = sorted(set().union(*answer_sets), key=lambda key: (order.get(key, len(order)), key))

    def value(key: str, answers: Mapping[str, Any], hides: frozenset[str]) -> str:
        if key not in answers:
            return "not asked"
        return DOES_NOT_APPLY if key in hides else vocabulary.value(key, answers[key])

    rows = [(vocabulary.question(key), *(value(key, answers, hides) for answers, hides in zip(answer_sets, hidden)))
            for key in keys]
    return [row for row in rows if any(cell != DOES_NOT_APPLY for cell in row[1:])]


@dataclass(frozen=True)
class Evaluated:
    """What a revision stores: validated answers, the patterns and the outcome."""

    answers: dict[str, Any]
    patterns: tuple[str, ...]
    follows_recommendation: bool
    recommendation: dict[str, Any]

    @property
    def rules_version(self) -> str:
        return self.recommendation["rules_version"]


def check_patterns(engine: Engine, patterns: Iterable[Any]) -> tuple[str, ...]:
    """A hand-picked pattern set, or ActionError naming what is wrong with it."""
    chosen: list[str] = []
    for slug in patterns:
        if not isinstance(slug, str) or slug not in engine.catalogue.pattern_map:
            known = ", ".join(sorted(engine.catalogue.pattern_map))
            raise ActionError(f"“{slug}” is not a pattern; choose from {known}.", "patterns")
        if slug not in chosen:
            chosen.append(slug)
    if not chosen:
        raise ActionError("Choose at least one pattern, or use the recommended ones.", "patterns")
    return tuple(chosen)


def _refuse_nul(answers: Mapping[str, Any]) -> None:
    # Text answers are stored as JSON; PostgreSQL cannot store a NUL character in it.
    bad = {key: "must not contain NUL characters" for key, value in answers.items()
           if isinstance(value, str) and "\x00" in value}
    if bad:
        raise AnswerError(bad)


def evaluate(engine: Engine, raw_answers: Any, patterns: Iterable[Any] | None = None) -> Evaluated:
    """Validate and evaluate; raises AnswerError (per-key) or ActionError (patterns)."""
    answers = engine.validate(raw_answers)
    _refuse_nul(answers)
    chosen = check_patterns(engine, patterns) if patterns is not None else None
    recommendation = engine.recommend(answers, patterns=chosen)
    return Evaluated(answers, recommendation.selected, chosen is None, recommendation.to_dict())


def gave_up(engine: Engine, evaluated: Evaluated) -> list[Difference]:
    """What a hand-picked set costs compared with the proposed one (empty when following it)."""
    if evaluated.follows_recommendation:
        return []
    proposed = engine.recommend(evaluated.answers).selected
    baseline = engine.recommend(evaluated.answers, patterns=proposed).to_dict()
    lines = compare_recommendations(baseline, evaluated.recommendation, words(engine))
    return [line for line in lines if line.section != "Ranking"]


@dataclass(frozen=True)
class Today:
    """Today's recommendation for a saved revision, and how it differs from the saved one."""

    recommendation: dict[str, Any] | None
    differences: list[Difference]
    problems: dict[str, str]
    rules_changed: bool

    @property
    def differs(self) -> bool:
        return bool(self.differences or self.problems)


def recommend_today(engine: Engine, snapshot: Mapping[str, Any]) -> Today:
    """Evaluate a revision snapshot with the rules as they are now."""
    saved = snapshot["recommendation"]
    rules_changed = saved.get("rules_version") != engine.version
    patterns = None if snapshot["follows_recommendation"] else tuple(snapshot["patterns"])
    try:
        current = engine.recommend(snapshot["answers"], patterns=patterns).to_dict()
    except AnswerError as exc:
        return Today(None, [], dict(exc.errors), rules_changed)
    return Today(current, compare_recommendations(saved, current, words(engine)), {}, rules_changed)


@dataclass(frozen=True)
class NewQuestion:
    """A question that applies to a revision's answers but that they do not hold: it was
    added to the questionnaire after the revision was saved."""

    key: str
    label: str
    help: str
    assumed: str  # the default the advice takes for it, worded as the questionnaire offers it


def as_advised(engine: Engine, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Saved answers with the default the advice assumes for each question added since they
    were saved, which is what drawings and generated projects need; answers that no longer
    pass are returned as saved."""
    try:
        return engine.validate(dict(answers))
    except AnswerError:
        return dict(answers)


def unanswered(engine: Engine, answers: Mapping[str, Any]) -> tuple[NewQuestion, ...]:
    """The questions, in questionnaire order, that these saved answers never answered and that
    the questionnaire would show for them (a question hidden for these answers does not matter)."""
    try:
        complete = engine.validate(dict(answers))
    except AnswerError:
        return ()  # answers that no longer pass are reported as problems, not as new questions
    vocabulary = words(engine)
    return tuple(NewQuestion(q.key, q.label, q.help, vocabulary.value(q.key, complete[q.key]))
                 for q in engine.visible_questions(complete) if q.key not in answers)
