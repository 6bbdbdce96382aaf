"""Admin for the catalogue. Every save and delete is checked against the whole catalogue:
an edit that would leave a rule, question, pattern or checklist item unusable is refused
with the reason, and nothing is written."""

from __future__ import annotations

import json
import logging

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.fields import InvalidJSONInput

from . import store
from .admin_history import RecordedAdmin
from .engine import check_catalogue
from .models import (
    AnalyzerFinding, CatalogueState, ChecklistItem, LambdaAlternative, LambdaRuntime, Limit, Pattern, Price, Question,
    Rule, WarningKind,
)

logger = logging.getLogger(__name__)

KINDS = {
    Pattern: ("patterns", "slug"), WarningKind: ("warnings", "id"), Limit: ("limits", "id"), Price: ("prices", "id"),
    Question: ("questions", "key"), Rule: ("rules", "name"), ChecklistItem: ("checklist", "id"),
    LambdaAlternative: ("alternatives", "id"), AnalyzerFinding: ("findings", "id"), LambdaRuntime: ("runtimes", "id"),
}


def new_problems(model, original_key: str | None, candidate) -> list[str]:
    """Problems the change would introduce (problems already present are not blamed on it)."""
    kind, _ = KINDS[model]
    before = set(check_catalogue(store.catalogue_from_db()))
    return [p for p in store.problems_after_change(kind, original_key, candidate) if p not in before]


class CatalogueJSONField(forms.JSONField):
    """Django's JSON form field, refusing what Python's json module reads but the page cannot
    use: whole numbers past the integer conversion limit, and lone surrogates (not text)."""

    def to_python(self, value):
        try:
            converted = super().to_python(value)
        except ValueError:
            raise ValidationError("Enter valid JSON: a number in it has too many digits.", code="invalid") from None
        if _not_text(converted):
            raise ValidationError("Enter valid JSON: it holds a \\u escape that is not a character.", code="invalid")
        return converted

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except ValueError:
            return InvalidJSONInput(data)

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput) or not _not_text(value):
            return super().prepare_value(value)
        return json.dumps(value, cls=self.encoder)  # shown escaped, as typed


def _not_text(value) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (TypeError, ValueError):
        return False
    return False


class CatalogueForm(forms.ModelForm):
    """Runs the catalogue check after the model's own validation."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        model = type(self.instance)
        _, key_field = KINDS[model]
        original_key = None
        if self.instance.pk is not None:
            original_key = model.objects.filter(pk=self.instance.pk).values_list(key_field, flat=True).first()
        try:
            candidate = self.candidate()
        except (TypeError, ValueError, KeyError) as exc:
            self.add_error(None, f"This row cannot be read: {exc}")
            return
        try:
            problems = new_problems(model, original_key, candidate)
        except Exception:  # noqa: BLE001 - whatever the check trips on, the edit is refused, not a 500
            logger.exception("checking an edit of %s %s failed", model.__name__, original_key)
            self.add_error(None, "Not saved: the catalogue could not be checked with this change. "
                                 "Check the values, or ask a developer to look at the server log.")
            return
        if problems:
            self.add_error(None, ValidationError(["Not saved, because the catalogue would break:", *problems]))

    def candidate(self):
        return self.instance.to_value()


class PatternForm(CatalogueForm):
    def candidate(self):
        warnings = tuple(sorted(w.pk for w in self.cleaned_data.get("warnings") or ()))
        return self.instance.to_value(warnings)


class CatalogueAdmin(RecordedAdmin, admin.ModelAdmin):
    form = CatalogueForm
    formfield_overrides = {models.JSONField: {"form_class": CatalogueJSONField}}

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            _, key_field = KINDS[type(obj)]
            for problem in new_problems(type(obj), getattr(obj, key_field), None):
                protected.append(f"{obj}: deleting it would break the catalogue ({problem})")
        return deleted, counts, perms_needed, protected


@admin.register(Pattern)
class PatternAdmin(CatalogueAdmin):
    form = PatternForm
    list_display = ("name", "slug", "best_for", "main_risk", "order")
    filter_horizontal = ("warnings",)
    search_fields = ("name", "slug", "summary")


@admin.register(WarningKind)
class WarningKindAdmin(CatalogueAdmin):
    list_display = ("id", "title", "severity")
    list_filter = ("severity",)
    search_fields = ("id", "title", "summary")


@admin.register(Limit)
class LimitAdmin(CatalogueAdmin):
    list_display = ("id", "name", "value", "unit", "verified", "as_of")
    list_filter = ("verified", "unit")
    search_fields = ("id", "name")


@admin.register(Price)
class PriceAdmin(CatalogueAdmin):
    list_display = ("id", "service", "usd", "per", "unit", "free", "region", "verified", "as_of")
    list_filter = ("verified", "service")
    search_fields = ("id", "name", "service")


@admin.register(Question)
class QuestionAdmin(CatalogueAdmin):
    list_display = ("key", "label", "type", "section", "order", "when")
    list_filter = ("section", "type")
    search_fields = ("key", "label")


@admin.register(Rule)
class RuleAdmin(CatalogueAdmin):
    list_display = ("name", "effect", "pattern", "weight", "warning", "limit", "when", "enabled")
    list_filter = ("effect", "pattern", "enabled")
    search_fields = ("name", "when", "explanation")
    list_editable = ("enabled",)
    fieldsets = (
        (None, {"fields": ("name", "effect", "when", "explanation", "enabled", "order")}),
        ("Score", {"fields": ("pattern", "weight")}),
        ("Warning", {"fields": ("warning", "severity")}),
        ("Limit check", {"fields": ("limit", "value")}),
    )


@admin.register(ChecklistItem)
class ChecklistItemAdmin(CatalogueAdmin):
    list_display = ("id", "text", "when", "order")
    search_fields = ("id", "text")


@admin.register(LambdaAlternative)
class LambdaAlternativeAdmin(CatalogueAdmin):
    list_display = ("id", "title", "fits_lambda", "when", "order")
    list_filter = ("fits_lambda",)
    search_fields = ("id", "title", "why", "when")


@admin.register(AnalyzerFinding)
class AnalyzerFindingAdmin(CatalogueAdmin):
    list_display = ("id", "title", "severity")
    list_filter = ("severity",)
    search_fields = ("id", "title", "explanation", "fix")


@admin.register(LambdaRuntime)
class LambdaRuntimeAdmin(CatalogueAdmin):
    list_display = ("id", "deprecated", "verified", "as_of")
    list_filter = ("verified",)
    search_fields = ("id", "notes")


@admin.register(CatalogueState)
class CatalogueStateAdmin(admin.ModelAdmin):
    list_display = ("version", "changed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
from . import admin_scenarios  # noqa: E402,F401  (scenarios and the catalogue tools)
