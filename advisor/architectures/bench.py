"""How the architectures list behaves with many rows: build them, time the page.

``populate`` bulk-creates teams full of architectures (one revision each) for a user;
``measure`` requests a page through the test client and reports the server time and the
number of SQL queries. The ``bench_architectures`` command runs both inside a
transaction that it rolls back, so the database is left as it was.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test import Client
from django.test.utils import CaptureQueriesContext

from advisor.teams.models import Membership, Role, Team
from patterns.store import current_engine

from .evaluation import evaluate
from .models import Architecture, Revision

SAMPLE_ANSWERS = {"trigger": "queue", "client_waits": False, "duration_s": 30, "unreliable_downstream": True}


def populate(user: AbstractBaseUser, teams: int, per_team: int, batch_size: int = 2000) -> list[Team]:
    """``teams`` new teams where ``user`` is an editor, each with ``per_team`` architectures."""
    evaluated = evaluate(current_engine(), SAMPLE_ANSWERS)
    created = Team.objects.bulk_create([Team(name=f"Bench team {n:03}") for n in range(teams)])
    Membership.objects.bulk_create([Membership(team=team, user=user, role=Role.EDITOR) for team in created])
    Architecture.objects.bulk_create(
        [Architecture(team=team, name=f"Service {n:04} of {team.name}", description=f"Handles workload {n}",
                      created_by=user) for team in created for n in range(per_team)],
        batch_size=batch_size,
    )
    new = Architecture.objects.filter(team__in=created)
    Revision.objects.bulk_create(
        [Revision(architecture_id=pk, number=1, answers=evaluated.answers, patterns=list(evaluated.patterns),
                  follows_recommendation=True, recommendation=evaluated.recommendation,
                  rules_version=evaluated.rules_version, author=user) for pk in new.values_list("pk", flat=True)],
        batch_size=batch_size,
    )
    new.update(latest=Subquery(Revision.objects.filter(architecture=OuterRef("pk"), number=1).values("pk")[:1]))
    return created


@dataclass(frozen=True)
class Measurement:
    url: str
    status: int
    queries: int
    median_ms: float
    max_ms: float


def measure(client: Client, url: str, repeat: int = 5) -> Measurement:
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    return Measurement(url, response.status_code, len(queries), statistics.median(timings), max(timings))
