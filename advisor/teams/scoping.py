"""The one way to look up a team's objects for a user.

Every view and API endpoint that takes an object id goes through ``get_for_user``:
an object outside the user's teams is a 404 (its existence is not revealed), and a
member whose role is too low for what the request wants to do gets a 403 before
anything is written. Lists go through ``visible_to`` with the same membership test.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.http import Http404

from .models import Membership, Role

T = TypeVar("T", bound=Model)

DENIED = {
    Role.EDITOR: "Your role in this team only lets you read. Ask an owner to make you an editor.",
    Role.OWNER: "Only the team's owners can do this.",
}


def _team_id_path(model: type[Model]) -> str:
    path = getattr(model, "TEAM_PATH")
    return f"{path}_id" if path else "pk"


def get_for_user(
    user: AbstractBaseUser | AnonymousUser, queryset: QuerySet[T], need: Role = Role.VIEWER, **lookup
) -> tuple[T, Role]:
    """The object matching ``lookup`` and the user's role in its team.

    Raises Http404 when it does not exist or belongs to a team the user is not in, and
    PermissionDenied when the user's role is below ``need``.
    """
    if not user.is_authenticated:
        raise Http404("Not found")
    role = Membership.objects.filter(team_id=OuterRef(_team_id_path(queryset.model)), user_id=user.pk).values("role")[:1]
    found = queryset.annotate(member_role=Subquery(role)).filter(member_role__isnull=False, **lookup).first()
    if found is None:
        raise Http404(f"No such {queryset.model._meta.verbose_name} in your teams")
    member_role = Role(found.member_role)
    if not member_role.allows(need):
        raise PermissionDenied(DENIED[need])
    return found, member_role


def visible_to(user: AbstractBaseUser | AnonymousUser, queryset: QuerySet[T], need: Role = Role.VIEWER) -> QuerySet[T]:
    """The rows of ``queryset`` in teams where the user has at least ``need``."""
    if not user.is_authenticated:
        return queryset.none()
    roles = [role for role in Role if Role(role).allows(need)]
    team_ids = Membership.objects.filter(user_id=user.pk, role__in=roles).values("team_id")
    return queryset.filter(**{f"{_team_id_path(queryset.model)}__in": team_ids})
