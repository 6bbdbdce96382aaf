from django.contrib import admin

from .models import Architecture, Revision, ShareLink


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


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """Staff see which revisions are open to anyone, and can revoke a link by deleting it."""

    list_display = ["revision", "created_by", "created_at", "expires_at"]
    list_select_related = ["revision", "created_by"]
    fields = ["revision", "created_by", "created_at", "expires_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False
