"""The rules engine: answers -> Recommendation.

``recommend(answers, catalogue)`` is a pure function. The catalogue is compiled once
(every expression parsed, type-checked and turned into closures) and cached by identity;
a new catalogue, such as one loaded after staff edited a rule, compiles anew and carries
a new ``rules_version``.

How a recommendation is made:
1. the answers are validated and completed with defaults;
2. every ``score`` rule whose condition holds adds its weight to its pattern; each firing
   rule is a reason, naming the answers it read;
3. patterns with a positive total are ranked, best first (``chaining`` never first while
   another pattern fits); the strong ones form the proposed architecture (``selected``);
4. ``warning`` and ``limit`` rules apply when their condition holds and, if they name a
   pattern, when that pattern is listed (or chosen, when the caller names the patterns);
5. the alternatives to Lambda whose conditions hold are added (SPEC §8.4): what to use
   instead of, or beside, a function, and whether the core of the work fits Lambda at all;
6. the checklist items that apply and the monthly cost of the architecture are added.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field, replace as replace_field
from datetime import date
from functools import cached_property, lru_cache, partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple

from pattern_library import registry

from .answers import AnswerError, AnswerValidator, bound_problems, validate_answers
from .catalogue import (
    QUESTION_TYPES, RULE_EFFECTS, RUNTIME_ID, SEVERITIES, Catalogue, CatalogueError, LambdaAlternative, Limit,
    Question, Rule, WarningKind,
)
from . import formatting
from .cost import CONTAINER_ALTERNATIVE, Cost, estimate
from .reads import ReadMemo

if TYPE_CHECKING:
    from architecture import Architecture
    from architecture.sizing import Proposal
    from .catalogue import Price
from .expressions import BOOL, NUMBER, TEXT, Compiled, ExpressionError, VarType
from .expressions import compile_expression as _compile_uncached
from .finding_texts import text_problems
from .read_by_code import missing_rows

logger = logging.getLogger(__name__)

# Points are turned into a 0..1 score with 1 - exp(-points / SCORE_SCALE): five points give
# 0.63, ten give 0.86. A pattern is part of the proposed architecture from SELECT_SCORE on.
SCORE_SCALE = 5.0
SELECT_SCORE = 0.4
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
LIMIT_PLACEHOLDERS = ("value", "limit", "unit", "limit_name")
# The warning whose advice is provisioned concurrency: when it applies, the cost includes it.
PROVISIONED_ADVICE = "cold-start-latency"


# Output value objects ---------------------------------------------------------------------
# Named tuples rather than frozen dataclasses: one is built for every rule that fires, and
# a tuple is built several times faster.
class ShownAnswer(NamedTuple):
    """An answer a rule read: its value as the one-line text writes it ("1000", "true") and,
    when the engine made it, the typed answer itself, for pages to word as they offer it."""
    key: str
    value: str
    answer: Any = None
    typed: bool = False  # False for an explanation read back from stored text


class Explanation:
    """Why a rule fired: the rule's sentence with the answers filled in, the answers it read,
    and for a risk the catalogue's advice. Pages lay the three parts out; the JSON output and
    the command line show them as one line (``text``).

    The engine's explanations are filled in on first read (``deferred``): a recommendation
    carries a dozen of them, and callers that only compare ids, such as the scenario checks,
    never read the sentences."""

    __slots__ = ("_why", "_answers", "advice", "_pending")

    def __init__(self, why: str, answers: tuple[ShownAnswer, ...] = (), advice: str = ""):
        self._why, self._answers, self.advice, self._pending = why, answers, advice, None

    @classmethod
    def deferred(cls, template: str, shown: Mapping[str, str], fields: tuple[tuple[str, str], ...],
                 advice: str = "") -> "Explanation":
        explanation = cls("", (), advice)
        explanation._pending = (template, shown, fields)
        return explanation

    def _fill(self) -> None:
        template, shown, fields = self._pending
        self._why = template.format_map(shown)
        typed = getattr(shown, "answers", None)
        if typed is None:
            self._answers = tuple([ShownAnswer(key, shown[name]) for key, name in fields])
        else:
            self._answers = tuple([ShownAnswer(key, shown[name], typed.get(key), True) for key, name in fields])
        self._pending = None

    @property
    def why(self) -> str:
        if self._pending is not None:
            self._fill()
        return self._why

    @property
    def answers(self) -> tuple[ShownAnswer, ...]:
        if self._pending is not None:
            self._fill()
        return self._answers

    def _parts(self) -> tuple:
        return (self.why, self.answers, self.advice)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Explanation) and self._parts() == other._parts()

    def __hash__(self) -> int:
        return hash(self._parts())

    def __repr__(self) -> str:
        return f"Explanation(why={self.why!r}, answers={self.answers!r}, advice={self.advice!r})"

    @property
    def text(self) -> str:
        text = self.why
        if self.answers:
            text += " (" + ", ".join(f"{a.key}={a.value}" for a in self.answers) + ")"
        return f"{text} {self.advice}" if self.advice else text

    def __str__(self) -> str:
        return self.text

    @classmethod
    def stored(cls, text: str) -> "Explanation":
        """An explanation saved as its one-line text: kept as it was written, not taken apart."""
        return cls(text)


@dataclass(frozen=True)
class RankedPattern:
    pattern: str
    score: float
    reasons: tuple[Explanation, ...]
    points: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "score": self.score, "reasons": [reason.text for reason in self.reasons]}


@dataclass(frozen=True)
class WarningHit:
    id: str
    severity: str
    pattern: str | None
    explanation: Explanation
    title: str = ""
    answers: tuple[str, ...] = ()  # the answer keys the rule read

    @property
    def message(self) -> str:
        return self.explanation.text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "pattern": self.pattern, "message": self.message,
                "title": self.title, "answers": list(self.answers)}


@dataclass(frozen=True)
class LimitCheck:
    id: str
    ok: bool
    value: float
    limit: float
    unit: str
    explanation: Explanation
    pattern: str | None = None

    @property
    def message(self) -> str:
        return self.explanation.text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "value": _number(self.value), "limit": _number(self.limit),
                "unit": self.unit, "message": self.message}


@dataclass(frozen=True)
class AlternativeHit:
    """An alternative to Lambda that applies: its id, why (with the answers it read and what
    Lambda still does), and the proposed patterns whose functions it stands in for."""
    id: str
    title: str
    explanation: Explanation
    replaces: tuple[str, ...] = ()
    fits_lambda: bool = True

    @property
    def message(self) -> str:
        return self.explanation.text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "message": self.message, "replaces": list(self.replaces),
                "fits_lambda": self.fits_lambda}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AlternativeHit":
        return cls(data["id"], data.get("title", ""), Explanation.stored(data["message"]),
                   tuple(data.get("replaces", ())), bool(data.get("fits_lambda", True)))


@dataclass(frozen=True)
class Recommendation:
    recommendations: tuple[RankedPattern, ...]
    warnings: tuple[WarningHit, ...]
    limits: tuple[LimitCheck, ...]
    checklist: tuple[str, ...]
    rules_version: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    selected: tuple[str, ...] = ()
    # The catalogue's limit values, which size the proposed architecture (timeouts, steps).
    limit_values: Mapping[str, float] = field(default_factory=dict, compare=False, repr=False)
    # The catalogue's prices, which the cost is computed from.
    prices: Mapping[str, "Price"] = field(default_factory=dict, compare=False, repr=False)
    # What to use instead of, or beside, Lambda (SPEC §8.4), most decisive first.
    alternatives: tuple[AlternativeHit, ...] = ()
    # The engine's costs of earlier recommendations, each under the answers it read (see ``cost``).
    costs: "ReadMemo | None" = field(default=None, compare=False, repr=False)

    @property
    def fits_lambda(self) -> bool:
        """False when an alternative says the core of the work does not belong in Lambda."""
        return all(alternative.fits_lambda for alternative in self.alternatives)

    @cached_property
    def proposal(self) -> "Proposal | None":
        """The proposed patterns as the generator would build them, with each component's
        sizing; None when they cannot be composed for these answers. Built on first use
        only: the rules alone do not need it."""
        from generator.build import propose  # the generator reads the catalogue too

        return propose(self.answers, self.selected, self.limit_values)

    @cached_property
    def architecture(self) -> "Architecture | None":
        """The proposed patterns wired into one architecture, as the generator would build it;
        None when they cannot be composed for these answers."""
        proposal = self.proposal
        return proposal.architecture if proposal else None

    @cached_property
    def cost(self) -> Cost:
        """The monthly cost of the proposed architecture, component by component; computed on
        first use, like the architecture it prices."""
        if not self.selected:
            return Cost(0.0, (), notes=("No pattern is proposed, so nothing is priced.",))
        provisioned = any(w.id == PROVISIONED_ADVICE for w in self.warnings)
        container = any(a.id == CONTAINER_ALTERNATIVE for a in self.alternatives)
        if self.costs is None:
            return self._estimate(self.answers, self.proposal, provisioned, container)
        # Composing and pricing take half the time of a live panel update, and read only the
        # answers the proposed patterns care about: under the engine (its prices and limits),
        # the same patterns, provisioning and container alternative, answers that agree on those
        # give the same cost, so it is computed once for them (see patterns/reads.py).
        return self.costs.get((self.selected, provisioned, container), self.answers,
                              partial(self._compose_and_price, provisioned, container))

    def _compose_and_price(self, provisioned: bool, container: bool, answers: Mapping[str, Any]) -> Cost:
        from generator.build import propose

        # Composed again from ``answers``, even if this recommendation has its proposal, so that
        # every answer composing reads is noted. The generator keeps a read-only view as it is.
        proposal = propose(MappingProxyType(answers), self.selected, self.limit_values)
        self.__dict__.setdefault("proposal", proposal)
        return self._estimate(answers, proposal, provisioned, container)

    def _estimate(self, answers: Mapping[str, Any], proposal: "Proposal | None", provisioned: bool,
                  container: bool = False) -> Cost:
        if proposal is None and self.selected:
            from generator.build import composition_problem

            return estimate(answers, None, self.prices,
                            unavailable=composition_problem(answers, self.selected, self.limit_values))
        return estimate(answers, proposal, self.prices, provisioned=provisioned,
                        express_limit_s=self.limit_values.get("step-functions-express-duration"),
                        limits=self.limit_values, container_instead=container)

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(r.pattern for r in self.recommendations)

    @property
    def broken_limits(self) -> tuple[LimitCheck, ...]:
        return tuple(check for check in self.limits if not check.ok)

    def to_dict(self) -> dict[str, Any]:
        return {
            # First, because when Lambda is not the answer nothing below is the whole story.
            "fits_lambda": self.fits_lambda,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "recommendations": [r.to_dict() for r in self.recommendations],
            "selected": list(self.selected),
            "warnings": [w.to_dict() for w in self.warnings],
            "limits": [lim.to_dict() for lim in self.limits],
            "checklist": list(self.checklist),
            "cost": self.cost.to_dict(),
            "rules_version": self.rules_version,
            "architecture": self.architecture.to_dict() if self.architecture else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], answers: Mapping[str, Any] | None = None) -> "Recommendation":
        """A stored recommendation (``to_dict``) back as the typed object, with the architecture
        it was stored with rather than one composed again under today's rules."""
        from architecture import Architecture

        ranked = tuple(RankedPattern(r["pattern"], r["score"], tuple(Explanation.stored(text) for text in r["reasons"]))
                       for r in data["recommendations"])
        warnings = tuple(WarningHit(w["id"], w["severity"], w.get("pattern"), Explanation.stored(w["message"]),
                                    w.get("title", ""), tuple(w.get("answers", ()))) for w in data["warnings"])
        limits = tuple(LimitCheck(c["id"], c["ok"], c["value"], c["limit"], c["unit"], Explanation.stored(c["message"]))
                       for c in data["limits"])
        # Recommendations stored before alternatives existed have none: Lambda fitted.
        alternatives = tuple(AlternativeHit.from_dict(a) for a in data.get("alternatives", ()))
        recommendation = cls(ranked, warnings, limits, tuple(data["checklist"]), data["rules_version"],
                             dict(answers or {}), tuple(data.get("selected", ())), alternatives=alternatives)
        stored = data.get("architecture")
        # Set where the cached properties keep their values (instance dict), so nothing is
        # recomposed or repriced under today's rules and prices.
        object.__setattr__(recommendation, "architecture", Architecture.from_dict(stored) if stored else None)
        object.__setattr__(recommendation, "cost", Cost.from_dict(data["cost"]))
        return recommendation


