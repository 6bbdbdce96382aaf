"""What changes generation jobs: request, retry, and run (claim, build, store, finish)."""

from __future__ import annotations

import hashlib
import logging
import math
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

import generator
from generator.build import compose_checked
from advisor.architectures.evaluation import as_advised
from advisor.architectures.models import Revision
from advisor.teams.models import Team
from patterns.store import current_engine

from .artifacts import delete_quietly, remove_tree
from .models import ACTIVE_STATUSES, GenerationJob, JobStart, JobStatus, options_key

logger = logging.getLogger(__name__)


class JobOptionsError(ValueError):
    """The options cannot be used; the message says why."""


def default_project_name(architecture_name: str) -> str:
    """A valid project name derived from what the team called the architecture."""
    name = re.sub(r"[^a-z0-9]+", "-", architecture_name.lower()).strip("-")
    name = re.sub(r"^[^a-z]+", "", name)[:63].rstrip("-")
    return name or "serverless-app"


def clean_options(revision: Revision, name: str | None = None, runtime: str | None = None,
                  architecture: str | None = None, api: str | None = None) -> dict[str, str]:
    options = {
        "name": name or default_project_name(revision.architecture.name),
        "runtime": runtime or generator.RUNTIMES[0],
        "architecture": architecture or generator.ARCHITECTURES[0],
        "api": api or generator.chosen_api(revision.answers),  # the API the answers asked for, as priced
    }
    try:
        generator.validate_name(options["name"])
    except generator.GenerationError as exc:
        raise JobOptionsError(str(exc)) from None
    if options["runtime"] not in generator.RUNTIMES:
        raise JobOptionsError(f"runtime must be one of {', '.join(generator.RUNTIMES)}")
    if options["architecture"] not in generator.ARCHITECTURES:
        raise JobOptionsError(f"architecture must be one of {', '.join(generator.ARCHITECTURES)}")
    if options["api"] not in generator.API_TYPES:
        raise JobOptionsError(f"api must be one of {', '.join(generator.API_TYPES)}")
    if not builds_an_api(revision):
        options["api"] = generator.API_TYPES[0]  # no API to shape: the same project, so the same job
    return options


def builds_an_api(revision: Revision) -> bool:
    """Whether the revision's project has an API Gateway API, so its type is worth choosing. The
    composition decides, as it does for the project: a database written by event consumers has none."""
    if not generator.has_api(revision.patterns):
        return False
    engine = current_engine()
    selection = generator.Selection(patterns=tuple(revision.patterns), answers=as_advised(engine, revision.answers),
                                    limits=engine.limit_values)
    try:
        composition = compose_checked(selection)
    except generator.GenerationError:
        return True  # the job reports what is wrong; the form keeps its usual fields
    return composition.api_id in composition


