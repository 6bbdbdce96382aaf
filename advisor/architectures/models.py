"""Saved architectures and their revisions.

An architecture belongs to one team. Each save adds a revision that keeps the answers,
the chosen patterns and the recommendation as the rules engine gave it at that moment
(with its ``rules_version``), so later rule changes can be compared against it.
``Architecture.latest`` points at the newest revision, which keeps the list page to one
query per page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from advisor.teams.models import Team

NAME_MAX = 120
DESCRIPTION_MAX = 2000


class Architecture(models.Model):
    TEAM_PATH = "team"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="architectures")
    name = models.CharField(max_length=NAME_MAX)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    latest = models.ForeignKey("Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "team", name="architecture_name_unique_in_team"),
        ]
        indexes = [models.Index(fields=["team", "-updated_at"], name="architecture_team_recent")]

    def __str__(self) -> str:
        return self.name


class Revision(models.Model):
    TEAM_PATH = "architecture__team"

    architecture = models.ForeignKey(Architecture, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    answers = models.JSONField(help_text="The complete, validated answers.")
    patterns = models.JSONField(help_text="The chosen pattern slugs.")
    follows_recommendation = models.BooleanField(
        default=True, help_text="The patterns are the ones the advisor proposed, not a hand-picked set."
    )
    recommendation = models.JSONField(help_text="The recommendation as it was when saved.")
    rules_version = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["architecture", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.architecture_id} r{self.number}"

    def snapshot(self) -> dict[str, Any]:
        """The plain data the comparison functions read."""
        return {
            "answers": self.answers,
            "patterns": list(self.patterns),
            "follows_recommendation": self.follows_recommendation,
            "recommendation": self.recommendation,
        }


class ShareLinkQuerySet(models.QuerySet):
    def live(self) -> "ShareLinkQuerySet":
        """The links that open now: not expired (revoked ones are deleted)."""
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now()))


class ShareLink(models.Model):
    """A read-only link to one revision for people without an account.

    The token is the credential: 256 random bits, so it cannot be guessed. Revoking deletes
    the row, and an expired link is refused, so either way the link answers 404.
    """

    TEAM_PATH = "revision__architecture__team"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the link works until it is revoked.")

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"share link to {self.revision}"