# Compilation --------------------------------------------------------------------------------
def compile_expression(source: str, variables: Mapping[str, VarType], limits: Mapping[str, float],
                       expect: str | None = "bool") -> Compiled:
    """compile_expression, remembered: checking a catalogue and compiling it read the same
    expressions, and a catalogue edit leaves most of them unchanged."""
    return _compile_cached(source, tuple(sorted(variables.items())), tuple(sorted(limits.items())), expect)


@lru_cache(maxsize=4096)
def _compile_cached(source: str, variables: tuple, limits: tuple, expect: str | None) -> Compiled:
    return _compile_uncached(source, dict(variables), dict(limits), expect)
@dataclass(frozen=True)
class _CompiledRule:
    rule: Rule
    condition: Compiled
    value: Compiled | None
    # The explanation's sentence as a format template (see _format_string).
    template: str = ""
    # The answers this rule read, named after its explanation.
    keys: tuple[str, ...] = ()
    # Resolved once: the warning raised, or the limit checked, and its fixed placeholders.
    warning: WarningKind | None = None
    severity: str = ""
    limit: Limit | None = None
    # Each answer key with the format field that shows its value ungrouped.
    shown_fields: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(cls, rule: Rule, condition: Compiled, value: Compiled | None, catalogue: Catalogue) -> "_CompiledRule":
        keys = tuple(dict.fromkeys(condition.keys + (value.keys if value else ())))
        warning = catalogue.warning_map.get(rule.warning) if rule.effect == "warning" else None
        limit = catalogue.limit_map.get(rule.limit) if rule.effect == "limit" else None
        # A limit's own figures never change within a catalogue: they are written into the template.
        fixed = {"limit": _fmt(limit.value), "unit": limit.unit, "limit_name": limit.name} if limit else {}
        return cls(rule, condition, value, _format_string(rule.explanation, fixed), keys,
                   warning, rule.severity or (warning.severity if warning else ""), limit,
                   tuple((key, _PLAIN + key) for key in keys))


