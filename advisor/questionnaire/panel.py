"""The recommendation shaped for the page: names looked up, numbers formatted, answers named.

The engine's reasons and warnings end with the answers that caused them, as
``"... (client_waits=false, trigger=http)"``; the page shows those as separate labels, so
they are split off here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from patterns.catalogue import Pattern, WarningKind
from patterns import formatting
from patterns.engine import Engine, LimitCheck, Recommendation

_NAMED_ANSWERS = re.compile(r"\s*\(((?:[a-z][a-z0-9_]*=[^()=]*?)(?:, [a-z][a-z0-9_]*=[^()=]*?)*)\)")
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
class CostGroup:
    service: str
    usd: str
    lines: tuple[tuple[str, str], ...]  # (basis, usd)


@dataclass(frozen=True)
class Panel:
    ranked: tuple[RankedRow, ...]
    warnings: tuple[WarningRow, ...]
    broken_limits: tuple[LimitRow, ...]
    ok_limits: tuple[LimitRow, ...]
    cost: tuple[CostGroup, ...]
    monthly_usd: str
    checklist: tuple[str, ...]
    selected: tuple[Pattern, ...]
    rules_version: str

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
        return f"Best fit: {best.pattern.name} ({best.percent}%){risks}, about {self.monthly_usd} a month."


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
                   explain(hit.message, labels))
        for hit in recommendation.warnings if hit.id in catalogue.warning_map
    )
    limits = [
        LimitRow(check, catalogue.limit_map[check.id].name if check.id in catalogue.limit_map else check.id,
                 formatting.number(check.value), formatting.number(check.limit), UNIT_LABELS.get(check.unit, check.unit),
                 explain(check.message, labels))
        for check in recommendation.limits
    ]
    return Panel(
        ranked=ranked,
        warnings=warnings,
        broken_limits=tuple(row for row in limits if not row.check.ok),
        ok_limits=tuple(row for row in limits if row.check.ok),
        cost=_cost_groups(recommendation),
        monthly_usd=formatting.usd(recommendation.cost.monthly_usd),
        checklist=recommendation.checklist,
        selected=tuple(patterns[slug] for slug in recommendation.selected if slug in patterns),
        rules_version=recommendation.rules_version,
    )


@lru_cache(maxsize=64)
def pattern_url(slug: str) -> str:
    return reverse("questionnaire:pattern", args=[slug])


@lru_cache(maxsize=256)
def flow_html(kind: WarningKind) -> SafeString:
    """The bad/better flow of a warning: catalogue text, the same for every answer set,
    so it is rendered once per version of the warning rather than on every update."""
    return SafeString(render_to_string("questionnaire/_flow.html", {"kind": kind}))


def explain(message: str, labels: dict[str, str]) -> Explained:
    """Split ``"why (a=1, b=true) advice"`` into the why, the named answers and the advice."""
    matches = [m for m in _NAMED_ANSWERS.finditer(message)]
    if not matches:
        return Explained(message.strip(), ())
    match = matches[-1]
    answers = []
    for pair in match.group(1).split(", "):
        key, _, value = pair.partition("=")
        answers.append(NamedAnswer(key, value, labels.get(key, key)))
    return Explained(message[: match.start()].strip(), tuple(answers), message[match.end():].strip())


def _cost_groups(recommendation: Recommendation) -> tuple[CostGroup, ...]:
    grouped: dict[str, list] = {}
    for line in recommendation.cost.lines:
        grouped.setdefault(line.service, []).append(line)
    return tuple(
        CostGroup(service, formatting.usd(sum(line.usd for line in lines)),
                  tuple((line.basis, formatting.usd(line.usd)) for line in lines))
        for service, lines in grouped.items()
    )
