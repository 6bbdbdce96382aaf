"""What changed: between two revisions, and between a saved recommendation and today's.

Pure functions over plain dicts (the SPEC §4.3 recommendation JSON, answers, pattern
slugs); no request, no ORM. Each returns a list of ``Difference`` lines that templates
group by section and the API returns as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, Mapping, Sequence

from patterns import formatting
from patterns.wording import Words, labelled

Kind = Literal["added", "removed", "changed"]

# A score moving less than this is noise, not news.
SCORE_STEP = 0.05


@dataclass(frozen=True)
class Difference:
    section: str
    kind: Kind
    text: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def fmt(value: Any) -> str:
    """An answer value as a person reads it."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return formatting.number(value)
    return str(value)


def as_words(names: Words | Mapping[str, str] | None) -> Words:
    """The catalogue's words; a plain mapping is taken as pattern names only."""
    if isinstance(names, Words):
        return names
    return Words(patterns=dict(names or {}))


def _answer_order(words: Words, keys: set[str]) -> list[str]:
    order = {key: index for index, key in enumerate(words.questions)}
    return sorted(keys, key=lambda key: (order.get(key, len(order)), key))


def diff_answers(before: Mapping[str, Any], after: Mapping[str, Any],
                 names: Words | Mapping[str, str] | None = None) -> list[Difference]:
    words = as_words(names)
    lines = []
    for key in _answer_order(words, set(before) | set(after)):
        label = words.question(key)
        if key not in before:
            lines.append(Difference("Answers", "added", labelled(label, words.value(key, after[key]))))
        elif key not in after:
            lines.append(Difference("Answers", "removed", labelled(label, words.value(key, before[key]))))
        elif before[key] != after[key]:
            change = f"{words.value(key, before[key])} → {words.value(key, after[key])}"
            lines.append(Difference("Answers", "changed", labelled(label, change)))
    return lines


def _set_changes(section: str, before: Sequence[str], after: Sequence[str], words: Words) -> list[Difference]:
    lines = [Difference(section, "added", words.pattern(slug)) for slug in after if slug not in before]
    lines += [Difference(section, "removed", words.pattern(slug)) for slug in before if slug not in after]
    return lines


def _percent(score: float) -> str:
    return f"{round(score * 100)}%"


def compare_recommendations(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Words | Mapping[str, str] | None = None
) -> list[Difference]:
    """How recommendation ``after`` differs from ``before`` (both SPEC §4.3 dicts), in the
    catalogue's words (pattern names, risk titles, limit names).

    The rules version is not a difference by itself: new rules that give the same
    advice change nothing for the reader.
    """
    words = as_words(names)
    name = words.pattern
    lines: list[Difference] = []

    ranked_before = {r["pattern"]: r["score"] for r in before.get("recommendations", [])}
    ranked_after = {r["pattern"]: r["score"] for r in after.get("recommendations", [])}
    first_before = next(iter(ranked_before), None)
    first_after = next(iter(ranked_after), None)
    if first_before != first_after:
        lines.append(Difference("Ranking", "changed", f"Best fit: {name(first_before)} → {name(first_after)}"))
    for slug, score in ranked_after.items():
        if slug not in ranked_before:
            lines.append(Difference("Ranking", "added", f"{name(slug)} now fits ({_percent(score)})"))
        elif abs(score - ranked_before[slug]) >= SCORE_STEP:
            lines.append(Difference("Ranking", "changed", f"{name(slug)} fit {_percent(ranked_before[slug])} → {_percent(score)}"))
    for slug in ranked_before:
        if slug not in ranked_after:
            lines.append(Difference("Ranking", "removed", f"{name(slug)} no longer fits"))

    lines += _set_changes("Patterns in the architecture", before.get("selected", []), after.get("selected", []), words)

    def warning_key(w: Mapping[str, Any]) -> tuple[str, str | None]:
        return (w["id"], w.get("pattern"))

    def warning_label(w: Mapping[str, Any]) -> str:
        where = f" on {name(w['pattern'])}" if w.get("pattern") else ""
        return f"{words.warning(w['id'], w.get('title', ''))}{where}"

    warnings_before = {warning_key(w): w for w in before.get("warnings", [])}
    warnings_after = {warning_key(w): w for w in after.get("warnings", [])}
    for key, w in warnings_after.items():
        old = warnings_before.get(key)
        if old is None:
            lines.append(Difference("Risks", "added", f"{warning_label(w)} ({w['severity']})"))
        elif old["severity"] != w["severity"]:
            lines.append(Difference("Risks", "changed", f"{warning_label(w)}: {old['severity']} → {w['severity']}"))
    for key, w in warnings_before.items():
        if key not in warnings_after:
            lines.append(Difference("Risks", "removed", f"{warning_label(w)} ({w['severity']})"))

    limits_before = {lim["id"]: lim for lim in before.get("limits", [])}
    limits_after = {lim["id"]: lim for lim in after.get("limits", [])}
    for limit_id in sorted(set(limits_before) | set(limits_after)):
        old, new = limits_before.get(limit_id), limits_after.get(limit_id)
        limit_name = words.limit(limit_id)
        was_broken = bool(old) and not old["ok"]
        is_broken = bool(new) and not new["ok"]
        if is_broken and not was_broken:
            unit = words.unit(new["unit"])
            text = f"{limit_name}: {amount(new['value'], unit)} against a limit of {amount(new['limit'], unit)}"
            lines.append(Difference("Hard limits broken", "added", text))
        elif was_broken and not is_broken:
            lines.append(Difference("Hard limits broken", "removed", f"{limit_name} is no longer broken"))
        elif old and new and old["limit"] != new["limit"]:
            text = f"{limit_name}: limit {fmt(old['limit'])} → {amount(new['limit'], words.unit(new['unit']))}"
            lines.append(Difference("Hard limits broken" if is_broken else "Hard limits", "changed", text))

    cost_before = before.get("cost", {}).get("monthly_usd")
    cost_after = after.get("cost", {}).get("monthly_usd")
    if cost_before is not None and cost_after is not None and round(cost_before, 2) != round(cost_after, 2):
        lines.append(Difference("Monthly cost", "changed", f"{formatting.usd(cost_before)} → {formatting.usd(cost_after)}"))

    lines += _set_changes("Checklist", before.get("checklist", []), after.get("checklist", []), Words())
    return lines


def amount(value: Any, unit: str) -> str:
    if not unit:
        return fmt(value)
    return f"{fmt(value)}{unit}" if unit.startswith("/") else f"{fmt(value)} {unit}"


def diff_revisions(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Words | Mapping[str, str] | None = None
) -> list[Difference]:
    """Two revision snapshots (``Revision.snapshot()``): answers, chosen patterns, outcome."""
    words = as_words(names)
    lines = diff_answers(before["answers"], after["answers"], words)
    lines += _set_changes("Chosen patterns", before["patterns"], after["patterns"], words)
    if before.get("follows_recommendation") != after.get("follows_recommendation"):
        text = "follows the advisor's proposal" if after.get("follows_recommendation") else "hand-picked"
        lines.append(Difference("Chosen patterns", "changed", f"Pattern set is now {text}"))
    return lines + compare_recommendations(before["recommendation"], after["recommendation"], words)


def grouped(lines: Sequence[Difference]) -> list[tuple[str, list[Difference]]]:
    """Lines by section, sections in first-seen order, for templates."""
    sections: dict[str, list[Difference]] = {}
    for line in lines:
        sections.setdefault(line.section, []).append(line)
    return list(sections.items())