class QuotaExceeded(Exception):
    """Starting a job now would pass a limit; the message says which and when to try again."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds, when known


def request_generation(revision: Revision, options: dict[str, str], user) -> tuple[GenerationJob, bool]:
    """The job for this revision and options, created and queued if it is new.

    A job whose artifacts expired is built again. Starting one counts against the limits;
    QuotaExceeded says why it was refused.
    """
    key = options_key(options)
    team_id = revision.architecture.team_id
    with transaction.atomic():
        _lock_quota_holders(user, team_id)
        job = GenerationJob.objects.filter(revision=revision, options_key=key).first()
        if job is not None and not job.expired:
            return job, False
        check_quota(user, team_id)
        if job is None:
            job = GenerationJob.objects.create(revision=revision, options_key=key, options=options, requested_by=user)
        else:
            GenerationJob.objects.filter(pk=job.pk).update(
                status=JobStatus.QUEUED, error="", attempts=0, started_at=None, finished_at=None,
                lease_token=None, lease_expires=None, artifacts_expired_at=None, requested_by=user,
                zip_bytes=0, zip_sha256="", file_count=0)
            job.refresh_from_db()
        JobStart.objects.create(user=user, team_id=team_id, job=job)
        enqueue(job)
    return job, True


def retry_job(job: GenerationJob, user=None) -> bool:
    """Put a failed job back in the queue; False if it was not failed.

    A retry is a start like any other: QuotaExceeded when it would pass a limit.
    """
    team_id = GenerationJob.objects.filter(pk=job.pk).values_list(GenerationJob.TEAM_PATH, flat=True).first()
    if team_id is None:
        return False
    with transaction.atomic():
        _lock_quota_holders(user, team_id)
        if not GenerationJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).exists():
            return False
        check_quota(user, team_id)
        reset = GenerationJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED, error="", attempts=0, finished_at=None, lease_token=None, lease_expires=None,
            requested_by=user)
        JobStart.objects.create(user=user, team_id=team_id, job_id=job.pk)
        enqueue(job)
    return bool(reset)


# Limits ------------------------------------------------------------------------------------
def _lock_quota_holders(user, team_id: int) -> None:
    """Lock the user's and the team's rows until the transaction ends (always in this order).

    Two starts for the same user or team then check and record one after the other, so they
    cannot both take the last free place.
    """
    if user is not None:
        list(get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk"))
    list(Team.objects.select_for_update(no_key=True).filter(pk=team_id).values_list("pk"))


def check_quota(user, team_id: int) -> None:
    """Raise QuotaExceeded if the user or the team may not start another job now."""
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    active = GenerationJob.objects.filter(status__in=ACTIVE_STATUSES)
    checks = []
    if user is not None:
        checks.append(("You have", active.filter(requested_by=user), JobStart.objects.filter(user=user),
                       settings.GENERATION_MAX_ACTIVE_JOBS, settings.GENERATION_MAX_JOBS_PER_DAY))
    checks.append(("This team has", active.filter(**{GenerationJob.TEAM_PATH: team_id}),
                   JobStart.objects.filter(team_id=team_id),
                   settings.GENERATION_TEAM_MAX_ACTIVE_JOBS, settings.GENERATION_TEAM_MAX_JOBS_PER_DAY))
    for who, running, starts, max_active, max_daily in checks:
        if running.count() >= max_active:
            raise QuotaExceeded(
                f"{who} {_jobs(max_active)} queued or running, the most allowed at once; "
                "start another when one of them has finished.")
        recent = starts.filter(at__gt=day_ago).order_by("at").values_list("at", flat=True)
        count = recent.count()
        if count >= max_daily:
            # A place frees up when the start that brought the count to the limit is a day old.
            freed_by = recent[count - max_daily] if max_daily > 0 else now
            wait = math.ceil((freed_by + timedelta(days=1) - now).total_seconds())
            raise QuotaExceeded(
                f"{who} started {_jobs(max_daily)} in the last 24 hours, the most allowed; "
                f"try again in {_duration(wait)}.", retry_after=max(wait, 1))


def _jobs(count: int) -> str:
    return f"{count} generation job{'s' if count != 1 else ''}"


def _duration(seconds: int) -> str:
    if seconds >= 3600:
        hours = round(seconds / 3600)
        return f"about {hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def enqueue(job: GenerationJob) -> None:
    from .tasks import run_generation

    job_id = job.pk
    transaction.on_commit(lambda: run_generation.delay(job_id))


# Running a job ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What happened when a worker tried a job."""

    state: str  # "done" | "busy" (another worker holds the lease) | "gone"
    wait_seconds: float = 0.0


class TransientError(Exception):
    """Worth retrying later: the database or the storage hiccupped."""


def claim(job_id: int) -> tuple[GenerationJob | None, uuid.UUID | None, Outcome | None]:
    """Take the job if it is queued or its holder's lease ran out."""
    now = timezone.now()
    token = uuid.uuid4()
    claimed = GenerationJob.objects.filter(pk=job_id).filter(
        Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, lease_expires__lt=now)
    ).update(
        status=JobStatus.RUNNING, lease_token=token, started_at=now, attempts=F("attempts") + 1,
        lease_expires=now + timedelta(seconds=settings.GENERATION_LEASE_SECONDS),
    )
    job = GenerationJob.objects.select_related("revision__architecture").filter(pk=job_id).first()
    if job is None:
        return None, None, Outcome("gone")
    if claimed:
        return job, token, None
    if job.status == JobStatus.RUNNING and job.lease_expires:
        return None, None, Outcome("busy", max(1.0, (job.lease_expires - now).total_seconds() + 1))
    return None, None, Outcome("done")  # finished by someone else: nothing to do


def execute(job_id: int) -> Outcome:
    """Claim, build, store and finish one job. Safe to call any number of times."""
    job, token, outcome = claim(job_id)
    if outcome is not None:
        return outcome
    if job.attempts > settings.GENERATION_MAX_ATTEMPTS:
        _finish(job, token, status=JobStatus.FAILED,
                error=f"gave up after {job.attempts - 1} attempts; press retry to try again")
        return Outcome("done")
    try:
        files = build(job)
    except generator.GenerationError as exc:
        _finish(job, token, status=JobStatus.FAILED, error=str(exc))
        return Outcome("done")
    except Exception as exc:  # a bug in the generator: record it instead of retrying forever
        logger.exception("generation job %s failed", job.pk)
        _finish(job, token, status=JobStatus.FAILED, error=f"the generator failed: {type(exc).__name__}: {exc}")
        return Outcome("done")
    try:
        stored = store(job, token, files)
    except OSError as exc:
        release(job, token)
        raise TransientError(f"storing the artifacts failed: {exc}") from exc
    if not _finish(job, token, status=JobStatus.SUCCEEDED, **stored):
        # Our lease was taken over (we were too slow): the new holder writes its own copy.
        delete_quietly(stored.values())
    return Outcome("done")