# The formatted value of a limit check, under a name no answer key can have.
_LIMIT_VALUE = "limit-value"


def _format_string(explanation: str, fixed: Mapping[str, str]) -> str:
    """The explanation as a str.format_map template whose only fields are answer keys
    (checked when the rule was saved) and a limit check's value."""
    def field(name: str) -> str:
        if name in fixed:
            return fixed[name].replace("{", "{{").replace("}", "}}")
        if fixed and name == "value":
            return "{" + _LIMIT_VALUE + "}"
        return "{" + name + "}"

    pieces = _PLACEHOLDER.split(explanation.strip())
    text = "".join(
        piece.replace("{", "{{").replace("}", "}}") if index % 2 == 0 else field(piece)
        for index, piece in enumerate(pieces)
    )
    return text


@dataclass(frozen=True)
class _CompiledAlternative:
    alternative: LambdaAlternative
    condition: Compiled
    template: str
    shown_fields: tuple[tuple[str, str], ...]
    patterns: frozenset[str]


@dataclass(frozen=True)
class _CompiledChecklist:
    text: str
    condition: Compiled | None
    patterns: frozenset[str]


def question_types(questions: tuple[Question, ...] | list[Question]) -> dict[str, VarType]:
    """The expression language's view of the answer keys."""
    types = {}
    for question in questions:
        if question.type == "bool":
            base = BOOL
        elif question.type in ("int", "number"):
            base = NUMBER
        elif question.type == "choice":
            base = VarType("str", choices=frozenset(c.value for c in question.choices))
        else:
            base = TEXT
        nullable = question.nullable
        types[question.key] = VarType(base.kind, nullable=nullable, choices=base.choices)
    return types


