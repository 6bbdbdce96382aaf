"""Two to four saved revisions side by side: one column each, one row per thing they can differ in.

``compare`` reads each revision's recommendation as the page shows it (the panel) and its
answers in the catalogue's words, and returns sections of rows; a row whose cells are not
all the same is marked as a difference. Nothing here touches a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from advisor.questionnaire.panel import Panel
from patterns.engine import Engine

from .changes import amount
from .evaluation import answer_rows

MIN_ITEMS, MAX_ITEMS = 2, 4
ABSENT = "—"

# One item of the compare URL: an architecture id (its latest revision) or "<id>r<number>".
ITEM = re.compile(r"^(\d{1,18})(?:r(\d{1,9}))?$")


class ItemError(ValueError):
    """The compare request names too few, too many or unreadable items."""


def parse_items(values: Sequence[str]) -> list[tuple[int, int | None]]:
    """(architecture id, revision number or None for the latest), duplicates dropped."""
    items: list[tuple[int, int | None]] = []
    for value in values:
        match = ITEM.match(value.strip())
        if match is None:
            raise ItemError(f"“{value[:40]}” is not an architecture or revision to compare.")
        item = (int(match[1]), int(match[2]) if match[2] else None)
        if item not in items:
            items.append(item)
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        picked = f"{len(items)} {'was' if len(items) == 1 else 'were'} picked"
        raise ItemError(f"Pick two to four architectures or revisions to compare ({picked}): "
                        "tick them in the list and press Compare.")
    return items


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]
    empty: str  # said instead of the rows when there are none

    @property
    def differs(self) -> bool:
        return any(row.differs for row in self.rows)


def _keyed_rows(keyed: list[dict[str, str]]) -> tuple[Row, ...]:
    """One row per key found in any column, in first-seen order; absent cells say so."""
    labels: list[str] = []
    for cells in keyed:
        labels += [label for label in cells if label not in labels]
    return tuple(Row(label, tuple(cells.get(label, ABSENT) for cells in keyed)) for label in labels)


def _risks(panel: Panel) -> dict[str, str]:
    return {f"{w.kind.title}{f' on {w.pattern.name}' if w.pattern else ''}": w.severity_label for w in panel.warnings}


def _limits(panel: Panel) -> dict[str, str]:
    """Every limit broken here, and the same limits' values where they are kept."""
    checked = {row.name: row for row in (*panel.broken_limits, *panel.ok_limits)}
    return {name: f"{amount(row.value, row.unit)}, {'within' if row.check.ok else 'above'} {amount(row.limit, row.unit)}"
            for name, row in checked.items()}


def compare(engine: Engine, panels: Sequence[Panel], answers: Sequence[Mapping[str, Any]]) -> list[Section]:
    summary = (
        Row("Best fit", tuple(f"{p.best.pattern.name} ({p.best.percent}%)" if p.best else "nothing fits" for p in panels)),
        Row("Patterns", tuple(", ".join(pattern.name for pattern in p.selected) or "none" for p in panels)),
        Row("Lambda fits the core work", tuple("yes" if p.fits_lambda else
                                               f"no: {p.alternatives[0].title}" if p.alternatives else "no"
                                               for p in panels)),
        Row("Monthly cost", tuple(p.monthly_usd for p in panels)),
    )
    costs = _keyed_rows([{group.title: group.usd for group in p.cost} for p in panels])
    risks = _keyed_rows([_risks(p) for p in panels])
    broken = {row.name for p in panels for row in p.broken_limits}
    limits = tuple(row for row in _keyed_rows([_limits(p) for p in panels]) if row.label in broken)
    differing = tuple(Row(question, tuple(values)) for question, *values in answer_rows(engine, *answers)
                      if len(set(values)) > 1)
    return [
        Section("Recommendation", summary, ""),
        Section("Cost by component", costs, "No component costs anything."),
        Section("Risks", risks, "No risks apply to any of them."),
        Section("AWS limits broken", limits, "None of them breaks an AWS limit."),
        Section("Answers that differ", differing, "Every answer is the same."),
    ]
