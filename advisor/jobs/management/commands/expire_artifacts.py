from django.conf import settings

from advisor.jobs.artifacts import expire
from patterns.management.base import DatabaseCommand


class Command(DatabaseCommand):
    help = ("Remove the generated files of jobs that finished more than GENERATION_ARTIFACT_RETENTION_DAYS ago "
            "(Celery beat also does this every hour).")

    def handle(self, *args, **options):
        count = expire()
        days = settings.GENERATION_ARTIFACT_RETENTION_DAYS
        self.stdout.write(f"Removed the files of {count} job{'s' if count != 1 else ''} "
                          f"finished more than {days} day{'s' if days != 1 else ''} ago.")
