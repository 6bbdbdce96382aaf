from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from advisor.architectures.bench import measure, populate
from patterns.management.base import DatabaseCommand


class Rollback(Exception):
    pass


class Command(DatabaseCommand):
    help = "Time the architectures list with many saved architectures; leaves the database unchanged."

    def add_arguments(self, parser):
        parser.add_argument("--teams", type=int, default=100)
        parser.add_argument("--per-team", type=int, default=100)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, teams: int, per_team: int, repeat: int, **options):
        try:
            with transaction.atomic():
                self._run(teams, per_team, repeat)
                raise Rollback
        except Rollback:
            pass

    def _run(self, teams: int, per_team: int, repeat: int) -> None:
        user = get_user_model().objects.create_user("bench-user-architectures", "bench@example.invalid")
        created = populate(user, teams, per_team)
        client = Client()
        client.force_login(user)
        list_url = reverse("architectures:list")
        self.stdout.write(f"{teams * per_team:,} architectures in {teams} teams (median of {repeat} requests):")
        for url in (list_url, f"{list_url}?page=200", f"{list_url}?q=Service+0042",
                    f"{list_url}?team={created[0].pk}"):
            result = measure(client, url, repeat)
            self.stdout.write(f"  GET {result.url:<40} {result.status}  {result.queries:>2} queries  "
                              f"server time {result.median_ms:7.1f} ms (max {result.max_ms:.1f} ms)")
