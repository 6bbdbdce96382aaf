"""The recommendation shaped for the page: names looked up, numbers formatted, answers named.

The engine explains each reason, risk and limit with the answers that caused it; the page
shows those answers as labels carrying their question, beside the sentence and the advice.

Two shapes: ``Panel``, the full recommendation (below the questionnaire and on its own URL),
and ``Glance``, the short summary beside the form that follows every answer, with what
changed since the answer before (``changes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Mapping

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from patterns.answers import AnswerError
from patterns.catalogue import Pattern, WarningKind
from patterns import formatting
from patterns.engine import Engine, Explanation, LimitCheck, Recommendation, ShownAnswer
from patterns.wording import UNIT_LABELS, Words, labelled, words_for

SEVERITY_LABELS = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}

# How much of each list the short panel shows beside the form; the full recommendation has the rest.
GLANCE_RISKS = 3
GLANCE_LIMITS = 2
GLANCE_CHANGES = 3


@dataclass(frozen=True)
class NamedAnswer:
    key: str
    value: str  # as the questionnaire offers it ("No", "1,000 ms", a choice's label)
    label: str  # the question

    @property
    def text(self) -> str:
        return labelled(self.label, self.value)


@dataclass(frozen=True)
class Explained:
    text: str
    answers: tuple[NamedAnswer, ...]
    advice: str = ""


@dataclass(frozen=True)
class RankedRow:
    pattern: Pattern
    percent: int
    selected: bool
    reasons: tuple[Explained, ...]

    @property
    def url(self) -> str:
        return pattern_url(self.pattern.slug)


@dataclass(frozen=True)
class WarningRow:
    kind: WarningKind
    severity: str
    pattern: Pattern | None
    explained: Explained

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity.title())

    @property
    def pattern_url(self) -> str:
        return pattern_url(self.pattern.slug) if self.pattern else ""

    @property
    def flow(self) -> SafeString:
        return flow_html(self.kind)


@dataclass(frozen=True)
class LimitRow:
    check: LimitCheck
    name: str
    value: str
    limit: str
    unit: str
    explained: Explained


@dataclass(frozen=True)
class AlternativeRow:
    """What to use instead of, or beside, Lambda, with the proposed patterns it stands in for."""
    id: str
    title: str
    fits_lambda: bool
    replaces: tuple[Pattern, ...]
    explained: Explained


@dataclass(frozen=True)
class CostRow:
    service: str
    arithmetic: str  # "1,000,000 requests × $0.0000002"; empty for lines saved without it
    usd: str
    assumption: str  # why the quantity is what it is


@dataclass(frozen=True)
class CostGroup:
    title: str  # the component, or the service for lines saved before components were priced
    usd: str
    lines: tuple[CostRow, ...]


@dataclass(frozen=True)
class Panel:
    ranked: tuple[RankedRow, ...]
    warnings: tuple[WarningRow, ...]
    broken_limits: tuple[LimitRow, ...]
    ok_limits: tuple[LimitRow, ...]
    cost: tuple[CostGroup, ...]
    monthly_usd: str
    cost_alternatives: tuple[CostGroup, ...]
    cost_region: str
    cost_free_tier: bool
    cost_notes: tuple[str, ...]
    checklist: tuple[str, ...]
    selected: tuple[Pattern, ...]
    rules_version: str
    alternatives: tuple[AlternativeRow, ...] = ()
    fits_lambda: bool = True
    container_priced: bool = False  # the long work is also priced as a container task, beside the total

    @property
    def best(self) -> RankedRow | None:
        return self.ranked[0] if self.ranked else None

    @property
    def cost_caveat(self) -> str:
        """When the core of the work does not belong in Lambda, what the total prices: the
        proposed patterns run it in functions, and the options that would run it instead
        are not priced. Empty otherwise."""
        if self.fits_lambda or not self.cost:
            return ""
        if self.container_priced:
            return ("The total prices the core work in Lambda, as the proposed patterns would run it. The same work "
                    "as Fargate tasks is priced under the other options, beside the total; the other services "
                    "suggested above are not priced here.")
        return ("The total prices the core work in Lambda, as the proposed patterns would run it; the services "
                "suggested above to run it instead are not priced here.")

    @property
    def summary(self) -> str:
        """One sentence for screen readers after each update."""
        if not self.ranked:
            return "No pattern fits these answers yet."
        best = self.ranked[0]
        risks = f", {len(self.warnings)} risk{'s' if len(self.warnings) != 1 else ''}" if self.warnings else ""
        lead = "" if self.fits_lambda else f"Lambda is not the answer for the core work: {self.alternatives[0].title}. "
        return f"{lead}Best fit: {best.pattern.name} ({best.percent}%){risks}, about {self.monthly_usd} a month."


# Said beside a drawing of a recommendation whose core work does not belong in Lambda: the
# drawing shows the proposed patterns, which run it in functions.
DRAWN_IN_LAMBDA = ("The core work is drawn in Lambda, as the proposed patterns would run it; the services the "
                   "recommendation suggests to run it instead are not drawn.")


def build_panel(engine: Engine, recommendation: Recommendation) -> Panel:
    catalogue = engine.catalogue
    words = words_for(catalogue)
    patterns = catalogue.pattern_map
    selected = set(recommendation.selected)
    ranked = tuple(
        RankedRow(patterns[item.pattern], round(item.score * 100), item.pattern in selected,
                  tuple(explain(reason, words) for reason in item.reasons))
        for item in recommendation.recommendations if item.pattern in patterns
    )
    warnings = tuple(
        WarningRow(catalogue.warning_map[hit.id], hit.severity, patterns.get(hit.pattern or ""),
                   explain(hit.explanation, words, catalogue.warning_map[hit.id].advice.strip()))
        for hit in recommendation.warnings if hit.id in catalogue.warning_map
    )
    limits = [
        LimitRow(check, catalogue.limit_map[check.id].name if check.id in catalogue.limit_map else check.id,
                 formatting.number(check.value), formatting.number(check.limit), UNIT_LABELS.get(check.unit, check.unit),
                 explain(check.explanation, words))
        for check in recommendation.limits
    ]
    return Panel(
        ranked=ranked,
        warnings=warnings,
        broken_limits=tuple(row for row in limits if not row.check.ok),
        ok_limits=tuple(row for row in limits if row.check.ok),
        cost=cost_groups(recommendation.cost.lines),
        monthly_usd=formatting.usd(recommendation.cost.monthly_usd),
        cost_alternatives=cost_groups(recommendation.cost.alternatives),
        cost_region=recommendation.cost.region,
        cost_free_tier=recommendation.cost.free_tier,
        cost_notes=recommendation.cost.notes,
        checklist=recommendation.checklist,
        selected=tuple(patterns[slug] for slug in recommendation.selected if slug in patterns),
        rules_version=recommendation.rules_version,
        alternatives=tuple(
            AlternativeRow(hit.id, hit.title, hit.fits_lambda,
                           tuple(patterns[slug] for slug in hit.replaces if slug in patterns),
                           explain(hit.explanation, words))
            for hit in recommendation.alternatives
        ),
        fits_lambda=recommendation.fits_lambda,
        container_priced=recommendation.cost.prices_a_container_instead,
    )


@lru_cache(maxsize=64)
def pattern_url(slug: str) -> str:
    return reverse("questionnaire:pattern", args=[slug])


@lru_cache(maxsize=256)
def flow_html(kind: WarningKind) -> SafeString:
    """The bad/better flow of a warning: catalogue text, the same for every answer set,
    so it is rendered once per version of the warning rather than on every update."""
    return SafeString(render_to_string("questionnaire/_flow.html", {"kind": kind}))


def explain(explanation: Explanation, words: Words, advice: str = "") -> Explained:
    """An engine explanation laid out for the page: the sentence, each answer it read as its
    question and the answer as offered, and the advice. A stored explanation (one line of
    text, from a saved revision) is read back into the same three parts."""
    if not explanation.answers and not explanation.advice:
        explanation = _read_stored(explanation.why, words, advice)
    answers = tuple(NamedAnswer(a.key, words.value(a.key, a.answer) if a.typed else words.shown(a.key, a.value),
                                words.question(a.key)) for a in explanation.answers)
    return Explained(explanation.why, answers, explanation.advice)


# The answers part of a stored explanation: " (key=value, key=value)" (see Explanation.text).
_STORED_ANSWERS = re.compile(r" \(((?:[a-z_][a-z0-9_]*=[^=]*?)(?:, [a-z_][a-z0-9_]*=[^=]*?)*)\)(?: |$)")
_STORED_PAIR = re.compile(r"(?:^|, )([a-z_][a-z0-9_]*)=")


def _read_stored(text: str, words: Words, advice: str) -> Explanation:
    """``Explanation.text`` taken apart again, for explanations saved before they were kept
    in parts: the sentence, the answers (only keys the questionnaire has), the advice."""
    for match in _STORED_ANSWERS.finditer(text):
        inside = match.group(1)
        keys = _STORED_PAIR.findall(inside)
        if not keys or any(key not in words.questions for key in keys):
            continue
        values = _STORED_PAIR.split(inside)[1:]  # key, value, key, value...
        answers = tuple(ShownAnswer(values[i], values[i + 1]) for i in range(0, len(values), 2))
        rest = text[match.end():].strip()
        return Explanation(text[:match.start()].strip(), answers, rest)
    if advice and text.endswith(" " + advice):
        return Explanation(text[: -len(advice) - 1].strip(), (), advice)
    return Explanation(text)


def saved_recommendation(engine: Engine, data: Mapping[str, Any], answers: Mapping[str, Any]) -> Recommendation:
    """A stored recommendation as the typed object. Under the rules it was saved with, the
    engine gives its reasons, risks, limits and alternatives again with every explanation in parts;
    otherwise they are read back from what was stored. Everything else (cost, checklist)
    is the stored one."""
    stored = Recommendation.from_dict(data, answers)
    if data.get("rules_version") != engine.version:
        return stored
    try:
        again = engine.recommend(dict(answers), patterns=tuple(data.get("selected", ())))
    except AnswerError:
        return stored
    same = (
        [r.to_dict() for r in again.recommendations] == list(data["recommendations"])
        and [w.to_dict() for w in again.warnings] == list(data["warnings"])
        and [c.to_dict() for c in again.limits] == list(data["limits"])
        and list(again.checklist) == list(data["checklist"])
    )
    if not same:
        return stored
    # The alternatives too, when they came out the same (saved before there were any, there are none).
    alternatives = (again.alternatives if [a.to_dict() for a in again.alternatives] == list(data.get("alternatives", ()))
                    else stored.alternatives)
    typed = replace(stored, recommendations=again.recommendations, warnings=again.warnings, limits=again.limits,
                    alternatives=alternatives)
    # The stored cost and architecture (kept where their cached properties keep values) stay.
    for name in ("cost", "architecture"):
        if name in stored.__dict__:
            object.__setattr__(typed, name, stored.__dict__[name])
    return typed


def cost_groups(lines) -> tuple[CostGroup, ...]:
    """Cost lines grouped by the component they price, in the order the components come, each
    line with its arithmetic and assumption."""
    grouped: dict[str, list] = {}
    for line in lines:
        grouped.setdefault(line.component_name or line.service, []).append(line)
    return tuple(
        CostGroup(title, formatting.usd(round(sum(line.usd for line in group), 2)),
                  tuple(CostRow(line.service, line.arithmetic, formatting.usd(line.usd), line.assumption or line.basis)
                        for line in group))
        for title, group in grouped.items()
    )


def stored_panel(engine: Engine, data: Mapping[str, Any], answers: Mapping[str, Any]) -> Panel:
    """The panel for a recommendation kept with a saved revision."""
    return build_panel(engine, saved_recommendation(engine, data, answers))


# The short panel ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RiskLine:
    title: str
    severity: str
    pattern: str  # the pattern's name, "" for a risk of the whole workload

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity.title())


@dataclass(frozen=True)
class BrokenLimit:
    name: str
    value: str  # formatted, with its unit
    limit: str


@dataclass(frozen=True)
class Glance:
    """What the short panel beside the form shows: the best fit and why, the risks by
    severity, the monthly total and the limits broken. Names, words and numbers only, so it
    is small to keep and to compare with the next answer's (``changes``)."""

    best: str  # the best fit's name; "" when no pattern fits
    best_slug: str
    percent: int
    why: str  # the best fit's first reason
    also: tuple[str, ...]  # the other patterns of the proposed architecture
    instead: str  # what replaces Lambda for the core work; "" when Lambda fits
    risks: tuple[RiskLine, ...]  # every risk, most severe first
    monthly: float
    broken: tuple[BrokenLimit, ...]

    @property
    def url(self) -> str:
        return pattern_url(self.best_slug) if self.best_slug else ""

    @property
    def monthly_usd(self) -> str:
        return formatting.usd(self.monthly)

    @property
    def top_risks(self) -> tuple[RiskLine, ...]:
        return self.risks[:GLANCE_RISKS]

    @property
    def more_risks(self) -> int:
        return max(0, len(self.risks) - GLANCE_RISKS)

    @property
    def top_broken(self) -> tuple[BrokenLimit, ...]:
        return self.broken[:GLANCE_LIMITS]

    @property
    def more_broken(self) -> int:
        return max(0, len(self.broken) - GLANCE_LIMITS)

    @property
    def summary(self) -> str:
        """One sentence for screen readers after each update."""
        if not self.best:
            return "No pattern fits these answers yet."
        count = len(self.risks)
        risks = f", {count} risk{'s' if count != 1 else ''}" if count else ""
        broken = f", {len(self.broken)} limit{'s' if len(self.broken) != 1 else ''} broken" if self.broken else ""
        lead = f"Lambda is not the answer for the core work: {self.instead}. " if self.instead else ""
        return f"{lead}Best fit: {self.best} ({self.percent}%){risks}{broken}, about {self.monthly_usd} a month."


