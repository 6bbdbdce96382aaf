import json

from django.core.management.base import BaseCommand

from advisor.questionnaire import diagram_bench


class Command(BaseCommand):
    help = ("Measure the web process's memory growth and the time per drawing over many distinct questionnaire "
            "diagrams, drawn in the web process and by the worker pool.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=500)
        parser.add_argument("--one", action="store_true", help="measure this process as configured; print JSON")

    def handle(self, *args, count: int, one: bool, **options):
        if one:
            self.stdout.write(json.dumps(diagram_bench.measure(count)))
        else:
            diagram_bench.main(count, write=self.stdout.write)
