"""From a saved architecture to a downloaded project in a real browser: the job page polls
with htmx until the job ends, then shows the diagram and the download."""

import zipfile

import pytest

from advisor.celery import app
from advisor.teams.models import Team
from tests.factories import make_architecture

from test_sharing import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def tasks_in_process(monkeypatch, settings, tmp_path):
    # The live server runs in this process; without a worker here, tasks run where they are queued.
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def test_generate_a_project_and_download_it(browser, live_server, screenshot, tasks_in_process, tmp_path):
    base = live_server.url
    page = browser.new_context(accept_downloads=True).new_page()
    sign_up(page, base, "alice")
    team = Team.objects.get(memberships__user__username="alice")
    architecture = make_architecture(team, team.memberships.get().user, name="Order pipeline")

    page.goto(f"{base}/architectures/{architecture.pk}/")
    page.get_by_role("link", name="Generate a SAM project").first.click()
    page.get_by_label("Name").fill("orders")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_selector('[data-status="succeeded"]', timeout=60_000)
    assert page.locator("figure.diagram img").count() == 1
    screenshot(page, "generation-job", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download orders.zip").click()
    path = tmp_path / "orders.zip"
    download_info.value.save_as(path)
    assert "orders/template.yaml" in zipfile.ZipFile(path).namelist()
