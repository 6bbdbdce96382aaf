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

from .models import Membership, Role, Team

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


def find_user(identifier: str) -> AbstractBaseUser:
    """The one active user whose username or email address is ``identifier``."""
    identifier = identifier.strip()
    matches = list(User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True)[:2])
    if not matches:
        raise ActionError(f"No account has the username or email address “{identifier}”.", "identifier")
    if len(matches) > 1:
        raise ActionError("More than one account matches; use the username instead.", "identifier")
    return matches[0]


@transaction.atomic
def add_member(team: Team, identifier: str, role: Role) -> Membership:
    if team.personal:
        raise ActionError("A personal team cannot be shared. Create a team to work with others.")
    user = find_user(identifier)
    if Membership.objects.filter(team=team, user=user).exists():
        raise ActionError(f"{user.get_username()} is already a member of {team.name}.", "identifier")
    return Membership.objects.create(team=team, user=user, role=role)


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
