from django.contrib import admin

from .models import GenerationJob, Reevaluation, ReevaluationResult


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GenerationJob)
class GenerationJobAdmin(ReadOnlyAdmin):
    list_display = ("id", "revision", "status", "attempts", "created_at", "finished_at", "zip_bytes")
    list_filter = ("status",)
    search_fields = ("error", "revision__architecture__name")


@admin.register(Reevaluation)
class ReevaluationAdmin(ReadOnlyAdmin):
    list_display = ("rules_version", "status", "checked", "changed", "requested_at", "finished_at")
    list_filter = ("status",)


@admin.register(ReevaluationResult)
class ReevaluationResultAdmin(ReadOnlyAdmin):
    list_display = ("architecture", "reevaluation", "differs")
    list_filter = ("differs",)
    list_select_related = ("architecture", "reevaluation")
