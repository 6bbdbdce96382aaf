"""Teams and who belongs to them.

A team owns saved architectures. Every user has a personal team, created with the
account; other teams are created and shared on purpose. A membership gives one role:
viewers read, editors also change architectures, owners also manage members.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    OWNER = "owner", "Owner"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.value]

    def allows(self, needed: "Role") -> bool:
        return self.rank >= needed.rank


ROLE_RANK = {Role.VIEWER.value: 1, Role.EDITOR.value: 2, Role.OWNER.value: 3}
ROLE_HELP = {
    Role.VIEWER: "can read architectures",
    Role.EDITOR: "can read and change architectures",
    Role.OWNER: "can change architectures and manage members",
}


class Team(models.Model):
    # The scoping helper reaches the team of any object through its TEAM_PATH.
    TEAM_PATH = ""

    name = models.CharField(max_length=80)
    personal = models.BooleanField(default=False, help_text="Created with the account; cannot be shared or left.")
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")

    class Meta:
        ordering = ["-personal", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    TEAM_PATH = "team"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_user_and_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


def invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.TEAM_INVITATION_DAYS)


def link_digest(token: str) -> str:
    """What is stored of an invitation link's secret: its SHA-256, so the table alone opens no team."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An owner asked someone to join the team with a role.

    Either an account (``user``: it accepts on its Teams page, or through the link mailed to
    its confirmed address) or an address with no account behind it (``email`` only: whoever
    opens the mailed link signs up or logs in and joins). The link carries a random secret
    of which only the digest is kept; it works once, until ``expires_at``. Accepting records
    who joined and when, so a second use of the link can be told apart from a wrong one.
    Owners are not shown pending invitations: that would tell them which names and
    addresses have accounts."""

    TEAM_PATH = "team"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations",
                             null=True, blank=True, help_text="The invited account, or the account that accepted.")
    email = models.EmailField(blank=True, help_text="The address invited when it had no account.")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    token_digest = models.CharField(max_length=64, unique=True, null=True, editable=False)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_invitation_per_user_and_team"),
            models.UniqueConstraint(fields=["team", "email"], condition=models.Q(user__isnull=True),
                                    name="one_invitation_per_address_and_team"),
            models.CheckConstraint(condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                                   name="invitation_names_an_account_or_an_address"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.email} invited to {self.team} ({self.role})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and not self.expired
