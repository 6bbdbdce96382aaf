"""Shared test fixtures: a team with one user per role, and an outsider.

alice owns the "Platform" team, bob edits in it, victor views it and charlie is in
none of it. The team has one saved architecture with one revision.
"""

from __future__ import annotations

import ipaddress
import uuid
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import TestCase

from advisor.architectures.actions import save_architecture
from advisor.architectures.evaluation import evaluate
from advisor.architectures.models import Architecture
from advisor.teams.actions import create_team
from advisor.teams.models import Membership, Role, Team
from patterns.store import current_engine

User = get_user_model()
PASSWORD = "a long and unusual passphrase 42"
QUEUE_ANSWERS = {"trigger": "queue", "client_waits": False, "duration_s": 30, "unreliable_downstream": True}


@lru_cache(maxsize=1)
def password_hash() -> str:
    # Hashing is slow on purpose; one hash per test run keeps the suite fast.
    return make_password(PASSWORD)


def make_user(username: str) -> Any:
    user = User(username=username, email=f"{username}@example.org", password=password_hash())
    user.save()
    return user


def make_architecture(team: Team, author: Any, name: str = "Order pipeline", answers: dict | None = None,
                      patterns: list[str] | None = None) -> Architecture:
    evaluated = evaluate(current_engine(), answers if answers is not None else QUEUE_ANSWERS, patterns)
    return save_architecture(team, author, name, "Orders flow from the shop to the warehouse.", evaluated)


class BaseTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.alice = make_user("alice")
        self.bob = make_user("bob")
        self.victor = make_user("victor")
        self.charlie = make_user("charlie")
        self.team = create_team(self.alice, "Platform")
        self.bob_membership = Membership.objects.create(team=self.team, user=self.bob, role=Role.EDITOR)
        self.victor_membership = Membership.objects.create(team=self.team, user=self.victor, role=Role.VIEWER)
        self.architecture = make_architecture(self.team, self.alice)
        self.revision = self.architecture.latest


def fresh_address() -> str:
    """A client address no other test (or test process) uses: documentation range 2001:db8::/32."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | (uuid.uuid4().int >> 32)))
