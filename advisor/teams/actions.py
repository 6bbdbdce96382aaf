"""Everything that changes teams and memberships.

Views check access through ``advisor.teams.scoping`` first and then call one of these.
Each action runs in a transaction and refuses with ``ActionError`` before writing when
the change would leave a team in a bad state (no owner, a shared personal team, ...).
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Invitation, Membership, Role, Team, invitation_expiry, link_digest

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


def invitation_address(identifier: str) -> str | None:
    """``identifier`` as an address to invite, lower-cased; None when it is not an address."""
    identifier = identifier.strip()
    try:
        validate_email(identifier)
    except ValidationError:
        return None
    return identifier.lower()


@transaction.atomic
def invite(team: Team, identifier: str, role: Role, invited_by: AbstractBaseUser) -> tuple[Invitation | None, str | None]:
    """Invite the account ``identifier`` names or, when no account has that name or confirmed
    address, the address itself. Nobody is invited when the account is in the team already or
    the identifier is neither an account nor an address; the caller answers the same in every
    case. Inviting again while an invitation is pending changes the role offered and keeps its
    link. Returns the invitation (None if nobody was invited) and the secret of its link when
    a new link was made (None otherwise): the link is to be mailed then, and only then."""
    if team.personal:
        raise ActionError("A personal team cannot be shared. Create a team to work with others.")
    user = find_user(identifier)
    if user is not None:
        if Membership.objects.filter(team=team, user=user).exists():
            return None, None
        invitation = Invitation.objects.select_for_update().filter(team=team, user=user).first()
        invitation = invitation or Invitation(team=team, user=user)
    else:
        email = invitation_address(identifier)
        if email is None:
            return None, None
        invitation = Invitation.objects.select_for_update().filter(team=team, user=None, email=email).first()
        invitation = invitation or Invitation(team=team, email=email)
    invitation.role, invitation.invited_by = role, invited_by
    if invitation.pk and invitation.pending:
        invitation.save(update_fields=["role", "invited_by"])
        return invitation, None
    secret = secrets.token_urlsafe(32)
    invitation.token_digest, invitation.accepted_at = link_digest(secret), None
    invitation.expires_at = invitation_expiry()
    invitation.save()
    return invitation, secret


class LinkError(ActionError):
    """An invitation link that cannot be used, with the HTTP status to answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def invitation_for_link(secret: str) -> Invitation:
    """The invitation whose link carries ``secret``, used or not; LinkError (a 404) when there
    is none. ``check_usable`` says whether it can be accepted."""
    invitation = Invitation.objects.select_related("team", "invited_by", "user").filter(
        token_digest=link_digest(secret)).first()
    if invitation is None:
        raise LinkError("This invitation link is not valid. Copy the whole link from the message, or ask the "
                        "team's owner to invite you again: an invitation that was declined or replaced by a newer "
                        "one no longer opens.", status=404)
    return invitation


def check_usable(invitation: Invitation, user: AbstractBaseUser | None) -> None:
    """LinkError unless ``user`` (None: not logged in yet) may accept ``invitation`` now."""
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "an owner"
    if invitation.accepted_at is not None:
        raise LinkError(f"This invitation to {invitation.team.name} has been used already; each link works once. "
                        f"Ask {inviter} for a new one if you still need it.", status=410)
    if invitation.expired:
        raise LinkError(f"This invitation to {invitation.team.name} expired on "
                        f"{invitation.expires_at:%d %B %Y}. Ask {inviter} to invite you again.", status=410)
    if user is not None and invitation.user_id is not None and invitation.user_id != user.pk:
        raise LinkError("This invitation is for another account. Log out, then log in as the account it was "
                        "sent to.", status=403)


@transaction.atomic
def accept_invitation(invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """``user`` joins the team with the role offered (a member already keeps the role it has);
    the invitation is marked used. LinkError when it cannot be accepted (any more)."""
    # Lock the invitation row only: PostgreSQL locks no row of an outer join's nullable side.
    invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("team", "invited_by")
                  .get(pk=invitation.pk))
    check_usable(invitation, user)
    membership, _ = Membership.objects.get_or_create(team=invitation.team, user=user,
                                                     defaults={"role": invitation.role})
    # An invitation to the account itself is answered by this one too.
    Invitation.objects.filter(team=invitation.team, user=user).exclude(pk=invitation.pk).delete()
    invitation.user, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["user", "accepted_at"])
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