def check_rule(rule: Rule, catalogue: Catalogue) -> list[str]:
    """Every reason this rule cannot be used with this catalogue (empty when it is fine)."""
    problems = []
    variables = question_types(catalogue.questions)
    limits = {lim.id: lim.value for lim in catalogue.limits}
    if rule.effect not in RULE_EFFECTS:
        problems.append(f"effect must be one of {', '.join(RULE_EFFECTS)}")
    try:
        compile_expression(rule.when, variables, limits, expect="bool")
    except ExpressionError as exc:
        problems.append(f"condition: {exc}")
    if rule.pattern and rule.pattern not in catalogue.pattern_map:
        problems.append(f"unknown pattern '{rule.pattern}'")
    if rule.effect == "score":
        if not rule.pattern:
            problems.append("a score rule needs a pattern")
        if not _is_number(rule.weight):
            problems.append(f"the weight must be a number, not {rule.weight!r}")
        elif not rule.weight:
            problems.append("a score rule needs a non-zero weight")
    if rule.effect == "warning":
        if rule.warning not in catalogue.warning_map:
            problems.append(f"unknown warning '{rule.warning}'")
        if rule.severity and rule.severity not in SEVERITIES:
            problems.append(f"severity must be one of {', '.join(SEVERITIES)}")
    allowed_placeholders = set(variables)
    if rule.effect == "limit":
        allowed_placeholders |= set(LIMIT_PLACEHOLDERS)
        if rule.limit not in catalogue.limit_map:
            problems.append(f"unknown limit '{rule.limit}'")
        try:
            compile_expression(rule.value, variables, limits, expect="number")
        except ExpressionError as exc:
            problems.append(f"value: {exc}")
    for name in _PLACEHOLDER.findall(rule.explanation):
        if name not in allowed_placeholders:
            problems.append(f"explanation: unknown placeholder {{{name}}}")
    if not rule.explanation.strip():
        problems.append("explanation is empty")
    return problems


def check_catalogue(catalogue: Catalogue) -> list[str]:
    """Every inconsistency in the catalogue, for the loader, the admin and the tests."""
    problems: list[str] = []
    slugs = [p.slug for p in catalogue.patterns]
    for slug in slugs:
        if not registry.is_known(slug):
            problems.append(f"pattern '{slug}' is not one of the known slugs")
    for pattern in catalogue.patterns:
        for warning_id in pattern.warnings:
            if warning_id not in catalogue.warning_map:
                problems.append(f"pattern '{pattern.slug}' names unknown warning '{warning_id}'")
        for alternative in pattern.alternatives:
            if alternative.use not in catalogue.pattern_map:
                problems.append(f"pattern '{pattern.slug}' suggests unknown pattern '{alternative.use}'")
    for warning in catalogue.warnings:
        if warning.severity not in SEVERITIES:
            problems.append(f"warning '{warning.id}' has severity '{warning.severity}'")
    for limit in catalogue.limits:
        if not _is_number(limit.value) or not limit.value > 0:
            problems.append(f"limit '{limit.id}': the value must be a positive number, not {limit.value!r}")
    problems += missing_rows(catalogue)
    problems += check_runtimes(catalogue)
    for price in catalogue.prices:
        if not _is_number(price.usd) or price.usd < 0:
            problems.append(f"price '{price.id}': usd must be zero or a positive number, not {price.usd!r}")
        if not _is_number(price.per) or not price.per > 0:
            problems.append(f"price '{price.id}': per must be a positive number, not {price.per!r}")
    problems += check_questions(catalogue.questions, {lim.id: lim.value for lim in catalogue.limits})
    names = set()
    for rule in catalogue.rules:
        if rule.name in names:
            problems.append(f"rule '{rule.name}' is defined twice")
        names.add(rule.name)
        problems += [f"rule '{rule.name}': {problem}" for problem in check_rule(rule, catalogue)]
    variables = question_types(catalogue.questions)
    for item in catalogue.checklist:
        if item.when:
            try:
                compile_expression(item.when, variables, {lim.id: lim.value for lim in catalogue.limits})
            except ExpressionError as exc:
                problems.append(f"checklist '{item.id}': {exc}")
        for slug in item.patterns:
            if slug not in catalogue.pattern_map:
                problems.append(f"checklist '{item.id}' names unknown pattern '{slug}'")
    problems += check_alternatives(catalogue)
    problems += text_problems(catalogue.findings)
    problems += check_evaluation(catalogue)
    return problems