def build_glance(engine: Engine, recommendation: Recommendation) -> Glance:
    """The short panel for a recommendation. It reads one reason and no advice, and prices
    the proposed architecture for the monthly total (the cost lines are laid out only in the
    full recommendation)."""
    catalogue = engine.catalogue
    patterns = catalogue.pattern_map
    ranked = [item for item in recommendation.recommendations if item.pattern in patterns]
    best = ranked[0] if ranked else None
    warnings = catalogue.warning_map
    limits = catalogue.limit_map
    instead = next((hit.title for hit in recommendation.alternatives if not hit.fits_lambda), "")
    return Glance(
        best=patterns[best.pattern].name if best else "",
        best_slug=best.pattern if best else "",
        percent=round(best.score * 100) if best else 0,
        why=best.reasons[0].why if best and best.reasons else "",
        also=tuple(patterns[slug].name for slug in recommendation.selected
                   if slug in patterns and (best is None or slug != best.pattern)),
        instead=instead,
        risks=tuple(RiskLine(warnings[hit.id].title, hit.severity,
                             patterns[hit.pattern].name if hit.pattern in patterns else "")
                    for hit in recommendation.warnings if hit.id in warnings),
        monthly=recommendation.cost.monthly_usd,
        broken=tuple(BrokenLimit(limits[check.id].name if check.id in limits else check.id,
                                 _with_unit(check.value, check.unit), _with_unit(check.limit, check.unit))
                     for check in recommendation.limits if not check.ok),
    )


