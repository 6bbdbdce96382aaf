"""factory-boy factories for the rows tests stand on: users, teams, memberships, saved
architectures and their revisions, and a shared world of one team with a user per role.

Architectures and revisions are made through the product's own actions (evaluated against
the current catalogue), so a test's architecture is one a user could have saved.
"""

from __future__ import annotations

import ipaddress
import uuid
from functools import lru_cache

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import TestCase
from factory.django import DjangoModelFactory

from advisor.architectures.actions import add_revision, save_architecture
from advisor.architectures.evaluation import evaluate
from advisor.architectures.models import Architecture, Revision
from advisor.teams.models import Membership, Role, Team
from patterns.store import current_engine

PASSWORD = "a long and unusual passphrase 42"
QUEUE_ANSWERS = {"trigger": "queue", "client_waits": False, "duration_s": 30, "unreliable_downstream": True}


@lru_cache(maxsize=1)
def password_hash() -> str:
    # Hashing is slow on purpose; one hash per test run keeps the suite fast.
    return make_password(PASSWORD)


class UserFactory(DjangoModelFactory):
    """An active account with a confirmed address and the password ``PASSWORD``; its
    personal team comes with it."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.LazyFunction(password_hash)


class TeamFactory(DjangoModelFactory):
    """A shared team; ``TeamFactory(owner=user)`` makes ``user`` its owner."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def owner(team: Team, create: bool, extracted, **kwargs) -> None:
        if create and extracted is not None:
            Membership.objects.create(team=team, user=extracted, role=Role.OWNER)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class ArchitectureFactory(DjangoModelFactory):
    """A saved architecture with its first revision, evaluated from ``answers`` (and
    ``patterns``, when the patterns are chosen by hand) as the save page would."""

    class Meta:
        model = Architecture

    created_by = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda architecture: TeamFactory(owner=architecture.created_by))
    name = factory.Sequence(lambda n: f"Architecture {n}")
    description = "Orders flow from the shop to the warehouse."
    answers = factory.LazyFunction(lambda: dict(QUEUE_ANSWERS))
    patterns = None

    @classmethod
    def _create(cls, model_class, team, created_by, name, description, answers, patterns):
        return save_architecture(team, created_by, name, description, evaluate(current_engine(), answers, patterns))


class RevisionFactory(DjangoModelFactory):
    """The next revision of ``architecture``, by ``author``, from ``answers``."""

    class Meta:
        model = Revision

    architecture = factory.SubFactory(ArchitectureFactory)
    author = factory.LazyAttribute(lambda revision: revision.architecture.created_by)
    answers = factory.LazyFunction(lambda: dict(QUEUE_ANSWERS, duration_s=120))
    patterns = None
    note = ""

    @classmethod
    def _create(cls, model_class, architecture, author, answers, patterns, note):
        return add_revision(architecture, author, evaluate(current_engine(), answers, patterns), note)


def make_user(username: str):
    return UserFactory(username=username)


def make_architecture(team: Team, author, name: str = "Order pipeline", answers: dict | None = None,
                      patterns: list[str] | None = None) -> Architecture:
    return ArchitectureFactory(team=team, created_by=author, name=name,
                               answers=answers if answers is not None else QUEUE_ANSWERS, patterns=patterns)


class BaseTestCase(TestCase):
    """alice owns the "Platform" team, bob edits in it, victor views it and charlie is in
    none of it. The team has one saved architecture ("Order pipeline") with one revision."""

    def setUp(self) -> None:
        super().setUp()
        self.alice, self.bob, self.victor, self.charlie = (
            UserFactory(username=name) for name in ("alice", "bob", "victor", "charlie"))
        self.team = TeamFactory(name="Platform", owner=self.alice)
        self.bob_membership = MembershipFactory(team=self.team, user=self.bob, role=Role.EDITOR)
        self.victor_membership = MembershipFactory(team=self.team, user=self.victor, role=Role.VIEWER)
        self.architecture = ArchitectureFactory(team=self.team, created_by=self.alice, name="Order pipeline")
        self.revision = self.architecture.latest


def fresh_address() -> str:
    """A client address no other test (or test process) uses: documentation range 2001:db8::/32."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | (uuid.uuid4().int >> 32)))
