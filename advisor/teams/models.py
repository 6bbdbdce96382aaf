"""Teams and who belongs to them.

A team owns saved architectures. Every user has a personal team, created with the
account; other teams are created and shared on purpose. A membership gives one role:
viewers read, editors also change architectures, owners also manage members.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


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


class Invitation(models.Model):
    """An owner asked this account to join the team; it joins when the account accepts.
    Owners are not shown who has an invitation: that would tell them which names and
    addresses have accounts."""

    TEAM_PATH = "team"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_invitation_per_user_and_team")]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.team} ({self.role})"
