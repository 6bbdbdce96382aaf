from pathlib import Path

import yaml
from django.db.models import ProtectedError

from patterns.catalogue import DATA_DIR, CatalogueError
from patterns.management.base import DatabaseCommand
from patterns.store import apply_update, load_files_into_db, plan_update


class Command(DatabaseCommand):
    help = ("Copy the catalogue files (patterns, warnings, limits, prices, questions, rules, checklist, scenarios) "
            "into the database. --dir takes a data folder or a tree written by export_catalogue.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(DATA_DIR), help="folder with the YAML files")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--reset", action="store_true",
                          help="replace every catalogue row with the files' version (discards admin edits)")
        mode.add_argument("--update", action="store_true",
                          help="show the rows the files would add, change and remove; with --apply, apply them")
        parser.add_argument("--apply", action="store_true", help="with --update: make the changes shown")

    def fail(self, message: str):
        self.stderr.write(f"error: the catalogue was not loaded: {message}")
        raise SystemExit(2)

    def handle(self, *args, **options):
        if options["apply"] and not options["update"]:
            self.fail("--apply goes with --update")
        try:
            if options["update"]:
                return self.update(Path(options["dir"]), options["apply"])
            created = load_files_into_db(Path(options["dir"]), reset=options["reset"])
        except CatalogueError as exc:
            self.fail("\n  " + "\n  ".join(exc.problems))
        except (OSError, yaml.YAMLError, ProtectedError) as exc:
            self.fail(str(exc))
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items() if count) or "nothing new"
        self.stdout.write(f"catalogue loaded: {summary}")

    def update(self, directory: Path, apply: bool) -> None:
        changes, incoming = plan_update(directory)
        for change in changes:
            for line in change.lines():
                self.stdout.write(line)
        counts = {action: sum(1 for c in changes if c.action == action) for action in ("add", "change", "remove")}
        summary = f"{counts['add']} added, {counts['change']} changed, {counts['remove']} removed"
        if not changes:
            self.stdout.write("the database already holds these files: nothing to do")
        elif apply:
            apply_update(changes, incoming)
            self.stdout.write(f"applied: {summary} (rules version {incoming.version})")
        else:
            self.stdout.write(f"would apply: {summary}. Nothing was changed; run again with --apply to apply it.")
