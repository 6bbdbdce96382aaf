"""Generation jobs over the REST API with a token, as a CI pipeline would use them."""

import io
import zipfile

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from advisor.jobs.models import GenerationJob
from advisor.teams.actions import create_team
from advisor.teams.models import Membership, Role
from tests.factories import make_architecture, make_user


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice, victor = make_user("alice"), make_user("victor")
    team = create_team(alice, "Platform")
    Membership.objects.create(team=team, user=victor, role=Role.VIEWER)
    return {"alice": alice, "victor": victor, "architecture": make_architecture(team, alice, name="Order pipeline")}


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_generate_follow_and_download_with_a_token(world, django_capture_on_commit_callbacks):
    client = client_for(world["alice"])
    architecture = world["architecture"]
    url = f"/api/architectures/{architecture.pk}/revisions/1/generate"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"runtime": "python3.12"}, format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response["Location"] == f"/api/jobs/{job_id}/"
    job = client.get(f"/api/jobs/{job_id}/").json()
    assert job["status"] == "succeeded" and job["options"]["name"] == "order-pipeline"
    download = client.get(job["downloads"]["zip"])
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "order-pipeline/template.yaml" in names
    again = client.post(url, {"runtime": "python3.12"}, format="json")
    assert again.json()["id"] == job_id and GenerationJob.objects.count() == 1


def test_bad_options_name_the_field(world):
    client = client_for(world["alice"])
    url = f"/api/architectures/{world['architecture'].pk}/revisions/1/generate"
    response = client.post(url, {"name": "Not OK"}, format="json")
    assert response.status_code == 400 and "invalid project name" in response.json()["name"][0]
    response = client.post(url, {"runtime": "java21"}, format="json")
    assert response.status_code == 400 and "runtime" in response.json()
    response = client.post(url, {"api": "graphql"}, format="json")
    assert response.status_code == 400 and "api" in response.json()
    assert GenerationJob.objects.count() == 0


def test_viewers_cannot_start_or_retry_and_only_failed_jobs_retry(world):
    url = f"/api/architectures/{world['architecture'].pk}/revisions/1/generate"
    assert client_for(world["victor"]).post(url, {}, format="json").status_code == 403
    job = GenerationJob.objects.create(revision=world["architecture"].latest, options={"name": "x"}, options_key="k",
                                       status="succeeded")
    response = client_for(world["alice"]).post(f"/api/jobs/{job.pk}/retry")
    assert response.status_code == 400 and "Only failed jobs" in response.json()["detail"]
