"""Keep the live engine in step with the rows, and seed an empty database."""

from __future__ import annotations


def catalogue_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures being loaded
        return
    from .store import bump_version

    bump_version()


def load_shipped_catalogue(sender, using="default", **kwargs) -> None:
    """After migrate, copy the shipped catalogue into an empty database.

    Only an empty catalogue is seeded: rows staff deleted on purpose are not brought back
    by the next deploy. ``manage.py load_catalogue`` adds rows new to the files.
    """
    from .models import Pattern
    from .store import load_files_into_db

    if not Pattern.objects.using(using).exists():
        load_files_into_db()