def check_runtimes(catalogue: Catalogue) -> list[str]:
    """Every reason a Lambda runtime row cannot be used by the analyzer."""
    problems: list[str] = []
    seen: set[str] = set()
    for runtime in catalogue.runtimes:
        if runtime.id in seen:
            problems.append(f"runtime '{runtime.id}' is listed twice")
        seen.add(runtime.id)
        if not RUNTIME_ID.fullmatch(runtime.id):
            problems.append(f"runtime '{runtime.id}': not a Lambda runtime identifier (lower-case letters, digits, "
                            "dots and hyphens)")
        if not isinstance(runtime.deprecated, date):
            problems.append(f"runtime '{runtime.id}': deprecated must be a date, not {runtime.deprecated!r}")
    return problems


def check_alternatives(catalogue: Catalogue) -> list[str]:
    """Every reason an alternative to Lambda cannot be used with this catalogue."""
    problems: list[str] = []
    variables = question_types(catalogue.questions)
    limits = {lim.id: lim.value for lim in catalogue.limits}
    seen: set[str] = set()
    for alternative in catalogue.alternatives:
        where = f"alternative '{alternative.id}'"
        if alternative.id in seen:
            problems.append(f"{where} is defined twice")
        seen.add(alternative.id)
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,62}", alternative.id):
            problems.append(f"{where}: an id is lower-case letters, digits and hyphens")
        if not alternative.title.strip():
            problems.append(f"{where}: the title is empty")
        if not alternative.why.strip():
            problems.append(f"{where}: why is empty")
        try:
            compile_expression(alternative.when, variables, limits, expect="bool")
        except ExpressionError as exc:
            problems.append(f"{where}: condition: {exc}")
        for name in _PLACEHOLDER.findall(alternative.why):
            if name not in variables:
                problems.append(f"{where}: why: unknown placeholder {{{name}}}")
        for field_name in ("replaces", "patterns"):
            for slug in getattr(alternative, field_name):
                if slug not in catalogue.pattern_map:
                    problems.append(f"{where}: {field_name} names unknown pattern '{slug}'")
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def sample_answers(questions: tuple[Question, ...]) -> list[tuple[str, dict[str, Any]]]:
    """Complete answer sets that reach each question's edges: the defaults, then each
    question in turn at its bounds, at each choice, flipped or left empty; then every
    number at its minimum and every number at its maximum. Sets the other answers rule
    out (an answer below one it must be at least) are left out. Each comes with a label
    that says how it differs from the defaults."""
    validate = AnswerValidator(tuple(questions))
    candidates: list[tuple[str, dict[str, Any]]] = [("the default answers", {})]
    lows, highs = {}, {}
    for question in questions:
        edges: list[Any] = []
        if question.type == "choice":
            edges = [choice.value for choice in question.choices]
        elif question.type == "bool":
            edges = [True, False]
        elif question.type in ("int", "number"):
            cast = int if question.type == "int" else float
            low = cast(question.min) if question.min is not None else 0
            high = cast(question.max) if question.max is not None else cast(10**9)
            edges = [low, high]
            lows[question.key], highs[question.key] = low, high
        if question.nullable:
            edges.append(None)
        candidates += [(f"{question.key} = {_fmt(value)}", {question.key: value})
                       for value in edges if value != question.default]
    candidates += [("every number at its minimum", lows), ("every number at its maximum", highs)]
    samples = []
    for label, raw in candidates:
        try:
            samples.append((label, validate(raw)))
        except AnswerError:
            continue
    return samples


