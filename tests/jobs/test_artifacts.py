"""Generated files leave storage with their job, architecture or team, and when they are old."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from advisor.celery import app
from advisor.jobs import actions, tasks
from advisor.jobs.models import GenerationJob, JobStart, JobStatus
from advisor.teams.actions import create_team
from tests.factories import make_architecture, make_user


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice = make_user("alice")
    team = create_team(alice, "Platform")
    return {"alice": alice, "team": team, "architecture": make_architecture(team, alice), "media": tmp_path}


def generated(world, capture, runtime="python3.13", architecture=None):
    revision = (architecture or world["architecture"]).latest
    with capture(execute=True):
        job, _ = actions.request_generation(revision, actions.clean_options(revision, runtime=runtime), world["alice"])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def stored_files(world):
    return sorted(p.relative_to(world["media"]).as_posix() for p in Path(world["media"]).rglob("*") if p.is_file())


def folder_of(world, job):
    return Path(world["media"]) / job.artifact_folder()


def test_deleting_a_job_removes_its_files(world, django_capture_on_commit_callbacks):
    job = generated(world, django_capture_on_commit_callbacks)
    assert folder_of(world, job).is_dir() and any(name.endswith(".zip") for name in stored_files(world))
    with django_capture_on_commit_callbacks(execute=True):
        GenerationJob.objects.filter(pk=job.pk).delete()
    assert not folder_of(world, job).exists() and stored_files(world) == []


def test_deleting_an_architecture_removes_the_files_of_all_its_jobs(client, world, django_capture_on_commit_callbacks):
    jobs = [generated(world, django_capture_on_commit_callbacks, runtime) for runtime in ("python3.13", "python3.12")]
    other = make_architecture(world["team"], world["alice"], name="Keep me")
    kept = generated(world, django_capture_on_commit_callbacks, architecture=other)
    client.force_login(world["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("architectures:delete", args=[world["architecture"].pk]), {"confirm": "yes"})
    assert response.status_code == 302
    assert not any(folder_of(world, job).exists() for job in jobs)
    assert stored_files(world) and all(name.startswith(f"{kept.artifact_folder()}/") for name in stored_files(world))


def test_deleting_a_team_removes_the_files_of_its_jobs(client, world, django_capture_on_commit_callbacks):
    generated(world, django_capture_on_commit_callbacks)
    client.force_login(world["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("teams:delete", args=[world["team"].pk]), {"confirm": "Platform"})
    assert response.status_code == 302
    assert stored_files(world) == []


def test_files_stay_when_the_deletion_is_rolled_back(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    job = generated(world, django_capture_on_commit_callbacks)
    folder = folder_of(world, job)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            job.delete()
            raise RuntimeError("changed my mind")
    assert callbacks == [] and folder.is_dir() and GenerationJob.objects.exists()


def test_the_expiry_task_removes_old_files_only(world, settings, django_capture_on_commit_callbacks):
    settings.GENERATION_ARTIFACT_RETENTION_DAYS = 30
    old = generated(world, django_capture_on_commit_callbacks, "python3.13")
    recent = generated(world, django_capture_on_commit_callbacks, "python3.12")
    now = timezone.now()
    GenerationJob.objects.filter(pk=old.pk).update(finished_at=now - timedelta(days=31))
    GenerationJob.objects.filter(pk=recent.pk).update(finished_at=now - timedelta(days=29))
    assert tasks.expire_artifacts.delay().get() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.expired and not old.zip_file and not folder_of(world, old).exists()
    assert not recent.expired and recent.zip_file
    assert all(name.startswith(f"{recent.artifact_folder()}/") for name in stored_files(world))
    assert tasks.expire_artifacts.delay().get() == 0  # nothing left to expire


def test_the_expiry_forgets_starts_no_limit_counts_any_more(world, django_capture_on_commit_callbacks):
    generated(world, django_capture_on_commit_callbacks, "python3.13")
    generated(world, django_capture_on_commit_callbacks, "python3.12")
    JobStart.objects.filter(job__options__runtime="python3.13").update(at=timezone.now() - timedelta(days=2))
    tasks.expire_artifacts.delay()
    assert list(JobStart.objects.values_list("job__options__runtime", flat=True)) == ["python3.12"]


def test_the_expiry_runs_every_hour_and_from_the_command_line(world, settings, capsys,
                                                               django_capture_on_commit_callbacks):
    schedule = django_settings.CELERY_BEAT_SCHEDULE["expire-generation-artifacts"]
    assert schedule["task"] == tasks.expire_artifacts.name and schedule["task"] in app.tasks
    job = generated(world, django_capture_on_commit_callbacks)
    GenerationJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=400))
    call_command("expire_artifacts")
    assert "Removed the files of 1 job finished more than 30 days ago." in capsys.readouterr().out
    assert stored_files(world) == []


def test_an_expired_job_says_so_and_can_be_built_again(client, world, django_capture_on_commit_callbacks):
    job = generated(world, django_capture_on_commit_callbacks)
    GenerationJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=400))
    tasks.expire_artifacts.delay()
    client.force_login(world["alice"])
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert b"This download expired on" in page.content and b"Generate again" in page.content
    assert reverse("jobs:download", args=[job.pk, "zip"]).encode() not in page.content
    download = client.get(reverse("jobs:download", args=[job.pk, "zip"]))
    assert download.status_code == 410 and b"This download expired on" in download.content

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world['alice']).key}")
    body = api.get(f"/api/jobs/{job.pk}/").json()
    assert body["expired_at"] and body["downloads"] == {}
    gone = api.get(f"/api/jobs/{job.pk}/download/zip")
    assert gone.status_code == 410 and "expired" in gone.json()["detail"]

    # The page's button posts the same options: the same job is built again.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("jobs:generate", args=[world["architecture"].pk, 1]), job.options)
    assert again.status_code == 302 and again.url == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and not job.expired and job.zip_file
    assert client.get(reverse("jobs:download", args=[job.pk, "zip"])).status_code == 200
