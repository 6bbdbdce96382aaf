"""The recommendation shaped for the page: names looked up, numbers formatted, answers named.

The engine explains each reason, risk and limit with the answers that caused it; the page
shows those answers as labels carrying their question, beside the sentence and the advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from patterns.catalogue import Pattern, WarningKind
from patterns import formatting
from patterns.engine import Engine, Explanation, LimitCheck, Recommendation

SEVERITY_LABELS = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}
# How a limit's unit reads after a number ("12,000" rather than "12,000 count").
UNIT_LABELS = {"count": "", "rps": "/s"}


@dataclass(frozen=True)
class NamedAnswer:
    key: str
    value: str
    label: str  # the question, for a tooltip


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

    @property
    def best(self) -> RankedRow | None:
        return self.ranked[0] if self.ranked else None

    @property
    def summary(self) -> str:
        """One sentence for screen readers after each update."""
        if not self.ranked:
            return "No pattern fits these answers yet."
        best = self.ranked[0]
        risks = f", {len(self.warnings)} risk{'s' if len(self.warnings) != 1 else ''}" if self.warnings else ""
        lead = "" if self.fits_lambda else f"Lambda is not the answer for the core work: {self.alternatives[0].title}. "
        return f"{lead}Best fit: {best.pattern.name} ({best.percent}%){risks}, about {self.monthly_usd} a month."


def build_panel(engine: Engine, recommendation: Recommendation) -> Panel:
    catalogue = engine.catalogue
    labels = {question.key: question.label for question in engine.questions}
    patterns = catalogue.pattern_map
    selected = set(recommendation.selected)
    ranked = tuple(
        RankedRow(patterns[item.pattern], round(item.score * 100), item.pattern in selected,
                  tuple(explain(reason, labels) for reason in item.reasons))
        for item in recommendation.recommendations if item.pattern in patterns
    )
    warnings = tuple(
        WarningRow(catalogue.warning_map[hit.id], hit.severity, patterns.get(hit.pattern or ""),
                   explain(hit.explanation, labels))
        for hit in recommendation.warnings if hit.id in catalogue.warning_map
    )
    limits = [
        LimitRow(check, catalogue.limit_map[check.id].name if check.id in catalogue.limit_map else check.id,
                 formatting.number(check.value), formatting.number(check.limit), UNIT_LABELS.get(check.unit, check.unit),
                 explain(check.explanation, labels))
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
                           explain(hit.explanation, labels))
            for hit in recommendation.alternatives
        ),
        fits_lambda=recommendation.fits_lambda,
    )


@lru_cache(maxsize=64)
def pattern_url(slug: str) -> str:
    return reverse("questionnaire:pattern", args=[slug])


@lru_cache(maxsize=256)
def flow_html(kind: WarningKind) -> SafeString:
    """The bad/better flow of a warning: catalogue text, the same for every answer set,
    so it is rendered once per version of the warning rather than on every update."""
    return SafeString(render_to_string("questionnaire/_flow.html", {"kind": kind}))


def explain(explanation: Explanation, labels: Mapping[str, str]) -> Explained:
    """An engine explanation laid out for the page: the sentence, each answer it read with
    its question as a label, and the advice."""
    answers = tuple(NamedAnswer(a.key, a.value, labels.get(a.key, a.key)) for a in explanation.answers)
    return Explained(explanation.why, answers, explanation.advice)


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
