from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from advisor.jobs.artifacts import expire


class Command(BaseCommand):
    help = ("Remove the generated files of jobs that finished more than GENERATION_ARTIFACT_RETENTION_DAYS ago "
            "(Celery beat also does this every hour).")

    def handle(self, *args, **options):
        try:
            count = expire()
        except DatabaseError as exc:
            raise CommandError(f"the database is not ready ({exc}); run `python manage.py migrate` first",
                               returncode=2) from None
        days = settings.GENERATION_ARTIFACT_RETENTION_DAYS
        self.stdout.write(f"Removed the files of {count} job{'s' if count != 1 else ''} "
                          f"finished more than {days} day{'s' if days != 1 else ''} ago.")
