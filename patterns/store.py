"""The database side of the catalogue: rows <-> Catalogue, loading, and the live engine.

Everything outside this module reads the catalogue through ``current_engine()``. The
compiled engine is kept per process and rebuilt when ``CatalogueState.version`` moves,
which every save or delete of a catalogue row does (see ``patterns.signals``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F

from . import catalogue as values
from . import history
from .engine import Engine, check_catalogue, compile_catalogue
from .models import (
    AnalyzerFinding, CatalogueChange, CatalogueState, ChecklistItem, LambdaAlternative, LambdaRuntime, Limit, Pattern,
    Price, Question, Rule, Scenario, WarningKind,
)
from .catalogue_io import KEY_FIELDS
from .read_by_code import limit_readers
from .catalogue_io import KINDS as WRITE_ORDER
from .scenarios import check_scenarios, scenarios_from_rows

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_live: dict[str, Any] = {"version": None, "engine": None, "checked": 0.0}
# How long a process trusts its engine before asking the database whether the catalogue
# changed. Edits made by this process are seen at once; other processes' within this time.
CHECK_INTERVAL_SECONDS = 1.0


class CatalogueNotLoaded(RuntimeError):
    pass


def catalogue_parts() -> dict[str, list]:
    """The database rows as value objects, by kind (10 queries)."""
    pattern_warnings: dict[int, list[str]] = {}
    for pattern_id, warning_id in Pattern.warnings.through.objects.values_list("pattern_id", "warningkind_id"):
        pattern_warnings.setdefault(pattern_id, []).append(warning_id)
    return {
        "patterns": [p.to_value(tuple(sorted(pattern_warnings.get(p.pk, ())))) for p in Pattern.objects.all()],
        "warnings": [w.to_value() for w in WarningKind.objects.all()],
        "limits": [lim.to_value() for lim in Limit.objects.all()],
        "prices": [p.to_value() for p in Price.objects.all()],
        "questions": [q.to_value() for q in Question.objects.all()],
        "rules": [r.to_value() for r in Rule.objects.all()],
        "checklist": [c.to_value() for c in ChecklistItem.objects.all()],
        "alternatives": [a.to_value() for a in LambdaAlternative.objects.all()],
        "findings": [f.to_value() for f in AnalyzerFinding.objects.all()],
        "runtimes": [r.to_value() for r in LambdaRuntime.objects.all()],
    }


def build(parts: dict[str, Iterable]) -> values.Catalogue:
    return values.Catalogue(**{kind: tuple(items) for kind, items in parts.items()})


def catalogue_from_db() -> values.Catalogue:
    return build(catalogue_parts())


def problems_after_change(kind: str, key: str | None, new_value: Any | None) -> list[str]:
    """What would be wrong with the catalogue if the row ``key`` of ``kind`` became
    ``new_value`` (None deletes it, a None key adds it). Used by the admin to refuse
    edits that would break rules, questions or patterns."""
    parts = catalogue_parts()
    items = parts[kind]
    id_field = {"patterns": "slug", "questions": "key", "rules": "name"}.get(kind, "id")
    kept = [item for item in items if key is None or getattr(item, id_field) != key]
    if new_value is not None:
        kept.append(new_value)
    parts[kind] = kept
    return check_catalogue(build(parts))


def current_token() -> str:
    return str(CatalogueState.objects.filter(pk=1).values_list("token", flat=True).first() or "")


def current_engine() -> Engine:
    """The compiled catalogue this process should answer with."""
    now = time.monotonic()
    if _live["engine"] is not None and now - _live["checked"] < CHECK_INTERVAL_SECONDS:
        return _live["engine"]
    version = current_token()
    if _live["engine"] is not None and _live["version"] == version:
        _live["checked"] = now
        return _live["engine"]
    with _lock:
        if _live["engine"] is not None and _live["version"] == version:
            return _live["engine"]
        catalogue = catalogue_from_db()
        if not catalogue.patterns or not catalogue.questions:
            raise CatalogueNotLoaded("The catalogue is empty: run `python manage.py load_catalogue`.")
        try:
            engine = compile_catalogue(catalogue)
        except values.CatalogueError as exc:
            # The admin and the loader refuse bad rows; if one got in some other way (SQL, a
            # fixture), keep answering with the last good catalogue, or the shipped one in a
            # fresh process. Remembered under this version: looked at again after the next edit.
            engine = _live["engine"] or compile_catalogue(values.load_files())
            logger.error("catalogue edit %s is not usable, so the %s catalogue answers instead: %s", version,
                         "previous" if _live["engine"] is not None else "shipped", exc)
        _live.update(version=version, engine=engine, checked=now)
        return engine


@lru_cache(maxsize=1)
def shipped_engine() -> Engine:
    """The catalogue as shipped in the YAML files, compiled once per process."""
    return compile_catalogue(values.load_files())


def live_or_shipped_engine() -> Engine:
    """The catalogue staff edit, or the shipped files while the database has none yet (not
    migrated, not loaded, or not reachable): what the read-only commands and the API
    schema answer with, so they work on a fresh checkout."""
    try:
        return current_engine()
    except (CatalogueNotLoaded, DatabaseError):
        return shipped_engine()


def bump_version() -> None:
    _live["checked"] = 0.0  # look again on the next request, and again once the edit is committed
    transaction.on_commit(lambda: _live.update(checked=0.0))
    updated = CatalogueState.objects.filter(pk=1).update(version=F("version") + 1, token=uuid.uuid4())
    if not updated:
        CatalogueState.objects.get_or_create(pk=1, defaults={"version": 1})


def _reasons(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


MODELS = {"patterns": Pattern, "warnings": WarningKind, "limits": Limit, "prices": Price, "questions": Question,
          "rules": Rule, "checklist": ChecklistItem, "scenarios": Scenario, "alternatives": LambdaAlternative,
          "findings": AnalyzerFinding, "runtimes": LambdaRuntime}


def key_of(kind: str, item: Any) -> str:
    return getattr(item, KEY_FIELDS.get(kind, "id"))


def row_fields(kind: str, item: Any) -> dict[str, Any]:
    """The model fields (other than the key) that hold one value object of ``kind``."""
    if kind == "warnings":
        return {"title": item.title, "severity": item.severity, "summary": item.summary,
                "bad": "\n".join(item.bad), "better": "\n".join(item.better), "advice": item.advice}
    if kind == "limits":
        return {"name": item.name, "value": item.value, "unit": item.unit, "source": item.source,
                "as_of": item.as_of or None, "verified": item.verified, "notes": item.notes}
    if kind == "prices":
        return {"service": item.service, "name": item.name, "usd": str(item.usd), "per": int(item.per),
                "unit": item.unit, "source": item.source, "as_of": item.as_of or None,
                "verified": item.verified, "notes": item.notes, "free": item.free, "up_to": item.up_to,
                "region": item.region}
    if kind == "questions":
        return {"label": item.label, "help": item.help, "type": item.type,
                "choices": [{"value": c.value, "label": c.label} for c in item.choices], "default": item.default,
                "min": item.min, "max": item.max, "nullable": item.nullable, "unit": item.unit,
                "section": item.section, "when": item.when, "when_hidden": item.when_hidden,
                "default_from": item.default_from,
                "at_least": item.at_least, "order": item.order}
    if kind == "patterns":
        return {"name": item.name, "summary": item.summary, "when_to_use": "\n".join(item.when_to_use),
                "tradeoffs": [{"benefit": t.benefit, "cost": t.cost} for t in item.tradeoffs],
                "rule_of_thumb": item.rule_of_thumb, "services": "\n".join(item.services),
                "alternatives": [{"instead_of": a.instead_of, "use": a.use, "why": a.why} for a in item.alternatives],
                "best_for": item.best_for, "main_risk": item.main_risk, "order": item.order}
    if kind == "rules":
        return {"effect": item.effect, "when": item.when, "pattern": item.pattern, "weight": item.weight,
                "warning_id": item.warning or None, "severity": item.severity, "limit_id": item.limit or None,
                "value": item.value, "explanation": item.explanation, "enabled": item.enabled, "order": item.order}
    if kind == "checklist":
        return {"text": item.text, "when": item.when, "patterns": list(item.patterns), "order": item.order}
    if kind == "scenarios":
        return Scenario.fields_from_value(item)
    if kind == "alternatives":
        return {"title": item.title, "when": item.when, "why": item.why, "lambda_role": item.lambda_role,
                "replaces": list(item.replaces), "patterns": list(item.patterns), "fits_lambda": item.fits_lambda,
                "order": item.order}
    if kind == "findings":
        return {"title": item.title, "severity": item.severity, "explanation": item.explanation, "fix": item.fix,
                "cases": [{"case": c.case, "severity": c.severity, "explanation": c.explanation, "fix": c.fix}
                          for c in item.cases]}
    if kind == "runtimes":
        return {"deprecated": item.deprecated, "source": item.source, "as_of": item.as_of or None,
                "verified": item.verified, "notes": item.notes}
    raise KeyError(kind)


def write_row(kind: str, item: Any, update: bool) -> bool:
    """Create the row for ``item`` (or, with ``update``, overwrite the one with its key);
    True when a row was created."""
    model = MODELS[kind]
    lookup = {KEY_FIELDS.get(kind, "id"): key_of(kind, item)}
    fields = row_fields(kind, item)
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup, **fields)
    elif update:
        for name, value in fields.items():
            setattr(obj, name, value)
    else:
        return False
    # The field checks the admin applies (lengths, choices, slugs): a file row the admin
    # would refuse is refused here with the same reason (ValidationError).
    obj.full_clean(validate_unique=False)
    obj.save()
    if kind == "patterns" and (created or update):
        obj.warnings.set(item.warnings)
    return created


def scenarios_from_db() -> tuple:
    return tuple(s.to_value() for s in Scenario.objects.all())


def load_files_into_db(directory: Path = values.DATA_DIR, reset: bool = False, *,
                       skip_removed: bool = False, source: str = "load_catalogue") -> dict[str, int]:
    """Copy the YAML catalogue (and its scenarios) into the database.

    Without ``reset`` only missing rows are added, so staff edits survive; with
    ``skip_removed`` not even those whose removal the history records, so a row deleted on
    purpose stays deleted. With ``reset`` every row is replaced by the file's version and rows
    not in the files are removed. The result is checked as a whole before the transaction
    commits. ``directory`` is a data folder or an exported tree (see
    ``values.read_catalogue_dir``).
    """
    data = values.read_catalogue_dir(Path(directory))
    shipped = values.Catalogue.from_dict(data)
    shipped_scenarios = scenarios_from_rows(data.get("scenarios") or ())
    problems = check_catalogue(shipped) or check_scenarios(shipped_scenarios, shipped)
    if problems:
        raise values.CatalogueError(problems)
    created: dict[str, int] = {}
    removed = removed_rows() if skip_removed and not reset else frozenset()
    with transaction.atomic(), history.recording(source=source):
        if reset:
            for model in (Scenario, Rule, ChecklistItem, LambdaAlternative, AnalyzerFinding, LambdaRuntime, Pattern,
                          Question, Price, Limit, WarningKind):
                model.objects.all().delete()
        refused: list[str] = []
        for kind in WRITE_ORDER:
            items = shipped_scenarios if kind == "scenarios" else getattr(shipped, kind)
            for item in items:
                if (kind, key_of(kind, item)) in removed:
                    continue
                try:
                    created[kind] = created.get(kind, 0) + int(write_row(kind, item, update=False))
                except ValidationError as exc:
                    refused.append(f"{kind} '{key_of(kind, item)}': {_reasons(exc)}")
        if refused:
            raise values.CatalogueError(refused)
        problems = check_catalogue(catalogue_from_db())
        if problems:
            raise values.CatalogueError(problems)
        bump_version()
    return created


# Kinds of row the product needs every one of: a removal on record does not keep them out.
ALWAYS_RESTORED = frozenset({"findings"})


def removed_rows() -> frozenset[tuple[str, str]]:
    """(kind, key) of every catalogue row the history records as removed, but for kinds the
    product needs whole (the analyzer reads a text for every finding it reports) and the limit
    rows the code reads (``patterns.read_by_code``)."""
    needed = limit_readers()
    return frozenset(row for row in CatalogueChange.objects.filter(action="remove").exclude(kind__in=ALWAYS_RESTORED)
                     .values_list("kind", "key") if not (row[0] == "limits" and row[1] in needed))


def read_incoming(directory: Path) -> tuple[values.Catalogue, tuple]:
    """The catalogue and scenarios in ``directory``, checked as a whole; CatalogueError lists
    every reason it cannot be imported."""
    data = values.read_catalogue_dir(Path(directory))
    incoming = values.Catalogue.from_dict(data)
    incoming_scenarios = scenarios_from_rows(data.get("scenarios") or ())
    problems = check_catalogue(incoming) + check_scenarios(incoming_scenarios, incoming)
    if problems:
        raise values.CatalogueError(problems)
    return incoming, incoming_scenarios


def plan_update(directory: Path):
    """What importing ``directory`` would add, change and remove in the database."""
    from .catalogue_io import catalogue_diff

    incoming, incoming_scenarios = read_incoming(directory)
    return catalogue_diff(catalogue_from_db(), scenarios_from_db(), incoming, incoming_scenarios), incoming


def apply_update(changes, incoming: values.Catalogue) -> None:
    """Make the database hold ``incoming``: write the added and changed rows, delete the
    removed ones, in one transaction that is rolled back unless the result is ``incoming``."""
    with transaction.atomic(), history.recording(source="load_catalogue --update"):
        for kind in WRITE_ORDER:
            for change in changes:
                if change.kind == kind and change.action in ("add", "change"):
                    write_row(kind, change.new, update=True)
        for kind in reversed(WRITE_ORDER):
            removed = [change.key for change in changes if change.kind == kind and change.action == "remove"]
            if removed:
                MODELS[kind].objects.filter(**{f"{KEY_FIELDS.get(kind, 'id')}__in": removed}).delete()
        result = catalogue_from_db()
        problems = check_catalogue(result)
        if not problems and result.version != incoming.version:
            problems = [f"the database holds rules version {result.version} after the import, not the files' "
                        f"{incoming.version}"]
        if problems:
            raise values.CatalogueError(problems)
        bump_version()
