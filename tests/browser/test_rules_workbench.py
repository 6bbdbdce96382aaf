"""A staff member edits a rule in the admin: the preview names the scenario it would break and
the saved architecture it would change; saved anyway, the edit is on record and reverted."""

import re

import pytest
from django.contrib.auth import get_user_model

from advisor.teams.actions import create_team
from tests.factories import make_architecture
from patterns.models import CatalogueChange, Rule

PASSWORD = "a-long-staff-password-7"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_preview_save_history_and_revert_of_a_rule_edit(page, live_server, screenshot):
    staff = get_user_model().objects.create_superuser("catalogue-owner", "owner@example.org", PASSWORD)
    team = create_team(staff, "Platform")
    make_architecture(team, staff, name="Public orders API", answers={"trigger": "http", "client_waits": True})
    rule = Rule.objects.get(name="api-http-entry")
    weight = rule.weight
    base = live_server.url

    page.goto(f"{base}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(staff.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/admin/")

    # An edit that turns the HTTP entry rule against APIs, previewed before it is saved.
    page.goto(f"{base}/admin/patterns/rule/{rule.pk}/change/")
    page.locator("#id_weight").fill("-100")
    page.get_by_role("button", name="Preview the effect").click()
    scenarios = page.locator("#preview-scenarios")
    assert re.search(r"\d+ of \d+ scenarios would come out differently", scenarios.inner_text())
    assert page.get_by_text("would FAIL").first.is_visible()
    assert "1 of 1 saved architectures would get a different recommendation" in \
        page.locator("#preview-architectures").inner_text()
    assert page.get_by_role("cell", name="Public orders API").is_visible()
    screenshot(page, "admin-rule-preview", full_page=True)
    rule.refresh_from_db()
    assert rule.weight == weight  # a preview saves nothing

    # Saved anyway: the change is on record with who made it and what it changed.
    page.get_by_role("button", name="Save this edit").click()
    page.wait_for_url(re.compile(r"/admin/patterns/rule/"))
    rule.refresh_from_db()
    assert rule.weight == -100
    change = CatalogueChange.objects.filter(kind="rules", key=rule.name, user=staff).latest("at")
    page.goto(f"{base}/admin/patterns/cataloguechange/")
    assert page.get_by_text(rule.name).first.is_visible()
    page.locator(f'a[href$="/admin/patterns/cataloguechange/{change.pk}/change/"]').first.click()
    page.wait_for_url(re.compile(rf"/admin/patterns/cataloguechange/{change.pk}/"))
    summary = page.locator("#change-summary").inner_text()
    assert rule.name in summary and staff.username in summary
    assert page.get_by_text("-100").first.is_visible()

    # Reverted from its history entry: the rule is back and the revert is recorded too.
    page.get_by_role("button", name="Revert this change").click()
    page.wait_for_load_state()
    rule.refresh_from_db()
    assert rule.weight == weight
    assert CatalogueChange.objects.filter(reverts=change).exists()
