"""Everything that changes teams and memberships.

Views check access through ``advisor.teams.scoping`` first and then call one of these.
Each action runs in a transaction and refuses with ``ActionError`` before writing when
the change would leave a team in a bad state (no owner, a shared personal team, ...).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from .models import Invitation, Membership, Role, Team

User = get_user_model()


class ActionError(ValueError):
    """A change refused for a reason the user can act on; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


def personal_team_name(user: AbstractBaseUser) -> str:
    return f"{user.get_username()} (personal)"[:80]


def ensure_personal_team(user: AbstractBaseUser) -> Team:
    existing = Team.objects.filter(personal=True, memberships__user=user).first()
    if existing:
        return existing
    with transaction.atomic():
        team = Team.objects.create(name=personal_team_name(user), personal=True)
        Membership.objects.create(team=team, user=user, role=Role.OWNER)
    return team


@transaction.atomic
def create_team(user: AbstractBaseUser, name: str) -> Team:
    team = Team.objects.create(name=name.strip())
    Membership.objects.create(team=team, user=user, role=Role.OWNER)
    return team


def find_user(identifier: str) -> AbstractBaseUser | None:
    """The active account whose username is ``identifier``, else the one whose (confirmed)
    address it is; None when there is none."""
    identifier = identifier.strip()
    active = User.objects.filter(is_active=True)
    return (active.filter(username__iexact=identifier).first()
            or active.filter(email__iexact=identifier).order_by("pk").first())


@transaction.atomic
def invite(team: Team, identifier: str, role: Role, invited_by: AbstractBaseUser) -> tuple[Invitation | None, bool]:
    """Invite the account ``identifier`` names, unless there is none or it is in the team
    already; the caller answers the same either way. Inviting again changes the role
    offered. Returns the invitation (None if nobody was invited) and whether it is new."""
    if team.personal:
        raise ActionError("A personal team cannot be shared. Create a team to work with others.")
    user = find_user(identifier)
    if user is None or Membership.objects.filter(team=team, user=user).exists():
        return None, False
    return Invitation.objects.update_or_create(team=team, user=user, defaults={"role": role, "invited_by": invited_by})


@transaction.atomic
def accept_invitation(invitation: Invitation) -> Membership:
    membership, _ = Membership.objects.get_or_create(team=invitation.team, user=invitation.user,
                                                     defaults={"role": invitation.role})
    invitation.delete()
    return membership


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(team_id=membership.team_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def change_role(membership: Membership, role: Role) -> Membership:
    if membership.team.personal:
        raise ActionError("Roles in a personal team cannot change.")
    if membership.role == Role.OWNER and role != Role.OWNER and not _other_owners(membership):
        raise ActionError("A team needs at least one owner. Make someone else an owner first.", "role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    if membership.team.personal:
        raise ActionError("Nobody can be removed from a personal team.")
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise ActionError("A team needs at least one owner. Make someone else an owner first.")
    membership.delete()


def leave_team(team: Team, user: AbstractBaseUser) -> None:
    membership = Membership.objects.select_related("team").get(team=team, user=user)
    remove_member(membership)


@transaction.atomic
def rename_team(team: Team, name: str) -> Team:
    team.name = name.strip()
    team.save(update_fields=["name"])
    return team


@transaction.atomic
def delete_team(team: Team) -> None:
    if team.personal:
        raise ActionError("A personal team cannot be deleted.")
    team.delete()
