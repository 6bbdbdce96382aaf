"""Keep the live engine in step with the rows, and seed or top up the database."""

from __future__ import annotations

import sys


def catalogue_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures being loaded
        return
    from .store import bump_version

    bump_version()


def load_shipped_catalogue(sender, using="default", **kwargs) -> None:
    """After migrate, copy the shipped catalogue into an empty database, or add to a database
    in use the rows it has never held (the questions, rules and limits a new version brings).

    Rows staff deleted on purpose (the history records their removal) are not brought back by
    the next deploy, and rows staff changed keep their changes: ``manage.py load_catalogue
    --update`` shows what the files would change in those and applies it on request.
    """
    from .catalogue import CatalogueError
    from .models import Pattern
    from .store import load_files_into_db

    if not Pattern.objects.using(using).exists():
        load_files_into_db()
        return
    try:
        added = load_files_into_db(skip_removed=True, source="migrate")
    except CatalogueError as exc:
        # The new rows do not fit the catalogue as staff have edited it: leave it as it is
        # rather than stop the deploy, and say what to do.
        out = kwargs.get("stdout") or sys.stderr
        out.write("The catalogue's new rows were not added, because with them the catalogue would be "
                  "inconsistent:\n  " + "\n  ".join(exc.problems)
                  + "\nRun `manage.py load_catalogue --update` to see and apply the shipped catalogue.\n")
        return
    if any(added.values()) and kwargs.get("verbosity", 1) >= 1:
        out = kwargs.get("stdout") or sys.stdout
        out.write("Catalogue rows added: " + ", ".join(f"{n} {kind}" for kind, n in added.items() if n) + "\n")
