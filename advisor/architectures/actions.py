"""Everything that changes saved architectures.

Views and API endpoints look the object up through ``advisor.teams.scoping`` and then
call one of these. Each runs in a transaction; a refused change raises ``ActionError``
(or ``AnswerError`` for answers) and writes nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from advisor.teams.actions import ActionError
from advisor.teams.models import Team
from patterns.answers import AnswerError
from patterns.engine import Engine

from .evaluation import Evaluated, evaluate
from .models import Architecture, Revision, ShareLink

# Links that work at once for one architecture; revoking one makes room.
MAX_SHARE_LINKS = 20


def _name_taken(team: Team, name: str, exclude: int | None = None) -> bool:
    return Architecture.objects.filter(team=team, name__iexact=name).exclude(pk=exclude).exists()


def _name_error(name: str, team: Team) -> ActionError:
    return ActionError(f"{team.name} already has an architecture called “{name}”.", "name")


def _add_revision(architecture: Architecture, author: AbstractBaseUser | None, evaluated: Evaluated,
                  note: str = "") -> Revision:
    # Lock the architecture row so two saves never take the same number.
    Architecture.objects.select_for_update().filter(pk=architecture.pk).first()
    number = (architecture.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision.objects.create(
        architecture=architecture, number=number, answers=evaluated.answers, patterns=list(evaluated.patterns),
        follows_recommendation=evaluated.follows_recommendation, recommendation=evaluated.recommendation,
        rules_version=evaluated.rules_version, author=author, note=note[:200],
    )
    architecture.latest = revision
    architecture.save(update_fields=["latest", "updated_at"])
    return revision


def save_architecture(team: Team, author: AbstractBaseUser, name: str, description: str,
                      evaluated: Evaluated) -> Architecture:
    name = name.strip()
    if _name_taken(team, name):
        raise _name_error(name, team)
    try:
        with transaction.atomic():
            architecture = Architecture.objects.create(team=team, name=name, description=description.strip(),
                                                       created_by=author)
            _add_revision(architecture, author, evaluated)
    except IntegrityError:  # the same name saved at the same moment by someone else
        raise _name_error(name, team) from None
    return architecture


def update_architecture(architecture: Architecture, author: AbstractBaseUser, name: str, description: str,
                        evaluated: Evaluated | None, note: str = "") -> Revision | None:
    """Rename/redescribe, and add a revision when the answers or patterns changed."""
    name = name.strip()
    if _name_taken(architecture.team, name, exclude=architecture.pk):
        raise _name_error(name, architecture.team)
    revision = None
    try:
        with transaction.atomic():
            architecture.name = name
            architecture.description = description.strip()
            architecture.save(update_fields=["name", "description", "updated_at"])
            latest = architecture.latest
            if evaluated is not None and (
                latest is None
                or latest.answers != evaluated.answers
                or list(latest.patterns) != list(evaluated.patterns)
                or latest.follows_recommendation != evaluated.follows_recommendation
            ):
                revision = _add_revision(architecture, author, evaluated, note)
    except IntegrityError:
        raise _name_error(name, architecture.team) from None
    return revision


@transaction.atomic
def add_revision(architecture: Architecture, author: AbstractBaseUser, evaluated: Evaluated, note: str = "") -> Revision:
    return _add_revision(architecture, author, evaluated, note)


def restore_revision(engine: Engine, revision: Revision, author: AbstractBaseUser) -> Revision:
    """A new revision with an old one's answers and patterns, evaluated with today's rules."""
    patterns = None if revision.follows_recommendation else revision.patterns
    try:
        evaluated = evaluate(engine, revision.answers, patterns)
    except AnswerError as exc:
        problems = "; ".join(f"{key}: {message}" for key, message in exc.errors.items())
        raise ActionError(f"Revision {revision.number} cannot be restored: its answers no longer pass "
                          f"today's questions ({problems}).") from None
    with transaction.atomic():
        architecture = revision.architecture
        return _add_revision(architecture, author, evaluated, f"Restored from revision {revision.number}")


@transaction.atomic
def delete_architecture(architecture: Architecture) -> None:
    architecture.delete()


def live_share_links(architecture: Architecture):
    """The architecture's links that open now."""
    return ShareLink.objects.live().filter(revision__architecture=architecture)


@transaction.atomic
def share_revision(revision: Revision, *, actor: AbstractBaseUser, days: int | None) -> ShareLink:
    """A new read-only link to the revision, open to anyone who has it, for ``days`` days
    (None: until revoked)."""
    architecture = revision.architecture
    Architecture.objects.select_for_update().filter(pk=architecture.pk).first()
    if live_share_links(architecture).count() >= MAX_SHARE_LINKS:
        raise ActionError(f"{architecture.name} already has {MAX_SHARE_LINKS} share links; revoke one first.")
    expires_at = timezone.now() + timedelta(days=days) if days else None
    return ShareLink.objects.create(revision=revision, token=secrets.token_urlsafe(32), created_by=actor,
                                    expires_at=expires_at)


def revoke_share_link(link: ShareLink) -> None:
    link.delete()
