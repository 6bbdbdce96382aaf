"""Generated files in storage: removed with their job, and when they are older than the retention.

Every job keeps its files under artifacts/job-<id>/<attempt>/. Deleting a job, directly or
through its revision, architecture or team (the cascade sends post_delete for each job),
removes that folder once the deletion is committed. A periodic task (and the
`expire_artifacts` command) removes the files of jobs that finished more than
GENERATION_ARTIFACT_RETENTION_DAYS ago and marks the jobs expired.
"""

from __future__ import annotations

import logging
import posixpath
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .models import GenerationJob, JobStart, JobStatus

logger = logging.getLogger(__name__)

ROOT = "artifacts/"
FILE_FIELDS = ("zip_file", "svg_file", "png_file")


def delete_quietly(paths) -> None:
    """Delete stored files under artifacts/; a file already gone or undeletable is logged, not raised."""
    for path in paths:
        if isinstance(path, str) and path.startswith(ROOT):
            try:
                default_storage.delete(path)
            except OSError:
                logger.warning("could not delete %s", path)


def remove_tree(folder: str) -> None:
    """Delete every file under `folder` and, where the storage has folders, the folders."""
    if not folder.startswith(ROOT):
        return
    try:
        folders, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in folders:
        remove_tree(f"{folder}/{name}")
    delete_quietly(f"{folder}/{name}" for name in names)
    try:
        default_storage.delete(folder)  # the file system storage removes the empty folder
    except OSError:
        pass


def job_deleted(sender, instance: GenerationJob, **kwargs) -> None:
    """post_delete: remove the job's files when (and only if) the deletion is committed."""
    folder = instance.artifact_folder()
    names = [getattr(instance, field).name for field in FILE_FIELDS if getattr(instance, field)]

    def remove() -> None:
        delete_quietly(names)  # in case a file was stored outside the job's folder
        remove_tree(folder)

    transaction.on_commit(remove, using=kwargs.get("using"))


def expire(now: datetime | None = None) -> int:
    """Remove the files of jobs finished longer ago than the retention; how many jobs expired.

    Also forgets job starts older than a day, which no limit counts any more.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.GENERATION_ARTIFACT_RETENTION_DAYS)
    old = GenerationJob.objects.filter(status=JobStatus.SUCCEEDED, finished_at__lt=cutoff,
                                       artifacts_expired_at__isnull=True)
    expired = 0
    for job in old.only("pk", "finished_at", *FILE_FIELDS).iterator():
        # Conditional, so a job built again meanwhile keeps its new files.
        marked = GenerationJob.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED, finished_at=job.finished_at,
                                              artifacts_expired_at__isnull=True).update(
            artifacts_expired_at=now, **{field: "" for field in FILE_FIELDS})
        if not marked:
            continue
        names = [getattr(job, field).name for field in FILE_FIELDS if getattr(job, field)]
        delete_quietly(names)
        # Only the folders of the attempt that made these files: a newer attempt has its own.
        for folder in {posixpath.dirname(name) for name in names}:
            if folder.startswith(f"{job.artifact_folder()}/"):
                remove_tree(folder)
        try:
            default_storage.delete(job.artifact_folder())  # removed only if nothing newer is in it
        except OSError:
            pass
        expired += 1
    JobStart.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return expired
