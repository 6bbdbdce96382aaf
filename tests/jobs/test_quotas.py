"""Limits on generation jobs: running at once and started per day, per user and per team."""

import threading
import time

import pytest
from django.db import connection, connections
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from advisor.jobs import actions
from advisor.jobs.models import GenerationJob, JobStart, JobStatus
from advisor.teams.actions import create_team
from advisor.teams.models import Membership, Role
from tests.factories import make_architecture, make_user

RUNTIMES = ("python3.13", "python3.12", "python3.11")


@pytest.fixture
def world(db, settings, tmp_path):
    """Jobs stay queued here: nothing commits, so no task runs and each job keeps its place."""
    settings.MEDIA_ROOT = tmp_path
    settings.GENERATION_MAX_ACTIVE_JOBS = 2
    settings.GENERATION_MAX_JOBS_PER_DAY = 3
    settings.GENERATION_TEAM_MAX_ACTIVE_JOBS = 10
    settings.GENERATION_TEAM_MAX_JOBS_PER_DAY = 100
    alice, bob = make_user("alice"), make_user("bob")
    team = create_team(alice, "Platform")
    Membership.objects.create(team=team, user=bob, role=Role.EDITOR)
    return {"alice": alice, "bob": bob, "team": team, "architecture": make_architecture(team, alice)}


def page_url(architecture):
    return reverse("jobs:generate", args=[architecture.pk, architecture.latest.number])


def form(runtime, name="orders"):
    return {"name": name, "runtime": runtime, "architecture": "arm64"}


def test_the_page_refuses_a_job_past_the_running_limit(client, world):
    client.force_login(world["alice"])
    url = page_url(world["architecture"])
    for runtime in RUNTIMES[:2]:
        assert client.post(url, form(runtime)).status_code == 302
    refused = client.post(url, form(RUNTIMES[2]))
    assert refused.status_code == 429
    assert b"You have 2 generation jobs queued or running, the most allowed at once" in refused.content
    assert b'data-refused="quota"' in refused.content and b"<form" in refused.content
    assert GenerationJob.objects.count() == 2
    # Asking for a job that exists is no new start: it is shown, not refused.
    assert client.post(url, form(RUNTIMES[0])).status_code == 302
    # Once one has finished, there is room again.
    GenerationJob.objects.filter(options__runtime=RUNTIMES[0]).update(status=JobStatus.SUCCEEDED)
    assert client.post(url, form(RUNTIMES[2])).status_code == 302


def test_the_daily_limit_survives_deleting_the_jobs(client, world, settings):
    settings.GENERATION_MAX_ACTIVE_JOBS = 10
    client.force_login(world["alice"])
    url = page_url(world["architecture"])
    for runtime in RUNTIMES:
        assert client.post(url, form(runtime)).status_code == 302
    GenerationJob.objects.all().delete()  # deleting jobs does not give their starts back
    refused = client.post(url, form(RUNTIMES[0], name="again"))
    assert refused.status_code == 429
    assert b"You have started 3 generation jobs in the last 24 hours" in refused.content
    assert 0 < int(refused["Retry-After"]) <= 24 * 3600
    assert not GenerationJob.objects.exists()


def test_the_team_limit_covers_all_its_members(client, world, settings):
    settings.GENERATION_TEAM_MAX_ACTIVE_JOBS = 1
    url = page_url(world["architecture"])
    client.force_login(world["alice"])
    assert client.post(url, form(RUNTIMES[0])).status_code == 302
    client.force_login(world["bob"])
    refused = client.post(url, form(RUNTIMES[1]))
    assert refused.status_code == 429
    assert b"This team has 1 generation job queued or running" in refused.content
    # Another team of bob's has its own room.
    other = make_architecture(create_team(world["bob"], "Side project"), world["bob"], name="Side")
    assert client.post(page_url(other), form(RUNTIMES[1])).status_code == 302


def test_a_retry_is_a_start_and_counts(client, world, settings):
    settings.GENERATION_MAX_ACTIVE_JOBS = 1
    client.force_login(world["alice"])
    revision = world["architecture"].latest
    failed = GenerationJob.objects.create(revision=revision, options={"name": "x"}, options_key="failed",
                                          status=JobStatus.FAILED, error="boom", requested_by=world["alice"])
    assert client.post(page_url(world["architecture"]), form(RUNTIMES[0])).status_code == 302
    refused = client.post(reverse("jobs:retry", args=[failed.pk]))
    assert refused.status_code == 429
    assert b"the most allowed at once" in refused.content
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED


def api_for(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_the_api_refuses_with_429_and_says_why(world, settings):
    api = api_for(world["alice"])
    architecture = world["architecture"]
    url = f"/api/architectures/{architecture.pk}/revisions/{architecture.latest.number}/generate"
    for runtime in RUNTIMES[:2]:
        assert api.post(url, {"runtime": runtime}, format="json").status_code == 202
    refused = api.post(url, {"runtime": RUNTIMES[2]}, format="json")
    assert refused.status_code == 429
    assert "2 generation jobs queued or running" in refused.json()["detail"]

    settings.GENERATION_MAX_ACTIVE_JOBS = 10
    assert api.post(url, {"runtime": RUNTIMES[2]}, format="json").status_code == 202
    daily = api.post(url, {"runtime": RUNTIMES[2], "name": "fourth"}, format="json")
    assert daily.status_code == 429
    assert "started 3 generation jobs in the last 24 hours" in daily.json()["detail"]
    assert int(daily["Retry-After"]) > 0
    failed = GenerationJob.objects.create(revision=architecture.latest, options={"name": "x"}, options_key="f",
                                          status=JobStatus.FAILED, error="boom")
    retry = api.post(f"/api/jobs/{failed.pk}/retry")
    assert retry.status_code == 429 and "24 hours" in retry.json()["detail"]
    assert JobStart.objects.filter(user=world["alice"]).count() == 3


# Two starts at once ----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_user", [True, False], ids=["one user", "two users of one team"])
def test_two_starts_at_once_cannot_both_take_the_last_place(settings, tmp_path, monkeypatch, same_user):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the row locks are exercised on PostgreSQL")
    settings.MEDIA_ROOT = tmp_path
    settings.GENERATION_MAX_ACTIVE_JOBS = 1
    settings.GENERATION_TEAM_MAX_ACTIVE_JOBS = 10 if same_user else 1
    monkeypatch.setattr(actions, "enqueue", lambda job: None)  # the jobs stay queued
    real_check = actions.check_quota

    def slow_check(user, team_id):
        real_check(user, team_id)
        time.sleep(0.3)  # widen the gap between counting and recording: both would pass without locks

    monkeypatch.setattr(actions, "check_quota", slow_check)
    alice, bob = make_user("alice"), make_user("bob")
    team = create_team(alice, "Platform")
    Membership.objects.create(team=team, user=bob, role=Role.EDITOR)
    revision = make_architecture(team, alice).latest
    users = [alice, alice] if same_user else [alice, bob]
    start = threading.Barrier(2)
    outcomes = []

    def request(user, runtime):
        try:
            start.wait()
            options = actions.clean_options(revision, runtime=runtime)
            actions.request_generation(revision, options, user)
            outcomes.append("started")
        except actions.QuotaExceeded:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(user, runtime)) for user, runtime in zip(users, RUNTIMES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "started"]
    assert GenerationJob.objects.count() == 1 and JobStart.objects.count() == 1
