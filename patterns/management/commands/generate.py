import gc
import sys

from django.core.management.base import BaseCommand

from patterns.store import live_or_shipped_engine


class Command(BaseCommand):
    help = ("Generate a deployable AWS SAM project (zip) for an answers file; "
            "without --patterns, for the recommended architecture.")

    def add_arguments(self, parser):
        # Arguments are parsed by the generator's own command line, so it stays usable without Django.
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv):
        # argv: manage.py generate ...; everything after the command name goes to the generator.
        code = self.run(argv[2:])
        # The process ends here. Freezing the heap spares the interpreter's teardown from
        # garbage-collecting every object Django created, which takes longer (about 80 ms)
        # than generating a small project. Every file is closed by now.
        gc.freeze()
        raise SystemExit(code)

    def handle(self, *args, **options):
        code = self.run(list(args))
        if code:
            raise SystemExit(code)

    def run(self, argv: list[str]) -> int:
        from generator.cli import main

        engine = live_or_shipped_engine()

        def recommend_patterns(answers):
            result = engine.recommend(answers)
            return list(result.selected), [w.to_dict() for w in result.warnings]

        return main(argv, sys.stdin, sys.stdout, sys.stderr,
                    validate_answers=engine.validate, recommend_patterns=recommend_patterns,
                    limits=engine.limit_values)
