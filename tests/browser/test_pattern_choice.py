"""Choosing the patterns by hand on the save page: the boxes start from the proposal, and the
preview follows each tick before anything is named or saved."""

import pytest

from advisor.architectures.models import Architecture
from tests.browser.test_editing import log_in
from tests.factories import make_user
from advisor.teams.actions import create_team

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_ticking_a_pattern_updates_the_preview_without_a_name(browser, live_server):
    base = live_server.url
    owner = make_user("nadia")
    create_team(owner, "Billing")
    page = browser.new_context().new_page()
    log_in(page, base, "nadia")

    page.goto(f"{base}/architectures/save?trigger=queue&client_waits=false&duration_s=30&unreliable_downstream=true")
    assert page.get_by_label("Name").input_value() == ""
    page.get_by_label("Choose the patterns myself").check()  # opens the list of patterns
    # The proposal is ticked to start from; keeping it gives nothing up.
    assert page.get_by_role("checkbox", name="Lambda + SQS worker").is_checked()
    assert not page.get_by_role("checkbox", name="Lambda + RDS").is_checked()
    preview = page.locator("#choice")
    preview.get_by_text("Nothing is given up").wait_for()

    # Back to the proposal, then a tick: the tick alone makes the choice one's own.
    page.get_by_label("Use the patterns the advisor proposes").check()
    preview.get_by_text("Nothing is given up").wait_for(state="detached")
    page.get_by_role("checkbox", name="Lambda + RDS").check()
    assert page.get_by_label("Choose the patterns myself").is_checked()
    preview.get_by_text("You chose Lambda + SQS worker, Lambda + RDS").wait_for()
    assert preview.locator(".differences li", has_text="Lambda concurrency exhausts database connections").is_visible()
    assert Architecture.objects.count() == 0

    # The name is asked for only when saving.
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_label("Name").evaluate("field => field.validity.valueMissing")
    page.get_by_label("Name").fill("Receipts")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{base}/architectures/*/")
    assert Architecture.objects.get().latest.patterns == ["sqs-worker", "rds"]
