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
from .engine import Engine, check_catalogue, compile_catalogue
from .models import (
    CatalogueState, ChecklistItem, LambdaAlternative, Limit, Pattern, Price, Question, Rule, WarningKind,
)

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_live: dict[str, Any] = {"version": None, "engine": None, "checked": 0.0}
# How long a process trusts its engine before asking the database whether the catalogue
# changed. Edits made by this process are seen at once; other processes' within this time.
CHECK_INTERVAL_SECONDS = 1.0


class CatalogueNotLoaded(RuntimeError):
    pass


def catalogue_parts() -> dict[str, list]:
    """The database rows as value objects, by kind (8 queries)."""
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


def load_files_into_db(directory: Path = values.DATA_DIR, reset: bool = False) -> dict[str, int]:
    """Copy the YAML catalogue into the database.

    Without ``reset`` only missing rows are added, so staff edits survive. With ``reset``
    every row is replaced by the file's version and rows not in the files are removed.
    The result is checked as a whole before the transaction commits.
    """
    data = values.read_data_files(Path(directory))
    shipped = values.Catalogue.from_dict(data)
    problems = check_catalogue(shipped)
    if problems:
        raise values.CatalogueError(problems)
    created: dict[str, int] = {}
    with transaction.atomic():
        if reset:
            for model in (Rule, ChecklistItem, LambdaAlternative, Pattern, Question, Price, Limit, WarningKind):
                model.objects.all().delete()

        refused: list[str] = []

        def upsert(model, lookup: dict, fields: dict, kind: str):
            obj = model.objects.filter(**lookup).first()
            if obj is not None:
                return obj, False
            obj = model(**lookup, **fields)
            try:
                # The field checks the admin applies (lengths, choices, slugs), so a file row
                # the admin would refuse is refused here with the same reason.
                obj.full_clean(validate_unique=False)
            except ValidationError as exc:
                refused.append(f"{kind} '{next(iter(lookup.values()))}': {_reasons(exc)}")
                return obj, False
            obj.save()
            created[kind] = created.get(kind, 0) + 1
            return obj, True

        for w in shipped.warnings:
            upsert(WarningKind, {"id": w.id}, {"title": w.title, "severity": w.severity, "summary": w.summary,
                                               "bad": "\n".join(w.bad), "better": "\n".join(w.better),
                                               "advice": w.advice}, "warnings")
        for lim in shipped.limits:
            upsert(Limit, {"id": lim.id}, {"name": lim.name, "value": lim.value, "unit": lim.unit,
                                            "source": lim.source, "as_of": lim.as_of or None,
                                            "verified": lim.verified, "notes": lim.notes}, "limits")
        for p in shipped.prices:
            upsert(Price, {"id": p.id}, {"service": p.service, "name": p.name, "usd": str(p.usd), "per": int(p.per),
                                          "unit": p.unit, "source": p.source, "as_of": p.as_of or None,
                                          "verified": p.verified, "notes": p.notes}, "prices")
        for q in shipped.questions:
            upsert(Question, {"key": q.key}, {
                "label": q.label, "help": q.help, "type": q.type,
                "choices": [{"value": c.value, "label": c.label} for c in q.choices], "default": q.default,
                "min": q.min, "max": q.max, "nullable": q.nullable, "unit": q.unit, "section": q.section,
                "when": q.when, "default_from": q.default_from, "at_least": q.at_least, "order": q.order,
            }, "questions")
        for p in shipped.patterns:
            obj, was_created = upsert(Pattern, {"slug": p.slug}, {
                "name": p.name, "summary": p.summary, "when_to_use": "\n".join(p.when_to_use),
                "tradeoffs": [{"benefit": t.benefit, "cost": t.cost} for t in p.tradeoffs],
                "rule_of_thumb": p.rule_of_thumb, "services": "\n".join(p.services),
                "alternatives": [{"instead_of": a.instead_of, "use": a.use, "why": a.why} for a in p.alternatives],
                "best_for": p.best_for, "main_risk": p.main_risk, "order": p.order,
            }, "patterns")
            if was_created:
                obj.warnings.set(p.warnings)
        for r in shipped.rules:
            upsert(Rule, {"name": r.name}, {
                "effect": r.effect, "when": r.when, "pattern": r.pattern, "weight": r.weight,
                "warning_id": r.warning or None, "severity": r.severity, "limit_id": r.limit or None,
                "value": r.value, "explanation": r.explanation, "enabled": r.enabled, "order": r.order,
            }, "rules")
        for c in shipped.checklist:
            upsert(ChecklistItem, {"id": c.id}, {"text": c.text, "when": c.when, "patterns": list(c.patterns),
                                                 "order": c.order}, "checklist")
        for a in shipped.alternatives:
            upsert(LambdaAlternative, {"id": a.id}, {
                "title": a.title, "when": a.when, "why": a.why, "lambda_role": a.lambda_role,
                "replaces": list(a.replaces), "patterns": list(a.patterns), "fits_lambda": a.fits_lambda,
                "order": a.order,
            }, "alternatives")
        if refused:
            raise values.CatalogueError(refused)
        problems = check_catalogue(catalogue_from_db())
        if problems:
            raise values.CatalogueError(problems)
        bump_version()
    return created
