"""Generation jobs: a saved revision turned into a SAM project zip and its diagrams.

A job is keyed by its revision and options, so asking again returns the same job (and its
artifact) until the artifact expires; then asking again builds it anew. Every start of a job
is recorded (JobStart), which is what the daily limits count. Workers claim a job with a conditional update that hands them a lease; only
the holder of the current lease can mark it succeeded or failed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models

from advisor.architectures.models import Revision


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


def options_key(options: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:32]


class GenerationJob(models.Model):
    TEAM_PATH = "revision__architecture__team"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="generation_jobs")
    options = models.JSONField(help_text="name, runtime, architecture")
    options_key = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_token = models.UUIDField(null=True, blank=True)
    lease_expires = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    zip_file = models.FileField(upload_to="artifacts/", max_length=300, blank=True)
    svg_file = models.FileField(upload_to="artifacts/", max_length=300, blank=True)
    png_file = models.FileField(upload_to="artifacts/", max_length=300, blank=True)
    zip_bytes = models.PositiveBigIntegerField(default=0)
    zip_sha256 = models.CharField(max_length=64, blank=True)
    file_count = models.PositiveIntegerField(default=0)
    artifacts_expired_at = models.DateTimeField(null=True, blank=True,
                                                help_text="When the stored files were removed for their age.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "options_key"], name="generation_job_once_per_options"),
        ]
        indexes = [models.Index(fields=["status", "lease_expires"], name="generation_job_claimable")]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def project_name(self) -> str:
        return self.options.get("name", "serverless-app")

    @property
    def expired(self) -> bool:
        return self.artifacts_expired_at is not None

    def artifact_folder(self) -> str:
        return f"artifacts/job-{self.pk}"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobStart(models.Model):
    """One start of a generation job (a new job, a retry, a rebuild of an expired one).

    The daily limits count these rather than jobs, so deleting jobs does not give the
    starts back. Rows older than a day are no longer counted and are pruned.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(GenerationJob, null=True, on_delete=models.SET_NULL, related_name="starts")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="job_start_user_at"),
                   models.Index(fields=["team", "at"], name="job_start_team_at")]

    def __str__(self) -> str:
        return f"start of job {self.job_id} at {self.at:%Y-%m-%d %H:%M}"


class Reevaluation(models.Model):
    """One pass over every saved architecture with the rules of one catalogue version."""

    rules_version = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"re-evaluation with rules {self.rules_version} ({self.status})"


class ReevaluationResult(models.Model):
    """Whether today's advice for an architecture differs from what was saved, and how."""

    reevaluation = models.ForeignKey(Reevaluation, on_delete=models.CASCADE, related_name="results")
    architecture = models.ForeignKey("architectures.Architecture", on_delete=models.CASCADE,
                                     related_name="reevaluations")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    differs = models.BooleanField()
    differences = models.JSONField(default=list)
    problems = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reevaluation", "architecture"],
                                               name="one_result_per_architecture_and_pass")]
