"""Two people sign up, one shares an architecture through a team, the other can only read it."""

import re

import pytest

from advisor.architectures.models import Architecture

PASSWORD = "correct horse battery staple 7"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def sign_up(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{base}/teams/")


def test_a_viewer_reads_a_shared_architecture_but_cannot_edit_it(browser, live_server, screenshot):
    base = live_server.url
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()

    sign_up(alice, base, "alice")
    sign_up(bob, base, "bob")

    # Alice creates a team and invites Bob as a viewer; he accepts.
    alice.get_by_label("Name").fill("Payments")
    alice.get_by_role("button", name="Create team").click()
    alice.wait_for_url(re.compile(r"/teams/\d+/$"))
    team_url = alice.url
    alice.get_by_label("Username or email address").fill("bob")
    alice.locator("#id_role").select_option("viewer")
    alice.get_by_role("button", name="Invite").click()
    alice.wait_for_url(team_url)
    bob.goto(f"{base}/teams/")
    bob.get_by_role("button", name="Accept").click()
    bob.wait_for_url(team_url)
    alice.reload()
    assert alice.get_by_role("cell", name="bob", exact=True).is_visible()

    # She saves answers from the questionnaire into the team.
    alice.goto(f"{base}/architectures/save?trigger=queue&client_waits=false")
    alice.get_by_label("Team").select_option(label="Payments")
    alice.get_by_label("Name").fill("Invoice pipeline")
    alice.get_by_role("button", name="Save").click()
    alice.wait_for_url(re.compile(r"/architectures/\d+/$"))
    detail_url = alice.url
    assert alice.get_by_role("link", name="Edit").is_visible()

    # Bob finds it in his list and can read it, without any way to change it.
    bob.goto(f"{base}/architectures/")
    bob.get_by_role("link", name="Invoice pipeline").click()
    bob.wait_for_url(detail_url)
    assert bob.get_by_text("You can read this architecture but not change it.").is_visible()
    assert bob.get_by_role("link", name="Edit").count() == 0
    assert bob.get_by_role("button", name="Delete").count() == 0
    assert bob.get_by_role("link", name="Generate a SAM project").count() == 0
    assert bob.get_by_role("link", name="SAM projects generated from this revision").is_visible()
    screenshot(bob, "sharing-viewer-detail", full_page=True)

    # Going to the edit page directly is refused, and nothing changed.
    response = bob.goto(detail_url + "edit")
    assert response.status == 403
    architecture = Architecture.objects.get()
    assert (architecture.name, architecture.team.name, architecture.revisions.count()) == (
        "Invoice pipeline", "Payments", 1)