def check_evaluation(catalogue: Catalogue) -> list[str]:
    """Evaluate every rule's condition and value, every checklist condition and every
    question's ``when`` on the sample answer sets: an expression that raises is refused
    here, rather than skipped (with a logged error) on every recommendation. Expressions
    that do not compile, and questions that cannot validate answers, are left to the
    other checks, which say why."""
    variables = question_types(catalogue.questions)
    limits = {lim.id: lim.value for lim in catalogue.limits}
    expressions: list[tuple[str, str, str | None]] = []
    for rule in catalogue.rules:
        expressions.append((f"rule '{rule.name}': the condition", rule.when, "bool"))
        if rule.effect == "limit":
            expressions.append((f"rule '{rule.name}': the value", rule.value, "number"))
    expressions += [(f"checklist '{item.id}': the condition", item.when, "bool") for item in catalogue.checklist if item.when]
    expressions += [(f"alternative '{a.id}': the condition", a.when, "bool") for a in catalogue.alternatives]
    expressions += [(f"question '{q.key}': when", q.when, "bool") for q in catalogue.questions if q.when]
    try:
        samples = sample_answers(catalogue.questions)
    # Questions that cannot validate answers (a list among them cannot even be hashed):
    # check_questions says why.
    except (TypeError, ValueError):
        return []
    problems = []
    for where, source, expect in expressions:
        try:
            evaluate = compile_expression(source, variables, limits, expect=expect).evaluate
        except ExpressionError:  # reported by the other checks
            continue
        for label, answers in samples:
            try:
                evaluate(answers)
            except Exception as exc:  # noqa: BLE001 - any error is reported to staff, with its kind
                problems.append(f"{where} cannot be evaluated with {label}: {type(exc).__name__}: {exc}")
                break
    return problems


def check_questions(questions, limits: Mapping[str, float]) -> list[str]:
    problems = []
    seen: list[Question] = []
    for question in sorted(questions, key=lambda q: q.order):
        where = f"question '{question.key}'"
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,49}", question.key):
            problems.append(f"{where}: a key is lower-case letters, digits and _ (starting with a letter)")
        if question.type not in QUESTION_TYPES:
            problems.append(f"{where}: type must be one of {', '.join(QUESTION_TYPES)}")
        if question.type == "choice" and not question.choices:
            problems.append(f"{where}: a choice question needs choices")
        problems += [f"{where}: {problem}" for problem in bound_problems(question)]
        for other in (question.default_from, question.at_least):
            if other and other not in {q.key for q in seen}:
                problems.append(f"{where}: '{other}' must be an earlier question")
        if question.when:
            try:
                compile_expression(question.when, question_types(seen), limits)
            except ExpressionError as exc:
                problems.append(f"{where}: when: {exc} (a question can only depend on earlier ones)")
        elif question.when_hidden is not None:
            problems.append(f"{where}: an answer while hidden needs a condition that hides the question")
        seen.append(question)
    if not problems:
        # Checked against the questions without their answers while hidden: one that is a list or
        # a mapping is no answer, and is refused as one rather than failing the check.
        answerable = tuple(replace_field(q, when_hidden=None) for q in questions)
        for question in questions:
            if question.when_hidden is not None:
                try:
                    validate_answers({question.key: question.when_hidden}, answerable)
                except AnswerError as exc:
                    if question.key in exc.errors:
                        problems.append(f"question '{question.key}': the answer while hidden "
                                        f"{exc.errors[question.key]}")
    if not problems:
        try:
            validate_answers({}, tuple(questions))
        except AnswerError as exc:
            problems += [f"question '{key}': the default {message}" if key in {q.key for q in questions}
                         else f"the defaults are not valid answers: {message}" for key, message in exc.errors.items()]
        except ValueError as exc:
            problems.append(f"the defaults are not valid answers: {exc}")
    return problems


