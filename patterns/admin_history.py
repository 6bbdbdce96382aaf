"""Admin for the catalogue's history: each change with its diff, the changes that made one
rules version, and reverting a change (checked like any edit, and recorded)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import history
from .models import CatalogueChange


# Edits that can be previewed before they are saved (see ``patterns.preview``).
PREVIEWED = ("rule", "question", "limit", "price")


class RecordedAdmin:
    """Records what one admin page writes (a form with its related rows, a bulk action) as
    the work of the signed-in user, with one rules version for the lot.

    For rules, questions, limits and prices the change form also has "Preview": the edit is
    checked and written inside a transaction that is then rolled back, and the page lists the
    scenarios and saved architectures whose outcome it would change, with a button to save it."""

    def _recorded(self, request, view, *args, **kwargs):
        with transaction.atomic(), history.recording(request.user, source="admin"):
            return view(request, *args, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        previewable = self.model._meta.model_name in PREVIEWED
        if previewable and request.method == "POST" and "_preview" in request.POST:
            from . import store

            request._catalogue_before = store.current_engine()
        extra = {**(extra_context or {}), "show_preview": previewable}
        return self._recorded(request, super().changeform_view, object_id, form_url, extra)

    def response_change(self, request, obj):
        if hasattr(request, "_catalogue_before"):
            return self._preview_response(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if hasattr(request, "_catalogue_before"):
            return self._preview_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _preview_response(self, request, obj):
        from . import store
        from .engine import compile_catalogue
        from .preview import preview

        try:
            report = preview(request._catalogue_before, compile_catalogue(store.catalogue_from_db()))
        finally:
            transaction.set_rollback(True)  # nothing of the edit is kept
            batch = history._current.get()
            if batch is not None:
                batch.pending.clear()
        fields = [(name, value) for name, values in request.POST.lists()
                  if name not in ("csrfmiddlewaretoken", "_preview") for value in values]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "report": report,
                   "title": f"Preview: {obj}", "fields": fields, "action": request.get_full_path()}
        return TemplateResponse(request, "admin/patterns/preview.html", context)

    def delete_view(self, request, *args, **kwargs):
        return self._recorded(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._recorded(request, super().changelist_view, *args, **kwargs)


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "key", "action", "who", "source", "version_link")
    list_filter = ("kind", "action", "source")
    search_fields = ("key", "rules_version", "user__username")
    list_select_related = ("user",)
    change_form_template = "admin/patterns/cataloguechange/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="by")
    def who(self, obj):
        return obj.user.get_username() if obj.user else "—"

    @admin.display(description="rules version", ordering="rules_version")
    def version_link(self, obj):
        url = reverse("admin:patterns_cataloguechange_version", args=[obj.rules_version])
        return format_html('<a href="{}">{}</a>', url, obj.rules_version)

    def get_urls(self):
        own = [
            path("version/<str:version>/", self.admin_site.admin_view(self.version_view),
                 name="patterns_cataloguechange_version"),
            path("<int:pk>/revert/", self.admin_site.admin_view(self.revert_view),
                 name="patterns_cataloguechange_revert"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = get_object_or_404(CatalogueChange.objects.select_related("user", "reverts"), pk=object_id)
        extra = {"catalogue_change": change, "diff": history.field_diff(change),
                 "can_revert": self._can_revert(request),
                 "revert_url": reverse("admin:patterns_cataloguechange_revert", args=[change.pk]),
                 "version_url": reverse("admin:patterns_cataloguechange_version", args=[change.rules_version])}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _can_revert(self, request) -> bool:
        return request.user.has_perms(["patterns.change_rule", "patterns.add_rule", "patterns.delete_rule"])

    def revert_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change = get_object_or_404(CatalogueChange, pk=pk)
        target = reverse("admin:patterns_cataloguechange_change", args=[change.pk])
        if not self._can_revert(request):
            messages.error(request, "Only staff who may edit the catalogue can revert a change.")
            return HttpResponseRedirect(target)
        try:
            undo = history.revert(change, request.user)
        except history.RevertRefused as exc:
            messages.error(request, "Not reverted: " + " ".join(exc.problems))
            return HttpResponseRedirect(target)
        messages.success(request, f"Reverted: {change}. The catalogue is now rules version {undo.rules_version}.")
        return HttpResponseRedirect(reverse("admin:patterns_cataloguechange_change", args=[undo.pk]))

    def version_view(self, request, version):
        changes = list(history.changes_for_version(version))
        rows = [(c, history.field_diff(c), reverse("admin:patterns_cataloguechange_change", args=[c.pk]))
                for c in changes]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": f"Rules version {version}", "version": version, "rows": rows,
                   "previous": changes[0].previous_version if changes else ""}
        return TemplateResponse(request, "admin/patterns/cataloguechange/version.html", context)
