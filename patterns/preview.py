"""What a catalogue edit would change, worked out before it is saved: the scenarios whose
outcome changes and the saved architectures whose recommendation changes, comparing the
live engine with one compiled from a copy of the catalogue holding the edit."""

from __future__ import annotations

from dataclasses import dataclass, field

from .scenarios import run_scenarios

SAMPLE_SIZE = 5


@dataclass
class ScenarioShift:
    name: str
    passed_before: bool
    passed_after: bool
    ranked_before: tuple[str, ...]
    ranked_after: tuple[str, ...]
    failures_after: tuple[str, ...]


@dataclass
class Preview:
    scenarios: list[ScenarioShift] = field(default_factory=list)
    scenarios_run: int = 0
    architectures_checked: int = 0
    architectures_changed: int = 0
    sample: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # name, team, before, after


def _ranking(engine, answers) -> tuple[str, ...] | None:
    try:
        return tuple(r.pattern for r in engine.recommend(answers).recommendations)
    except Exception:  # noqa: BLE001 - answers the edited catalogue no longer accepts: a change to report
        return None


def preview(before, after) -> Preview:
    """``before`` and ``after`` are compiled engines (the live one, and the edited copy)."""
    from advisor.architectures.models import Architecture

    from .store import scenarios_from_db

    result = Preview()
    scenarios = [s for s in scenarios_from_db()]
    result.scenarios_run = len(scenarios)
    for old, new in zip(run_scenarios(scenarios, before), run_scenarios(scenarios, after)):
        if old.passed != new.passed or old.ranked != new.ranked:
            result.scenarios.append(ScenarioShift(old.scenario.name, old.passed, new.passed, old.ranked, new.ranked,
                                                  new.failures))
    for architecture in Architecture.objects.exclude(latest=None).select_related("latest", "team").order_by("id"):
        answers = architecture.latest.answers
        result.architectures_checked += 1
        old, new = _ranking(before, answers), _ranking(after, answers)
        if old != new:
            result.architectures_changed += 1
            if len(result.sample) < SAMPLE_SIZE:
                result.sample.append((architecture.name, architecture.team.name, old or ("(refused)",),
                                      new or ("(answers no longer accepted)",)))
    return result
