"""An editor changes a saved architecture in the questionnaire, saves a revision with a note,
and reads what changed."""

import re

import pytest

from advisor.architectures.models import Architecture
from tests.factories import PASSWORD, make_architecture, make_user
from advisor.teams.actions import create_team

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))


def test_edit_in_the_questionnaire_saves_a_revision_and_the_diff_shows_it(browser, live_server, screenshot):
    base = live_server.url
    owner = make_user("maria")
    architecture = make_architecture(create_team(owner, "Payments"), owner, "Invoice pipeline")
    page = browser.new_context().new_page()
    log_in(page, base, "maria")

    page.goto(f"{base}/architectures/{architecture.pk}/")
    page.get_by_role("link", name="Edit in the questionnaire").click()
    page.wait_for_url(re.compile(rf"/architectures/{architecture.pk}/edit"))
    assert page.get_by_role("heading", name="Edit Invoice pipeline").is_visible()
    # The saved answers are filled in.
    assert page.locator("#id_duration_s").input_value() == "30"
    assert page.get_by_label("A message or job put on a queue").is_checked()

    # A changed answer updates the panel, and the address stays on this architecture.
    page.locator("#id_duration_s").fill("1200")
    page.locator("#id_duration_s").blur()
    page.wait_for_url(re.compile(r"duration_s=1200"))
    save = page.locator("#panel").get_by_role("link", name="Save as revision 2 of Invoice pipeline")
    assert "duration_s=1200" in save.get_attribute("href")
    screenshot(page, "edit-in-questionnaire")
    save.click()

    page.wait_for_url(re.compile(rf"/architectures/{architecture.pk}/revise"))
    page.get_by_label("What changed (optional)").fill("Jobs take twenty minutes now")
    page.get_by_role("button", name="Save revision 2").click()
    page.wait_for_url(f"{base}/architectures/{architecture.pk}/")
    assert page.get_by_role("cell", name="Jobs take twenty minutes now").is_visible()
    assert Architecture.objects.count() == 1
    assert Architecture.objects.get().latest.number == 2

    page.get_by_role("button", name="Show changes").click()
    page.wait_for_url(re.compile(r"/diff"))
    assert page.get_by_text("Typical processing time of one unit of work: 30 s → 1,200 s").is_visible()
    screenshot(page, "edit-revision-diff", full_page=True)
