"""Django start-up for the benchmarks that run against the site and its database."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator


def setup(settings: str = "advisor.settings") -> None:
    """Configure Django as ``manage.py`` does (DJANGO_SETTINGS_MODULE wins when it is set)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


@contextmanager
def database_ready() -> Iterator[None]:
    """As the site's commands that need the database: a database that is not set up, or holds no
    catalogue, is one line on standard error saying what to run and exit 2."""
    from django.db import DatabaseError

    from patterns.management.base import not_ready
    from patterns.store import CatalogueNotLoaded

    try:
        yield
    except DatabaseError as exc:
        print(not_ready(exc), file=sys.stderr)
        raise SystemExit(2) from None
    except CatalogueNotLoaded as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
