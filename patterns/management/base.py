"""What every management command that needs the database does when it is not set up."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from patterns.store import CatalogueNotLoaded

SET_UP_HINT = "run `make run` once, or `python manage.py migrate` (which also loads the catalogue)"


def not_ready(exc: DatabaseError) -> str:
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"error: the database is not ready ({reason}): {SET_UP_HINT}"


class DatabaseCommand(BaseCommand):
    """A command whose work needs the migrated database: a database that is not set up, or
    holds no catalogue, is one line on standard error saying what to run and exit 2."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except DatabaseError as exc:
            self.stderr.write(not_ready(exc))
            raise SystemExit(2) from None
        except CatalogueNotLoaded as exc:
            self.stderr.write(f"error: {exc}")
            raise SystemExit(2) from None
