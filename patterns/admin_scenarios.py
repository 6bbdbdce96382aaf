"""Admin for scenarios, and the catalogue tools staff reach from it: running the scenarios
against the live catalogue, and downloading the Well-Architected lens."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from . import store
from .catalogue import CatalogueError
from .lens import LensError, export_lens, lens_json
from .models import Scenario
from .scenarios import check_scenario, run_scenario, run_scenarios


class ScenarioForm(forms.ModelForm):
    """Refuses a scenario the catalogue cannot run: unknown answer keys or values, or
    patterns, warnings and limits the catalogue does not have."""

    class Meta:
        model = Scenario
        fields = "__all__"

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            scenario = self.instance.to_value()
        except ValueError as exc:
            self.add_error(None, f"This scenario cannot be read: {exc}")
            return
        problems = check_scenario(scenario, store.catalogue_from_db())
        if problems:
            self.add_error(None, ValidationError(["Not saved, because the scenario cannot be run:", *problems]))


def _engine_or_none(request):
    try:
        return store.current_engine()
    except (store.CatalogueNotLoaded, CatalogueError) as exc:
        messages.error(request, f"The scenarios cannot be run: {exc}")
        return None


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    form = ScenarioForm
    list_display = ("name", "description")
    search_fields = ("name", "description")
    readonly_fields = ("outcome",)
    actions = ("run_selected",)
    change_list_template = "admin/patterns/scenario/change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "description", "answers", "outcome")}),
        ("Patterns", {"fields": ("top", "not_top", "recommended", "recommended_any", "not_recommended")}),
        ("Warnings", {"fields": ("warnings", "no_warnings")}),
        ("Limits", {"fields": ("broken_limits", "unbroken_limits")}),
    )

    @admin.display(description="outcome with the live catalogue")
    def outcome(self, obj):
        if obj is None or obj.pk is None:
            return "Save the scenario to run it."
        try:
            result = run_scenario(obj.to_value(), store.current_engine())
        except (ValueError, store.CatalogueNotLoaded) as exc:
            return f"Cannot run: {exc}"
        if result.passed:
            return format_html("<strong>passes</strong> (ranked: {})", ", ".join(result.ranked) or "none")
        return format_html("<strong>fails</strong>:<ul>{}</ul>",
                           format_html_join("", "<li>{}</li>", ((f,) for f in result.failures)))

    def get_urls(self):
        own = [
            path("run/", self.admin_site.admin_view(self.run_all_view), name="patterns_scenario_run"),
            path("lens.json", self.admin_site.admin_view(self.lens_view), name="patterns_lens_download"),
        ]
        return own + super().get_urls()

    def results_response(self, request, scenarios, title):
        engine = _engine_or_none(request)
        results, problems = [], []
        if engine is not None:
            values = []
            for scenario in scenarios:
                try:
                    value = scenario.to_value()
                except ValueError as exc:
                    problems.append(f"scenario '{scenario.name}': {exc}")
                    continue
                problems += check_scenario(value, engine.catalogue)
                values.append(value)
            runnable = [v for v in values if not any(p.startswith(f"scenario '{v.name}'") for p in problems)]
            results = run_scenarios(runnable, engine)
        urls = {s.name: reverse("admin:patterns_scenario_change", args=[s.pk]) for s in scenarios}
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
            "results": results, "rows": [(r, urls.get(r.scenario.name, "")) for r in results], "problems": problems, "failed": sum(1 for r in results if not r.passed),
            "rules_version": engine.version if engine else "",
        }
        return TemplateResponse(request, "admin/patterns/scenario/results.html", context)

    def run_all_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        return self.results_response(request, Scenario.objects.all(), "Run all scenarios")

    @admin.action(description="Run the selected scenarios")
    def run_selected(self, request, queryset):
        return self.results_response(request, queryset, "Run the selected scenarios")

    def lens_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        engine = _engine_or_none(request)
        if engine is None:
            return HttpResponse("The catalogue is not loaded.", status=409, content_type="text/plain")
        try:
            lens = export_lens(engine.catalogue)
        except LensError as exc:
            return HttpResponse("The catalogue does not fit the lens format:\n" + "\n".join(exc.problems),
                                status=409, content_type="text/plain; charset=utf-8")
        response = HttpResponse(lens_json(lens), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="serverless-advisor-lens-{engine.version}.json"'
        return response

    def changelist_view(self, request, extra_context=None):
        extra = {"run_url": reverse("admin:patterns_scenario_run"), "lens_url": reverse("admin:patterns_lens_download")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})