def build(job: GenerationJob) -> dict[str, bytes]:
    revision = job.revision
    engine = current_engine()
    warnings = tuple(
        {key: w.get(key) for key in ("id", "severity", "pattern", "message")}
        for w in (revision.recommendation or {}).get("warnings", [])
    )
    selection = generator.Selection(
        patterns=tuple(revision.patterns), answers=as_advised(engine, revision.answers), name=job.options["name"],
        runtime=job.options["runtime"], architecture=job.options["architecture"], warnings=warnings,
        api=job.options.get("api", generator.API_TYPES[0]),  # jobs from before the option existed
        limits=engine.limit_values,
    )
    return generator.generate_files(selection)


def store(job: GenerationJob, token: uuid.UUID, files: dict[str, bytes]) -> dict:
    """Write the zip and the diagrams under a folder of this attempt."""
    _delete_earlier_attempts(job)
    name = job.options["name"]
    archive = generator.build_zip(files)
    folder = f"{job.artifact_folder()}/{token.hex}"
    stored = {"zip_file": default_storage.save(f"{folder}/{name}.zip", ContentFile(archive))}
    for kind in ("svg", "png"):
        content = files.get(f"{name}/architecture.{kind}")
        if content:
            stored[f"{kind}_file"] = default_storage.save(f"{folder}/architecture.{kind}", ContentFile(content))
    stored.update(zip_bytes=len(archive), zip_sha256=hashlib.sha256(archive).hexdigest(), file_count=len(files))
    return stored


def release(job: GenerationJob, token: uuid.UUID) -> None:
    """Give the job back to the queue after a transient failure."""
    GenerationJob.objects.filter(pk=job.pk, lease_token=token, status=JobStatus.RUNNING).update(
        status=JobStatus.QUEUED, lease_token=None, lease_expires=None)


def mark_failed(job_id: int, error: str) -> None:
    GenerationJob.objects.filter(pk=job_id).exclude(status=JobStatus.SUCCEEDED).update(
        status=JobStatus.FAILED, error=error, finished_at=timezone.now(), lease_token=None, lease_expires=None)


def _finish(job: GenerationJob, token: uuid.UUID, status: str, error: str = "", **fields) -> bool:
    return bool(GenerationJob.objects.filter(pk=job.pk, lease_token=token, status=JobStatus.RUNNING).update(
        status=status, error=error, finished_at=timezone.now(), lease_token=None, lease_expires=None, **fields))


def _delete_earlier_attempts(job: GenerationJob) -> None:
    """A worker killed mid-write may have left files; only the finishing attempt's stay."""
    root = job.artifact_folder()
    try:
        folders, _ = default_storage.listdir(root)
    except (FileNotFoundError, NotImplementedError):
        return
    for folder in folders:
        remove_tree(f"{root}/{folder}")


# Downloads --------------------------------------------------------------------------------
DOWNLOADS = {
    "zip": ("zip_file", "application/zip", True),
    "svg": ("svg_file", "image/svg+xml", False),
    "png": ("png_file", "image/png", False),
}


class ArtifactMissing(LookupError):
    """No such file for this job; the message says why."""


class ArtifactExpired(ArtifactMissing):
    """The job's files were removed for their age; asking for the same project builds it again."""


def open_artifact(job: GenerationJob, kind: str):
    """(file handle, download name, content type, as attachment) of a job's artifact."""
    if kind not in DOWNLOADS:
        raise ArtifactMissing("No such download; use zip, svg or png.")
    if job.expired:
        raise ArtifactExpired(expiry_message(job))
    field, content_type, attachment = DOWNLOADS[kind]
    stored = getattr(job, field)
    if not stored:
        raise ArtifactMissing("This file is not ready." if not job.finished else "This job has no such file.")
    try:
        handle = default_storage.open(stored.name, "rb")
    except FileNotFoundError:
        raise ArtifactMissing("The file is no longer stored; generate again.") from None
    filename = f"{job.project_name}.zip" if kind == "zip" else f"{job.project_name}-architecture.{kind}"
    return handle, filename, content_type, attachment


def expiry_message(job: GenerationJob) -> str:
    return (f"This download expired on {job.artifacts_expired_at:%Y-%m-%d}: generated files are kept "
            f"{settings.GENERATION_ARTIFACT_RETENTION_DAYS} days. Generate the project again to get it back.")
