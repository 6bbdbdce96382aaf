"""Generation jobs without HTTP: request, run, lease rules, failures and retry."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from advisor.jobs import actions
from advisor.jobs.models import GenerationJob, JobStatus
from advisor.teams.actions import create_team
from tests.factories import make_architecture, make_user


@pytest.fixture
def revision(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice = make_user("alice")
    team = create_team(alice, "Platform")
    return make_architecture(team, alice, name="Order pipeline").latest


def artifact_files(job):
    root = tmp_path_of(job)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def tmp_path_of(job):
    from pathlib import Path

    return Path(default_storage.path(job.artifact_folder()))


def test_a_request_generates_the_project_once(revision, django_capture_on_commit_callbacks):
    options = actions.clean_options(revision)
    assert options["name"] == "order-pipeline"
    with django_capture_on_commit_callbacks(execute=True):
        job, created = actions.request_generation(revision, options, None)
    assert created
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 1 and job.finished_at and job.lease_token is None
    with default_storage.open(job.zip_file.name) as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = archive.namelist()
    assert "order-pipeline/template.yaml" in names
    assert any(name.startswith("order-pipeline/src/") for name in names)
    assert job.file_count == len(names) and job.zip_bytes > 0 and len(job.zip_sha256) == 64

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again, created_again = actions.request_generation(revision, dict(options), None)
    assert again.pk == job.pk and not created_again and callbacks == []
    assert GenerationJob.objects.count() == 1


def test_different_options_make_a_different_job(revision, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = actions.request_generation(revision, actions.clean_options(revision), None)
        second, created = actions.request_generation(revision, actions.clean_options(revision, runtime="python3.12"), None)
    assert created and first.pk != second.pk


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "Bad Name"}, "invalid project name"),
    ({"name": "../etc"}, "invalid project name"),
    ({"runtime": "python2.7"}, "runtime must be one of"),
    ({"architecture": "sparc"}, "architecture must be one of"),
])
def test_bad_options_are_refused_with_the_reason(revision, kwargs, message):
    with pytest.raises(actions.JobOptionsError, match=message):
        actions.clean_options(revision, **kwargs)


def test_a_held_lease_keeps_other_workers_out_until_it_expires(revision):
    job = GenerationJob.objects.create(revision=revision, options=actions.clean_options(revision), options_key="k")
    held, token, outcome = actions.claim(job.pk)
    assert held is not None and outcome is None
    _, _, second = actions.claim(job.pk)
    assert second.state == "busy" and second.wait_seconds > 1
    # The first worker died: once its lease runs out, a new worker takes over.
    GenerationJob.objects.filter(pk=job.pk).update(lease_expires=timezone.now() - timedelta(seconds=1))
    assert actions.execute(job.pk).state == "done"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    # The dead worker's lease can no longer finish the job.
    assert not actions._finish(job, token, status=JobStatus.FAILED, error="late")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_files_left_by_a_killed_attempt_are_removed(revision):
    job = GenerationJob.objects.create(revision=revision, options=actions.clean_options(revision), options_key="k")
    default_storage.save(f"{job.artifact_folder()}/deadbeef/order-pipeline.zip", io.BytesIO(b"partial"))
    actions.execute(job.pk)
    job.refresh_from_db()
    files = artifact_files(job)
    assert files and len({f.split("/")[0] for f in files}) == 1  # one attempt's folder remains
    assert all(not f.startswith("deadbeef/") for f in files)
    assert job.zip_file.name.endswith("order-pipeline.zip")


def test_a_finished_job_is_left_alone(revision):
    job = GenerationJob.objects.create(revision=revision, options=actions.clean_options(revision), options_key="k",
                                       status=JobStatus.SUCCEEDED)
    assert actions.execute(job.pk).state == "done"
    job.refresh_from_db()
    assert job.attempts == 0
    assert actions.execute(999999).state == "gone"


def test_a_generation_error_fails_the_job_with_its_reason_and_retry_runs_it_again(
        revision, django_capture_on_commit_callbacks):
    revision.patterns = ["no-such-pattern"]
    revision.save()
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = actions.request_generation(revision, actions.clean_options(revision), None)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "unknown pattern slug" in job.error
    revision.patterns = ["sqs-worker"]
    revision.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.retry_job(job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.error == ""
    assert not actions.retry_job(job)  # only failed jobs go back in the queue


def test_storage_errors_give_the_job_back(revision, monkeypatch):
    job = GenerationJob.objects.create(revision=revision, options=actions.clean_options(revision), options_key="k")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken)
    with pytest.raises(actions.TransientError, match="disk full"):
        actions.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.lease_token is None


def test_project_names_are_derived_safely():
    assert actions.default_project_name("Order pipeline (v2)!") == "order-pipeline-v2"
    assert actions.default_project_name("42 things") == "things"
    assert actions.default_project_name("ÄÖÜ") == "serverless-app"
    assert len(actions.default_project_name("x" * 200)) == 63


def test_the_api_type_is_an_option_only_where_there_is_an_api(revision):
    revision.patterns = ["api-gateway-lambda"]
    assert actions.clean_options(revision, api="rest")["api"] == "rest"
    with pytest.raises(actions.JobOptionsError, match="api must be one of"):
        actions.clean_options(revision, api="soap")
    revision.patterns = ["sqs-worker"]
    # Without an API the choice changes nothing, so it does not make a second job either.
    assert actions.clean_options(revision, api="rest") == actions.clean_options(revision)


def test_jobs_saved_before_the_api_option_still_build(revision):
    job = GenerationJob(revision=revision, options={"name": "old", "runtime": "python3.13", "architecture": "arm64"})
    files = actions.build(job)
    assert "old/template.yaml" in files


def test_the_api_answered_is_the_api_generated_unless_another_is_picked(revision):
    revision.patterns = ["api-gateway-lambda"]
    revision.answers = {**revision.answers, "api_type": "rest"}
    assert actions.clean_options(revision)["api"] == "rest"  # the API the estimate priced
    assert actions.clean_options(revision, api="http")["api"] == "http"
    revision.answers = {**revision.answers, "api_type": "websocket"}  # not generated: an HTTP API
    assert actions.clean_options(revision)["api"] == "http"