def _with_unit(value: float, unit: str) -> str:
    label = UNIT_LABELS.get(unit, unit)
    text = formatting.number(value)
    if not label:
        return text
    return f"{text}{label}" if label.startswith("/") else f"{text} {label}"


@dataclass(frozen=True)
class Change:
    text: str
    tone: str  # "worse", "better" or "neutral": how the change reads for the workload


@dataclass(frozen=True)
class Changes:
    """What changed in the short panel since the answers before; ``compared`` is False when
    there were none to compare with (a page just opened)."""

    compared: bool
    items: tuple[Change, ...] = ()

    @property
    def shown(self) -> tuple[Change, ...]:
        return self.items[:GLANCE_CHANGES]

    @property
    def more(self) -> int:
        return max(0, len(self.items) - GLANCE_CHANGES)


def compare(before: Glance | None, after: Glance) -> Changes:
    """What changed in the short panel from one answer to the next, in words, the most
    telling first: the best fit, Lambda's place, the cost, then limits and risks."""
    if before is None:
        return Changes(compared=False)
    found: list[Change] = []
    if before.best != after.best:
        if after.best:
            was = f" (was {before.best})" if before.best else ""
            found.append(Change(f"Best fit is now {after.best}{was}.", "neutral"))
        else:
            found.append(Change("No pattern fits any more.", "worse"))
    if before.instead != after.instead:
        if after.instead:
            found.append(Change(f"Lambda is no longer the answer for the core work: {after.instead}.", "worse"))
        else:
            found.append(Change("Lambda fits the core work again.", "better"))
    if formatting.usd(before.monthly) != formatting.usd(after.monthly):
        difference = after.monthly - before.monthly
        direction = "up" if difference > 0 else "down"
        found.append(Change(f"Cost {direction} {formatting.usd(abs(difference))} to {after.monthly_usd} a month.",
                            "worse" if difference > 0 else "better"))
    old_broken = {limit.name: limit for limit in before.broken}
    new_broken = {limit.name: limit for limit in after.broken}
    broken = [f"{limit.name} ({limit.value}; AWS allows {limit.limit})" for name, limit in new_broken.items()
              if name not in old_broken]
    found += _listed(broken, "Limit now broken", "limits now broken", "worse")
    old_risks = {(risk.title, risk.pattern): risk for risk in before.risks}
    new_risks = {(risk.title, risk.pattern): risk for risk in after.risks}
    appeared = [f"{_risk_name(risk)} ({risk.severity_label.lower()})" for key, risk in new_risks.items()
                if key not in old_risks]
    found += _listed(appeared, "New risk", "new risks", "worse")
    mended = [name for name in old_broken if name not in new_broken]
    found += _listed(mended, "Limit no longer broken", "limits no longer broken", "better")
    gone = [_risk_name(risk) for key, risk in old_risks.items() if key not in new_risks]
    found += _listed(gone, "Risk gone", "risks gone", "better")
    for key, risk in new_risks.items():
        if key in old_risks and old_risks[key].severity != risk.severity:
            found.append(Change(f"{_risk_name(risk)} is now {risk.severity_label.lower()} "
                                f"(was {old_risks[key].severity_label.lower()}).", "neutral"))
    return Changes(compared=True, items=tuple(found))


def _listed(names: list[str], one: str, many: str, tone: str) -> list[Change]:
    """"New risk: A." or "3 new risks: A; B; C." (one line for a list of like changes)."""
    if not names:
        return []
    if len(names) == 1:
        return [Change(f"{one}: {names[0]}.", tone)]
    return [Change(f"{len(names)} {many}: {'; '.join(names)}.", tone)]


def _risk_name(risk: RiskLine) -> str:
    return f"{risk.title} in {risk.pattern}" if risk.pattern else risk.title
