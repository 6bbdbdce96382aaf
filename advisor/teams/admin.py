from django.contrib import admin

from .models import Invitation, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "email", "role", "invited_by", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["invited_by", "created_at", "accepted_at"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "personal", "created_at"]
    list_filter = ["personal"]
    search_fields = ["name", "memberships__user__username"]
    inlines = [MembershipInline, InvitationInline]
