"""Editing a rule, question, limit or price can be previewed before it is saved: the scenarios
whose outcome changes and the saved architectures whose recommendation changes."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from advisor.teams.actions import create_team
from tests.factories import make_architecture
from patterns.models import CatalogueChange, Limit, Rule
from patterns.store import bump_version



def rule_form(rule: Rule, **changes) -> dict:
    data = {
        "name": rule.name, "effect": rule.effect, "when": rule.when, "explanation": rule.explanation,
        "enabled": "on" if rule.enabled else "", "order": rule.order, "pattern": rule.pattern,
        "weight": rule.weight, "warning": rule.warning_id or "", "severity": rule.severity,
        "limit": rule.limit_id or "", "value": rule.value,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "" or k in ("pattern", "warning", "limit", "severity", "value")}


@pytest.fixture
def staff(db):
    bump_version()
    return get_user_model().objects.create_superuser("owner", "owner@example.com", "a-long-password-1")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_the_change_form_offers_a_preview(staff_client):
    rule = Rule.objects.get(name="api-http-entry")
    page = staff_client.get(reverse("admin:patterns_rule_change", args=[rule.pk])).content.decode()
    assert 'name="_preview"' in page


def test_preview_names_failing_scenarios_and_changed_architectures_and_saves_nothing(staff_client, staff):
    team = create_team(staff, "Platform")
    make_architecture(team, staff, name="Public API", answers={"trigger": "http", "client_waits": True})
    rule = Rule.objects.get(name="api-http-entry")
    response = staff_client.post(reverse("admin:patterns_rule_change", args=[rule.pk]),
                                 {**rule_form(rule, weight=-100), "_preview": "Preview"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "would FAIL" in page
    assert "1 of 1 saved architectures would get a different recommendation" in page
    assert "Public API" in page
    rule.refresh_from_db()
    assert rule.weight != -100
    assert not CatalogueChange.objects.exclude(source="load_catalogue").exists()

    # The preview page saves the same edit.
    fields = {"_save": "Save"}
    for name, value in rule_form(rule, weight=-100).items():
        fields[name] = value
        assert f'name="{name}"' in page
    saved = staff_client.post(reverse("admin:patterns_rule_change", args=[rule.pk]), fields)
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert rule.weight == -100
    assert CatalogueChange.objects.get(source="admin").key == "api-http-entry"


def test_a_harmless_edit_previews_as_changing_nothing(staff_client):
    limit = Limit.objects.order_by("id").first()
    response = staff_client.post(reverse("admin:patterns_limit_change", args=[limit.pk]), {
        "id": limit.id, "name": limit.name, "value": limit.value, "unit": limit.unit, "source": limit.source,
        "as_of": limit.as_of.isoformat() if limit.as_of else "", "verified": "on" if limit.verified else "",
        "notes": "Checked again.", "_preview": "Preview"})
    page = response.content.decode()
    assert "None of the" in page and "0 of 0 saved architectures" in page
    limit.refresh_from_db()
    assert limit.notes != "Checked again."


def test_a_broken_edit_is_refused_not_previewed(staff_client):
    rule = Rule.objects.get(name="api-http-entry")
    response = staff_client.post(reverse("admin:patterns_rule_change", args=[rule.pk]),
                                 {**rule_form(rule, when="tigger == 1"), "_preview": "Preview"})
    assert "unknown answer key" in html.unescape(response.content.decode())
