"""How the architectures list behaves with many rows: build them, time the page.

``populate`` bulk-creates teams full of architectures (one revision each) for a user;
``measure`` requests a page through the test client and reports the server time and the
number of SQL queries. Run as a module, it does both inside a transaction that it rolls
back, so the database is left as it was:

    python -m benchmarks.architecture_list [--teams 100] [--per-team 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.django_setup import database_ready, setup

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from advisor.teams.models import Team

SAMPLE_ANSWERS = {"trigger": "queue", "client_waits": False, "duration_s": 30, "unreliable_downstream": True}


def populate(user: AbstractBaseUser, teams: int, per_team: int, batch_size: int = 2000) -> list[Team]:
    """``teams`` new teams where ``user`` is an editor, each with ``per_team`` architectures."""
    # The site's models are imported here, not above: run as a module, this file sets Django up first.
    from advisor.architectures.evaluation import evaluate
    from advisor.architectures.models import Architecture, Revision
    from advisor.teams.models import Membership, Role, Team
    from patterns.store import current_engine

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


class Rollback(Exception):
    pass


def report(teams: int, per_team: int, repeat: int) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench-user-architectures", "bench@example.invalid")
    created = populate(user, teams, per_team)
    client = Client()
    client.force_login(user)
    list_url = reverse("architectures:list")
    print(f"{teams * per_team:,} architectures in {teams} teams (median of {repeat} requests):")
    for url in (list_url, f"{list_url}?page=200", f"{list_url}?q=Service+0042",
                f"{list_url}?team={created[0].pk}"):
        result = measure(client, url, repeat)
        print(f"  GET {result.url:<40} {result.status}  {result.queries:>2} queries  "
              f"server time {result.median_ms:7.1f} ms (max {result.max_ms:.1f} ms)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time the architectures list with many saved architectures; "
                                                 "leaves the database unchanged.")
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--per-team", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    setup()
    with database_ready():
        try:
            with transaction.atomic():
                report(args.teams, args.per_team, args.repeat)
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()
