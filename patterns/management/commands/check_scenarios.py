from pathlib import Path

import yaml
from patterns.management.base import DatabaseCommand

from patterns.catalogue import DATA_DIR, Catalogue, CatalogueError, read_catalogue_dir
from patterns.engine import compile_catalogue
from patterns.scenarios import check_scenarios, run_scenarios, scenarios_from_rows
from patterns.store import CatalogueNotLoaded, catalogue_from_db, scenarios_from_db


class Command(DatabaseCommand):
    help = ("Run the scenarios against the catalogue and report each one that does not come out as expected. "
            "Exit status: 0 when all pass, 1 when one fails, 2 on bad input.")

    def add_arguments(self, parser):
        parser.add_argument("--files", metavar="DIR", nargs="?", const=str(DATA_DIR), default=None,
                            help="take the catalogue and scenarios from YAML files (a data folder or an exported "
                                 "tree; default patterns/data) instead of the database")
        parser.add_argument("--name", action="append", default=[], metavar="NAME",
                            help="run only this scenario (may be given more than once)")

    def fail(self, message: str):
        self.stderr.write(f"error: {message}")
        raise SystemExit(2)

    def handle(self, *args, **options):
        try:
            if options["files"] is not None:
                data = read_catalogue_dir(Path(options["files"]))
                catalogue = Catalogue.from_dict(data)
                scenarios = scenarios_from_rows(data.get("scenarios") or ())
            else:
                catalogue = catalogue_from_db()
                if not catalogue.patterns or not catalogue.questions:
                    raise CatalogueNotLoaded("the catalogue is empty: run `python manage.py load_catalogue`")
                scenarios = scenarios_from_db()
            engine = compile_catalogue(catalogue)
        except (CatalogueError, CatalogueNotLoaded, OSError, yaml.YAMLError, ValueError) as exc:
            self.fail(f"the scenarios could not be run: {exc}")
        if options["name"]:
            unknown = sorted(set(options["name"]) - {s.name for s in scenarios})
            if unknown:
                self.fail(f"no scenario named {', '.join(unknown)}")
            scenarios = tuple(s for s in scenarios if s.name in options["name"])
        if not scenarios:
            self.fail("there are no scenarios to run")
        problems = check_scenarios(scenarios, catalogue)
        if problems:
            self.fail("some scenarios cannot be run:\n  " + "\n  ".join(problems))
        results = run_scenarios(scenarios, engine)
        failed = [result for result in results if not result.passed]
        for result in failed:
            self.stdout.write(f"FAIL {result.scenario.name}")
            for failure in result.failures:
                self.stdout.write(f"  {failure}")
        self.stdout.write(f"{len(results) - len(failed)} of {len(results)} scenarios pass "
                          f"(rules version {catalogue.version})")
        if failed:
            raise SystemExit(1)
