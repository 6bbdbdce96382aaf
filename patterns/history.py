"""The catalogue's history: every change to a catalogue row or scenario is recorded as a
``CatalogueChange`` (who, when, the row before and after, the rules version it made), and one
change can be reverted, itself checked like any edit and recorded.

Rows are seen through model signals (connected in ``apps.py``), so every save path is
covered: the admin, ``load_catalogue``, ``refresh_prices``, a shell. Inside ``recording()``
the changes of one unit of work (an admin form with its pattern warnings, a whole import)
are collected and written together, with the rules version worked out once at the end;
outside it each save is written on its own.
"""

from __future__ import annotations

import contextvars
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import ProtectedError
from django.forms.models import model_to_dict

from .models import CatalogueChange, Pattern

_current: contextvars.ContextVar["_Batch | None"] = contextvars.ContextVar("catalogue_history", default=None)


class RevertRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _kind_of(model) -> str:
    from .store import MODELS

    return next(kind for kind, candidate in MODELS.items() if candidate is model)


def _key_field(kind: str) -> str:
    from .catalogue_io import KEY_FIELDS

    return KEY_FIELDS.get(kind, "id")


def _plain(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def snapshot(obj) -> dict[str, Any]:
    """The row as plain JSON data: its key and the fields ``store.row_fields`` writes (for a
    pattern, also its warning ids)."""
    from .store import row_fields

    kind = _kind_of(type(obj))
    key_field = _key_field(kind)
    try:
        value = obj.to_value()
        data = {key_field: getattr(obj, key_field), **row_fields(kind, value)}
        if kind == "patterns":
            data["warnings"] = sorted(value.warnings)
    except (TypeError, ValueError, KeyError, AttributeError):
        # A row the value objects cannot read (only reachable around the admin's checks):
        # keep its raw fields so the change is still on record.
        data = model_to_dict(obj)
        if key_field != "id":
            data.pop("id", None)
        if kind == "patterns":
            data["warnings"] = sorted(w.pk if hasattr(w, "pk") else w for w in data.get("warnings", []))
    return _plain(data)


def _from_db(instance) -> dict | None:
    if instance.pk is None:
        return None
    stored = type(instance).objects.filter(pk=instance.pk).first()
    return snapshot(stored) if stored is not None else None


def _rules_version() -> str:
    from .store import catalogue_from_db

    return catalogue_from_db().version


@dataclass
class _Entry:
    kind: str
    before: dict | None
    after: dict | None = None
    seen_after: bool = False


@dataclass
class _Batch:
    user: Any = None
    source: str = ""
    reverts: CatalogueChange | None = None
    previous_version: str | None = None
    pending: dict = field(default_factory=dict)
    recorded: list = field(default_factory=list)

    def ident(self, instance) -> tuple:
        if instance.pk is None:
            return (instance._meta.label, "new", id(instance))
        return (instance._meta.label, instance.pk)

    def see_before(self, instance) -> None:
        ident = self.ident(instance)
        if ident in self.pending:
            return
        if self.previous_version is None:
            self.previous_version = _rules_version()
        self.pending[ident] = _Entry(_kind_of(type(instance)), _from_db(instance))
        instance.__dict__["_history_ident"] = ident

    def see_after(self, instance, removed: bool = False) -> None:
        old_ident = instance.__dict__.pop("_history_ident", None)
        entry = self.pending.pop(old_ident, None) if old_ident else None
        if entry is None:
            entry = self.pending.get(self.ident(instance)) or _Entry(_kind_of(type(instance)), None)
        entry.after = None if removed else snapshot(instance)
        entry.seen_after = True
        self.pending[self.ident(instance)] = entry
        if not removed:
            instance.__dict__["_history_ident"] = self.ident(instance)

    def flush(self) -> list[CatalogueChange]:
        entries = [e for e in self.pending.values() if e.seen_after and e.before != e.after]
        self.pending.clear()
        if not entries:
            return []
        version = _rules_version()
        changes = []
        for entry in entries:
            action = "add" if entry.before is None else "remove" if entry.after is None else "change"
            row = entry.after if entry.after is not None else entry.before
            user = self.user if getattr(self.user, "is_authenticated", False) else None
            changes.append(CatalogueChange(
                kind=entry.kind, key=str(row.get(_key_field(entry.kind), ""))[:80], action=action,
                before=entry.before, after=entry.after, user=user, source=self.source[:40],
                previous_version=self.previous_version or "", rules_version=version, reverts=self.reverts,
            ))
        created = CatalogueChange.objects.bulk_create(changes)
        self.recorded += created
        self.previous_version = version
        return created


@contextmanager
def recording(user=None, source: str = "", reverts: CatalogueChange | None = None):
    """Collect the changes made inside the block and record them together when it ends
    without an error. Use inside the transaction that makes the changes."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    batch = _Batch(user=user, source=source, reverts=reverts)
    token = _current.set(batch)
    try:
        yield batch
        batch.flush()
    finally:
        _current.reset(token)


# Signal receivers ----------------------------------------------------------------------------
def _implicit(instance) -> _Batch:
    return instance.__dict__.setdefault("_history_batch", _Batch(source="direct"))


def before_change(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    (_current.get() or _implicit(instance)).see_before(instance)


def _after(instance, removed: bool) -> None:
    batch = _current.get()
    if batch is not None:
        batch.see_after(instance, removed)
        return
    batch = instance.__dict__.pop("_history_batch", None) or _Batch(source="direct")
    batch.see_after(instance, removed)
    instance.__dict__.pop("_history_ident", None)
    batch.flush()


def after_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _after(instance, removed=False)


def after_delete(sender, instance, **kwargs) -> None:
    _after(instance, removed=True)


def warnings_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs) -> None:
    """A pattern's warning list is part of the pattern's row."""
    if reverse:
        patterns = Pattern.objects.filter(pk__in=pk_set) if pk_set else Pattern.objects.filter(warnings=instance)
        targets = list(patterns)
    else:
        targets = [instance]
    for pattern in targets:
        if action.startswith("pre_"):
            before_change(Pattern, pattern)
        elif action.startswith("post_"):
            after_save(Pattern, pattern)


# Reverting -----------------------------------------------------------------------------------
def _reasons(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
    return list(error.messages)


def _new_problems(kind: str, key: str | None, candidate) -> list[str]:
    from .engine import check_catalogue
    from .store import catalogue_from_db, problems_after_change

    before = set(check_catalogue(catalogue_from_db()))
    return [p for p in problems_after_change(kind, key, candidate) if p not in before]


def revert(change: CatalogueChange, user=None) -> CatalogueChange:
    """Put the row back as it was before ``change``; checked like an admin edit (field checks
    and the whole-catalogue check) and recorded. RevertRefused says why it cannot be."""
    from .store import MODELS, catalogue_from_db
    from .scenarios import check_scenario

    model = MODELS[change.kind]
    key_field = _key_field(change.kind)
    current = None
    if change.after is not None:
        current = model.objects.filter(**{key_field: change.after.get(key_field)}).first()
        if current is None or snapshot(current) != change.after:
            raise RevertRefused([f"{change.kind} '{change.key}' has changed since this change: revert the later "
                                 "changes to it first."])
    elif model.objects.filter(**{key_field: change.before.get(key_field)}).exists():
        raise RevertRefused([f"{change.kind} '{change.key}' exists again: it cannot be added back."])

    with transaction.atomic(), recording(user, source="revert", reverts=change) as batch:
        if change.before is None:
            problems = [] if change.kind == "scenarios" else _new_problems(change.kind, change.key, None)
            if problems:
                raise RevertRefused(["removing it again would break the catalogue:", *problems])
            try:
                current.delete()
            except ProtectedError as exc:
                raise RevertRefused([f"other rows still use it: {', '.join(str(o) for o in exc.protected_objects)}"])
        else:
            obj = current if current is not None else model()
            data = dict(change.before)
            warnings = data.pop("warnings", None)
            for name, value in data.items():
                setattr(obj, name, value)
            try:
                obj.full_clean()
            except ValidationError as exc:
                raise RevertRefused(_reasons(exc)) from exc
            try:
                value = obj.to_value(tuple(sorted(warnings or ()))) if change.kind == "patterns" else obj.to_value()
            except (TypeError, ValueError, KeyError) as exc:
                raise RevertRefused([f"the earlier row cannot be read: {exc}"]) from exc
            if change.kind == "scenarios":
                problems = check_scenario(value, catalogue_from_db())
            else:
                problems = _new_problems(change.kind, change.key if current is not None else None, value)
            if problems:
                raise RevertRefused(["the catalogue would break:", *problems])
            obj.save()
            if warnings is not None:
                obj.warnings.set(warnings)
    return batch.recorded[0] if batch.recorded else change


def changes_for_version(version: str):
    """The changes that made rules version ``version`` (scenario edits leave it as it was)."""
    return (CatalogueChange.objects.filter(rules_version=version).exclude(previous_version=version)
            .select_related("user").order_by("at", "id"))


def field_diff(change: CatalogueChange) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field that differs."""
    before, after = change.before or {}, change.after or {}
    names = list(before) + [name for name in after if name not in before]
    return [(name, before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)]
