"""Every account gets a personal team, however it was created (sign-up, admin, shell)."""

from __future__ import annotations


def create_personal_team(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from .actions import ensure_personal_team

        ensure_personal_team(instance)
