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
    by the next deploy. ``manage.py load_catalogue`` adds rows new to the files. The analyzer
    findings, which a catalogue loaded before they were catalogue rows lacks, are added to a
    catalogue that has none (every one of them is needed, so none was deleted on purpose).
    """
    from .models import AnalyzerFinding, Pattern
    from .store import add_missing_rows, load_files_into_db

    if not Pattern.objects.using(using).exists():
        load_files_into_db()
    elif not AnalyzerFinding.objects.using(using).exists():
        add_missing_rows("findings")