class Engine:
    """A catalogue compiled for evaluation. Build with ``compile_catalogue``."""

    def __init__(self, catalogue: Catalogue):
        problems = check_catalogue(catalogue)
        if problems:
            raise CatalogueError(problems)
        self.catalogue = catalogue
        self.version = catalogue.version
        self.questions = tuple(sorted(catalogue.questions, key=lambda q: q.order))
        self._validator = AnswerValidator(self.questions)
        variables = question_types(self.questions)
        limits = {lim.id: lim.value for lim in catalogue.limits}
        # AWS limits by id, for whoever sizes things by them (the generator among others).
        self.limit_values: dict[str, float] = dict(limits)
        self.score_rules: list[_CompiledRule] = []
        self.gated_rules: list[_CompiledRule] = []
        for rule in sorted(catalogue.rules, key=lambda r: r.order):
            if not rule.enabled:
                continue
            compiled = _CompiledRule.build(
                rule,
                compile_expression(rule.when, variables, limits, expect="bool"),
                compile_expression(rule.value, variables, limits, expect="number") if rule.effect == "limit" else None,
                catalogue,
            )
            (self.score_rules if rule.effect == "score" else self.gated_rules).append(compiled)
        self.checklist = [
            _CompiledChecklist(item.text, compile_expression(item.when, variables, limits) if item.when else None,
                               frozenset(item.patterns))
            for item in sorted(catalogue.checklist, key=lambda c: c.order)
        ]
        self.alternatives = []
        for alternative in sorted(catalogue.alternatives, key=lambda a: a.order):
            condition = compile_expression(alternative.when, variables, limits, expect="bool")
            keys = condition.keys
            self.alternatives.append(_CompiledAlternative(
                alternative, condition, _format_string(alternative.why, {}),
                tuple((key, _PLAIN + key) for key in keys), frozenset(alternative.patterns)))
        self.prices = catalogue.price_map
        self.pattern_order = {p.slug: index for index, p in enumerate(sorted(catalogue.patterns, key=lambda p: p.order))}
        self.when_conditions = {
            q.key: compile_expression(q.when, variables, limits) for q in self.questions if q.when
        }
        # In question order: a later question's condition reads the answers before it as they apply.
        self.hidden_answers = tuple((q.key, self.when_conditions[q.key], q.when_hidden) for q in self.questions
                                    if q.when and q.when_hidden is not None)
        # The cost of each proposed architecture, under the answers composing and pricing it read
        # (about 12 KB each: 256 of them are 3 MB per process).
        self.costs = ReadMemo(size=256)

    def validate(self, raw: Any) -> dict[str, Any]:
        """A complete answer set (defaults filled in) or AnswerError naming each bad key. A question
        whose condition does not hold takes its answer while hidden, whatever was answered: nobody
        waits for the result of a file arriving in storage, whatever the answers say."""
        answers = self._validator(raw)
        for key, condition, value in self.hidden_answers:
            if not _holds(condition.evaluate, answers):
                answers[key] = value
        return answers

    def visible_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        """Questions whose ``when`` holds for these answers, in order."""
        return [q for q in self.questions
                if q.key not in self.when_conditions or _holds(self.when_conditions[q.key].evaluate, answers)]

    def recommend(self, raw: Any, patterns: tuple[str, ...] | None = None) -> Recommendation:
        """Evaluate; raise AnswerError for bad answers, never for a rule.

        ``patterns`` replaces the proposed architecture with a chosen set: warnings, limits,
        checklist and cost then describe that set.
        """
        answers = self.validate(raw)
        shown = _Formatted(answers)
        points: dict[str, float] = {}
        reasons: dict[str, list[Explanation]] = {}
        for compiled in self.score_rules:
            if _holds(compiled.condition.evaluate, answers):
                slug = compiled.rule.pattern
                points[slug] = points.get(slug, 0.0) + compiled.rule.weight
                if compiled.rule.weight > 0:
                    reasons.setdefault(slug, []).append(_explain(compiled, shown))
        ranked = self._rank(points, reasons)
        if patterns is None:
            selected = tuple(r.pattern for r in ranked if r.score >= SELECT_SCORE) or tuple(r.pattern for r in ranked[:1])
            # Risks, limits and checklist describe the proposed architecture only: a risk of a
            # weaker option that is not proposed would read as a risk of this design.
            scope = frozenset(selected)
        else:
            selected = tuple(patterns)
            scope = frozenset(selected)
        warnings, limits = self._gated(answers, shown, scope)
        checklist = tuple(
            item.text for item in self.checklist
            if (item.condition is None or _holds(item.condition.evaluate, answers))
            and (not item.patterns or item.patterns & scope)
        )
        return Recommendation(tuple(ranked), warnings, limits, checklist, self.version, answers, selected,
                              self.limit_values, self.prices,
                              alternatives=self._alternatives(answers, shown, selected), costs=self.costs)

    def _alternatives(self, answers: Mapping[str, Any], shown: "_Formatted",
                      selected: tuple[str, ...]) -> tuple[AlternativeHit, ...]:
        hits = []
        for compiled in self.alternatives:
            if compiled.patterns and not compiled.patterns.intersection(selected):
                continue
            if not _holds(compiled.condition.evaluate, answers):
                continue
            alternative = compiled.alternative
            explanation = Explanation.deferred(compiled.template, shown, compiled.shown_fields,
                                               alternative.lambda_role.strip())
            hits.append(AlternativeHit(alternative.id, alternative.title, explanation,
                                       tuple(slug for slug in alternative.replaces if slug in selected),
                                       alternative.fits_lambda))
        # Those that take the work off Lambda first; otherwise in catalogue order.
        hits.sort(key=lambda hit: hit.fits_lambda)
        return tuple(hits)

    def _rank(self, points: dict[str, float], reasons: dict[str, list[Explanation]]) -> list[RankedPattern]:
        fitting = [(slug, total) for slug, total in points.items() if total > 0]
        fitting.sort(key=lambda item: (-item[1], self.pattern_order.get(item[0], 99)))
        ranked = [RankedPattern(slug, _score(total), tuple(reasons.get(slug, ())), total) for slug, total in fitting]
        if len(ranked) > 1 and ranked[0].pattern == "chaining":
            # Direct chaining is a last resort: any alternative that fits goes first.
            best = ranked[1]
            demoted = RankedPattern("chaining", min(ranked[0].score, round(best.score - 0.01, 2)),
                                    ranked[0].reasons, ranked[0].points)
            ranked = [best, demoted, *ranked[2:]]
        return ranked

    def _gated(self, answers: Mapping[str, Any], shown: "_Formatted", selected: frozenset[str]):
        # The winning reading of each warning and limit is chosen first; only the winners are
        # explained, since formatting a sentence costs more than evaluating a rule.
        warnings: dict[tuple[str, str | None], _CompiledRule] = {}
        limits: dict[str, tuple[_CompiledRule, float]] = {}
        for compiled in self.gated_rules:
            rule = compiled.rule
            if rule.pattern and rule.pattern not in selected:
                continue
            try:
                if compiled.condition.evaluate(answers) is not True:
                    continue
            except Exception:  # a rule that cannot be evaluated simply does not fire
                logger.warning("rule %s could not be evaluated", rule.name, exc_info=True)
                continue
            if compiled.warning is not None:
                key = (compiled.warning.id, rule.pattern or None)
                existing = warnings.get(key)
                # One entry per warning and pattern: the most severe reading wins.
                if existing is None or SEVERITY_RANK[compiled.severity] > SEVERITY_RANK[existing.severity]:
                    warnings[key] = compiled
            else:
                value = self._limit_value(compiled, answers)
                if value is not None:
                    limit_id = compiled.limit.id
                    existing = limits.get(limit_id)
                    # One line per limit: the most broken reading wins.
                    if existing is None or value / (compiled.limit.value or 1) > existing[1] / (existing[0].limit.value or 1):
                        limits[limit_id] = (compiled, value)
        hits = [WarningHit(compiled.warning.id, compiled.severity, compiled.rule.pattern or None,
                           _explain(compiled, shown, compiled.warning.advice.strip()), compiled.warning.title,
                           compiled.keys)
                for compiled in warnings.values()]
        checks = [self._limit_check(compiled, value, shown) for compiled, value in limits.values()]
        ordered_warnings = sorted(hits, key=lambda w: (-SEVERITY_RANK[w.severity], w.id))
        ordered_limits = sorted(checks, key=lambda c: (c.ok, c.id))
        return tuple(ordered_warnings), tuple(ordered_limits)

    @staticmethod
    def _limit_value(compiled: _CompiledRule, answers: Mapping[str, Any]) -> float | None:
        try:
            value = compiled.value.evaluate(answers)
        except Exception:  # evaluation never raises: a rule that cannot be read does not fire
            logger.warning("limit rule %s could not be evaluated", compiled.rule.name, exc_info=True)
            return None
        if value is None or isinstance(value, bool) or not math.isfinite(value):
            return None
        return value

    @staticmethod
    def _limit_check(compiled: _CompiledRule, value: float, shown: "_Formatted") -> LimitCheck:
        limit = compiled.limit
        return LimitCheck(limit.id, value <= limit.value, value, limit.value, limit.unit,
                          _explain(compiled, _WithValue(shown, value)), compiled.rule.pattern or None)


