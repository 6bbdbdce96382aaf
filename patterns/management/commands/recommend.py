import json
import sys

from django.core.management.base import BaseCommand

from patterns.answers import AnswerError
from patterns.cli import BadInput, read_json, render_recommendation_text
from patterns.store import live_or_shipped_engine


class Command(BaseCommand):
    help = "Recommend Lambda architecture patterns for an answers file (JSON; '-' reads standard input)."

    def add_arguments(self, parser):
        parser.add_argument("answers", help="path to the answers JSON file, or - for standard input")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        try:
            raw = read_json(options["answers"], sys.stdin)
            engine = live_or_shipped_engine()
            result = engine.recommend(raw).to_dict()
        except (BadInput, AnswerError) as exc:
            self.stderr.write(f"error: {exc}")
            raise SystemExit(2)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
        else:
            names = {p.slug: p.name for p in engine.catalogue.patterns}
            self.stdout.write(render_recommendation_text(result, names), ending="")
