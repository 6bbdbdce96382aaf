from django.contrib import admin

from .models import Architecture, Revision


class RevisionInline(admin.TabularInline):
    model = Revision
    fk_name = "architecture"
    extra = 0
    can_delete = False
    fields = ["number", "rules_version", "author", "created_at", "note"]
    readonly_fields = fields


@admin.register(Architecture)
class ArchitectureAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "updated_at"]
    search_fields = ["name", "team__name"]
    list_select_related = ["team"]
    raw_id_fields = ["team", "created_by", "latest"]
    inlines = [RevisionInline]
