"""Every account gets a personal team, however it was created (sign-up, admin, shell); logging
in (or signing up) after opening an invitation link joins its team."""

from __future__ import annotations


def create_personal_team(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from .actions import ensure_personal_team

        ensure_personal_team(instance)


def join_on_login(sender, request, user, **kwargs) -> None:
    from .views import accept_invitation_in_session

    accept_invitation_in_session(request, user)
