from django.core.management.base import BaseCommand

from advisor.questionnaire.bench import main


class Command(BaseCommand):
    help = "Measure the server time of the questionnaire's live panel (p50/p99 over many requests)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300)

    def handle(self, *args, **options):
        main(requests=options["requests"], write=self.stdout.write)
