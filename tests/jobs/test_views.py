"""Generate, follow and download through the web pages, scoped to the team."""

import io
import zipfile

import pytest
from django.urls import reverse

from advisor.jobs.models import GenerationJob, JobStatus
from advisor.teams.models import Membership, Role
from advisor.teams.actions import create_team
from tests.factories import make_architecture, make_user


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice, bob, victor, charlie = (make_user(n) for n in ("alice", "bob", "victor", "charlie"))
    team = create_team(alice, "Platform")
    Membership.objects.create(team=team, user=bob, role=Role.EDITOR)
    Membership.objects.create(team=team, user=victor, role=Role.VIEWER)
    architecture = make_architecture(team, alice, name="Order pipeline")
    return {"alice": alice, "bob": bob, "victor": victor, "charlie": charlie, "architecture": architecture}


def generate_url(world):
    return reverse("jobs:generate", args=[world["architecture"].pk, world["architecture"].latest.number])


def test_an_editor_generates_and_downloads_the_project(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["bob"])
    page = client.get(generate_url(world))
    assert page.status_code == 200 and b'value="order-pipeline"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(generate_url(world), {"name": "orders", "runtime": "python3.13", "architecture": "arm64"})
    job = GenerationJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    detail = client.get(response.url)
    assert b'data-status="succeeded"' in detail.content
    assert b"hx-trigger" not in detail.content  # nothing left to poll
    download = client.get(reverse("jobs:download", args=[job.pk, "zip"]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="orders.zip"')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "orders/template.yaml" in archive.namelist()


def test_the_status_poll_stops_when_the_job_ends(client, world):
    client.force_login(world["victor"])
    job = GenerationJob.objects.create(revision=world["architecture"].latest, options={"name": "orders"},
                                       options_key="k", status=JobStatus.RUNNING)
    url = reverse("jobs:detail", args=[job.pk])
    polling = client.get(url, headers={"HX-Request": "true"})
    assert polling.status_code == 200 and b'hx-trigger="every 1s"' in polling.content
    assert b"<html" not in polling.content
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="the generator failed: boom")
    final = client.get(url, headers={"HX-Request": "true"})
    assert final.status_code == 286
    assert b"the generator failed: boom" in final.content


def test_bad_options_are_shown_in_place(client, world):
    client.force_login(world["alice"])
    response = client.post(generate_url(world), {"name": "Not Valid!", "runtime": "python3.13", "architecture": "arm64"})
    assert response.status_code == 400
    assert b"invalid project name" in response.content
    response = client.post(generate_url(world), {"name": "ok", "runtime": "cobol", "architecture": "arm64"})
    assert response.status_code == 400
    assert GenerationJob.objects.count() == 0


def test_viewers_read_but_cannot_generate_or_retry(client, world):
    client.force_login(world["victor"])
    assert client.get(generate_url(world)).status_code == 200
    assert client.post(generate_url(world), {"name": "x", "runtime": "python3.13", "architecture": "arm64"}).status_code == 403
    job = GenerationJob.objects.create(revision=world["architecture"].latest, options={"name": "x"}, options_key="k",
                                       status=JobStatus.FAILED, error="boom")
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert GenerationJob.objects.count() == 1


def test_outsiders_see_nothing(client, world):
    job = GenerationJob.objects.create(revision=world["architecture"].latest, options={"name": "x"}, options_key="k")
    client.force_login(world["charlie"])
    assert client.get(generate_url(world)).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk, "zip"])).status_code == 404
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404


def test_downloads_that_do_not_exist_are_404(client, world):
    client.force_login(world["alice"])
    job = GenerationJob.objects.create(revision=world["architecture"].latest, options={"name": "x"}, options_key="k")
    assert client.get(reverse("jobs:download", args=[job.pk, "zip"])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk, "exe"])).status_code == 404


def test_the_api_type_is_offered_for_architectures_with_an_api_and_shapes_the_project(
        client, world, django_capture_on_commit_callbacks):
    client.force_login(world["bob"])
    revision = world["architecture"].latest
    revision.patterns = ["api-gateway-lambda", "sqs-worker"]
    revision.save(update_fields=["patterns"])
    page = client.get(generate_url(world))
    assert b'name="api"' in page.content and b"REST API" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(generate_url(world), {"name": "orders", "runtime": "python3.13",
                                                     "architecture": "arm64", "api": "rest"})
    job = GenerationJob.objects.get()
    assert response.status_code == 302 and job.options["api"] == "rest", job.error
    assert b"REST API" in client.get(response.url).content
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(reverse("jobs:download", args=[job.pk, "zip"])).streaming_content)))
    template = archive.read("orders/template.yaml").decode()
    assert "AWS::Serverless::Api" in template and "AWS::Serverless::HttpApi" not in template
    assert "APIGatewayRestResolver" in archive.read("orders/src/api/app.py").decode()


def test_no_api_choice_when_event_consumers_write_the_database(client, world):
    """Events into PostgreSQL: the consumers store what they handle, and no API is generated."""
    client.force_login(world["bob"])
    revision = world["architecture"].latest
    revision.answers = {**revision.answers, "trigger": "event", "data_store": "relational"}
    revision.patterns = ["eventbridge", "rds"]
    revision.save(update_fields=["answers", "patterns"])
    page = client.get(generate_url(world))
    assert page.status_code == 200 and b'name="api"' not in page.content
    # Behind HTTP the same patterns serve the records through an API, and its type is offered.
    revision.answers = {**revision.answers, "trigger": "http"}
    revision.save(update_fields=["answers"])
    assert b'name="api"' in client.get(generate_url(world)).content


def test_no_api_choice_when_nothing_sits_behind_api_gateway(client, world):
    client.force_login(world["bob"])
    revision = world["architecture"].latest
    revision.patterns = ["s3-processing"]
    revision.save(update_fields=["patterns"])
    page = client.get(generate_url(world))
    assert page.status_code == 200 and b'name="api"' not in page.content
