"""Scenarios: named answer sets with the outcome the catalogue must give them.

A scenario pins what the domain clearly implies for one workload (the patterns that must
or must not be ranked, the first pattern, the warnings that must or must not fire, the
limits that must break or hold) and leaves scores free. Scenarios ship in
``patterns/data/scenarios.yaml``, are copied into the database with the rest of the
catalogue, are edited in the admin, and run from the admin and by
``manage.py check_scenarios``. They describe the catalogue but are not part of it: editing
one does not change the rules version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .answers import AnswerError, validate_answers
from .catalogue import Catalogue, CatalogueError, checked_row

NAME_PATTERN = r"[a-z][a-z0-9-]{0,79}"

# The expectation fields, what each lists, and how a failure reads.
PATTERN_FIELDS = ("top", "recommended", "recommended_any", "not_recommended", "not_top")
WARNING_FIELDS = ("warnings", "no_warnings")
LIMIT_FIELDS = ("broken_limits", "unbroken_limits")
EXPECTATIONS = PATTERN_FIELDS + WARNING_FIELDS + LIMIT_FIELDS
EXPECTATION_HELP = {
    "top": "the first pattern must be one of these",
    "recommended": "each must be in the ranked list",
    "recommended_any": "at least one must be in the ranked list",
    "not_recommended": "none may be in the ranked list",
    "not_top": "none may be ranked first",
    "warnings": "each warning must fire",
    "no_warnings": "none of these warnings may fire",
    "broken_limits": "each limit must be checked and broken",
    "unbroken_limits": "each limit, when checked, must hold",
}
# Pairs of fields that may not name the same thing.
CONTRADICTIONS = (("recommended", "not_recommended"), ("top", "not_top"), ("top", "not_recommended"),
                  ("warnings", "no_warnings"), ("broken_limits", "unbroken_limits"))


@dataclass(frozen=True)
class Scenario:
    name: str
    answers: Mapping[str, Any]
    description: str = ""
    top: tuple[str, ...] = ()
    recommended: tuple[str, ...] = ()
    recommended_any: tuple[str, ...] = ()
    not_recommended: tuple[str, ...] = ()
    not_top: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    no_warnings: tuple[str, ...] = ()
    broken_limits: tuple[str, ...] = ()
    unbroken_limits: tuple[str, ...] = ()

    def to_row(self) -> dict[str, Any]:
        """The row as in scenarios.yaml: empty expectations left out."""
        row: dict[str, Any] = {"name": self.name}
        if self.description:
            row["description"] = self.description
        row["answers"] = dict(self.answers)
        for name in EXPECTATIONS:
            if getattr(self, name):
                row[name] = list(getattr(self, name))
        return row


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    failures: tuple[str, ...]
    ranked: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    broken: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures


def scenario_from_row(row: Any) -> Scenario:
    """One scenario from a YAML or admin row; ValueError names what is wrong."""
    checked_row(Scenario, row, "scenario")
    name = row.get("name")
    if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name):
        raise ValueError("name must be lower-case letters, digits and hyphens (at most 80)")
    answers = row.get("answers")
    if not isinstance(answers, dict):
        raise ValueError("answers must be a mapping of answer key to value")
    description = row.get("description") or ""
    if not isinstance(description, str):
        raise ValueError("description must be text")
    values: dict[str, Any] = {"name": name, "answers": dict(answers), "description": description}
    for field_name in EXPECTATIONS:
        items = row.get(field_name) or []
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ValueError(f"{field_name} must be a list of ids")
        values[field_name] = tuple(items)
    return Scenario(**values)


def scenarios_from_rows(rows: Iterable[Any]) -> tuple[Scenario, ...]:
    """Every scenario, or CatalogueError listing every bad row and duplicate name."""
    problems, scenarios, seen = [], [], set()
    for index, row in enumerate(rows or ()):
        label = row.get("name") if isinstance(row, dict) else None
        try:
            scenario = scenario_from_row(row)
        except ValueError as exc:
            problems.append(f"scenarios[{label or index}]: {exc}")
            continue
        if scenario.name in seen:
            problems.append(f"scenario '{scenario.name}' is defined twice")
        seen.add(scenario.name)
        scenarios.append(scenario)
    if problems:
        raise CatalogueError(problems)
    return tuple(scenarios)


def check_scenario(scenario: Scenario, catalogue: Catalogue) -> list[str]:
    """What makes the scenario unusable with this catalogue (not whether it passes)."""
    where = f"scenario '{scenario.name}'"
    problems = []
    try:
        validate_answers(dict(scenario.answers), tuple(catalogue.questions))
    except AnswerError as exc:
        problems += [f"{where}: answers: {key}: {message}" if key else f"{where}: answers: {message}"
                     for key, message in exc.errors.items()]
    known = {"pattern": catalogue.pattern_map, "warning": catalogue.warning_map, "limit": catalogue.limit_map}
    for kind, names in (("pattern", PATTERN_FIELDS), ("warning", WARNING_FIELDS), ("limit", LIMIT_FIELDS)):
        for field_name in names:
            for item in getattr(scenario, field_name):
                if item not in known[kind]:
                    problems.append(f"{where}: {field_name}: unknown {kind} '{item}'")
    for first, second in CONTRADICTIONS:
        both = sorted(set(getattr(scenario, first)) & set(getattr(scenario, second)))
        if both:
            problems.append(f"{where}: {', '.join(both)} cannot be in both {first} and {second}")
    if not any(getattr(scenario, name) for name in EXPECTATIONS):
        problems.append(f"{where}: expects nothing; name at least one pattern, warning or limit")
    return problems


def check_scenarios(scenarios: Iterable[Scenario], catalogue: Catalogue) -> list[str]:
    return [problem for scenario in scenarios for problem in check_scenario(scenario, catalogue)]


def _names(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items) if items else "none"


def run_scenario(scenario: Scenario, engine) -> ScenarioResult:
    """Recommend for the scenario's answers and compare with what it expects.

    Each failure says what was expected and what the catalogue gave instead.
    """
    result = engine.recommend(dict(scenario.answers))
    ranked = tuple(r.pattern for r in result.recommendations)
    fired = tuple(dict.fromkeys(w.id for w in result.warnings))
    checks: dict[str, list[bool]] = {}
    for check in result.limits:
        checks.setdefault(check.id, []).append(check.ok)
    broken = tuple(limit_id for limit_id, oks in checks.items() if not all(oks))
    failures = []
    first = ranked[0] if ranked else None
    if not ranked:
        failures.append("expected a ranked list; got no pattern at all")
    if scenario.top and first not in scenario.top:
        failures.append(f"top: expected {' or '.join(scenario.top)} first; got {first or 'nothing'} "
                        f"(ranked: {_names(ranked)})")
    missing = [slug for slug in scenario.recommended if slug not in ranked]
    if missing:
        failures.append(f"recommended: expected {_names(missing)} in the ranked list; got {_names(ranked)}")
    if scenario.recommended_any and not set(scenario.recommended_any) & set(ranked):
        failures.append(f"recommended_any: expected one of {_names(scenario.recommended_any)} in the ranked list; "
                        f"got {_names(ranked)}")
    unwanted = [slug for slug in scenario.not_recommended if slug in ranked]
    if unwanted:
        failures.append(f"not_recommended: expected {_names(unwanted)} not to be ranked; got {_names(ranked)}")
    if first in scenario.not_top:
        failures.append(f"not_top: expected {first} not to be first; got {_names(ranked)}")
    missing = [wid for wid in scenario.warnings if wid not in fired]
    if missing:
        failures.append(f"warnings: expected {_names(missing)} to fire; fired: {_names(fired)}")
    unwanted = [wid for wid in scenario.no_warnings if wid in fired]
    if unwanted:
        failures.append(f"no_warnings: expected {_names(unwanted)} not to fire; fired: {_names(fired)}")
    for limit_id in scenario.broken_limits:
        if limit_id not in checks:
            failures.append(f"broken_limits: expected {limit_id} to be checked and broken; it was not checked "
                            f"(checked: {_names(checks)})")
        elif limit_id not in broken:
            failures.append(f"broken_limits: expected {limit_id} to be broken; it holds")
    held_wrongly = [limit_id for limit_id in scenario.unbroken_limits if limit_id in broken]
    if held_wrongly:
        failures.append(f"unbroken_limits: expected {_names(held_wrongly)} to hold; broken: {_names(broken)}")
    return ScenarioResult(scenario, tuple(failures), ranked, fired, broken)


def run_scenarios(scenarios: Iterable[Scenario], engine) -> list[ScenarioResult]:
    return [run_scenario(scenario, engine) for scenario in scenarios]


def load_scenario_files(directory=None) -> tuple[Scenario, ...]:
    """The shipped scenarios (or those of another data folder or exported tree)."""
    from .catalogue import DATA_DIR, read_catalogue_dir

    return scenarios_from_rows(read_catalogue_dir(directory or DATA_DIR).get("scenarios") or ())