@lru_cache(maxsize=8)
def compile_catalogue(catalogue: Catalogue) -> Engine:
    return Engine(catalogue)


def recommend(answers: Any, catalogue: Catalogue, patterns: tuple[str, ...] | None = None) -> Recommendation:
    """answers -> Recommendation, for a catalogue. Raises AnswerError on bad answers."""
    return compile_catalogue(catalogue).recommend(answers, patterns)


# Helpers ------------------------------------------------------------------------------------
def _holds(evaluate, answers: Mapping[str, Any]) -> bool:
    try:
        return evaluate(answers) is True
    except Exception:  # a rule that cannot be evaluated simply does not fire
        logger.warning("a rule condition could not be evaluated", exc_info=True)
        return False


def _score(points: float) -> float:
    return round(1 - math.exp(-points / SCORE_SCALE), 2)


_PLAIN = "plain-"  # a field name prefix no placeholder can have: answers shown without digit grouping


class _Formatted(dict):
    """Answers formatted for people, each key formatted on first use."""

    def __init__(self, answers: Mapping[str, Any]):
        super().__init__()
        self.answers = answers

    def __missing__(self, key: str) -> str:
        if key.startswith(_PLAIN):
            value = _fmt(self.answers.get(key[len(_PLAIN):]), grouping=False)
        else:
            value = _fmt(self.answers[key]) if key in self.answers else "{" + key + "}"
        self[key] = value
        return value


class _WithValue(dict):
    """The answers as formatted for people, and one limit check's value."""

    def __init__(self, shown: _Formatted, value: float):
        super().__init__()
        self.shown, self.value = shown, value
        self.answers = shown.answers  # typed, so pages word them as the questionnaire offers them

    def __missing__(self, key: str) -> str:
        return _fmt(self.value) if key == _LIMIT_VALUE else self.shown[key]


def _explain(compiled: _CompiledRule, shown: Mapping[str, str], advice: str = "") -> Explanation:
    return Explanation.deferred(compiled.template, shown, compiled.shown_fields, advice)


def _fmt(value: Any, grouping: bool = True) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return formatting.number(value, grouping)
    return str(value)


def _number(value: float) -> float | int:
    return int(value) if isinstance(value, float) and value.is_integer() else round(value, 3)
