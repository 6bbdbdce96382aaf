from pathlib import Path

from patterns.catalogue import DATA_DIR, CatalogueError
from patterns.management.base import DatabaseCommand
from patterns.store import load_files_into_db


class Command(DatabaseCommand):
    help = "Copy the catalogue files (patterns, warnings, limits, prices, questions, rules, checklist) into the database."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(DATA_DIR), help="folder with the YAML files")
        parser.add_argument("--reset", action="store_true",
                            help="replace every catalogue row with the files' version (discards admin edits)")

    def handle(self, *args, **options):
        try:
            created = load_files_into_db(Path(options["dir"]), reset=options["reset"])
        except (CatalogueError, OSError) as exc:
            self.stderr.write(f"error: the catalogue was not loaded: {exc}")
            raise SystemExit(2)
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items() if count) or "nothing new"
        self.stdout.write(f"catalogue loaded: {summary}")
