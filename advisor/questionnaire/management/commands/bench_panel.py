from advisor.questionnaire.bench import main
from patterns.management.base import DatabaseCommand


class Command(DatabaseCommand):
    help = "Measure the server time of the questionnaire's live panel (p50/p99 over many requests)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300)

    def handle(self, *args, **options):
        main(requests=options["requests"], write=self.stdout.write)
