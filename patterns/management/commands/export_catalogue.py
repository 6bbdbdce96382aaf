from pathlib import Path

from patterns.management.base import DatabaseCommand

from patterns.catalogue_io import export_tree
from patterns.store import catalogue_from_db, scenarios_from_db


class Command(DatabaseCommand):
    help = ("Write the catalogue in the database (and its scenarios) as YAML files in the repository's layout: "
            "OUT/patterns/data/*.yaml and OUT/pattern_library/<folder>/catalogue.yaml. "
            "`load_catalogue --dir OUT` reads them back.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder to write into (created if missing)")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            self.stderr.write(f"error: {out} is not a folder")
            raise SystemExit(2)
        catalogue = catalogue_from_db()
        if not catalogue.patterns:
            self.stderr.write("error: the catalogue is empty: nothing to export")
            raise SystemExit(2)
        try:
            written = export_tree(out, catalogue, scenarios_from_db())
        except OSError as exc:
            self.stderr.write(f"error: the catalogue was not exported: {exc}")
            raise SystemExit(2)
        self.stdout.write(f"{len(written)} files written under {out} (rules version {catalogue.version})")
