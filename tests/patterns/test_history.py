"""Every catalogue change is recorded (who, when, before and after), can be shown per change
and per rules version, and one change can be reverted, checked like any edit."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from patterns import history
from patterns.models import CatalogueChange, Limit, Pattern, Question, Rule, Scenario
from patterns.store import catalogue_from_db, current_engine


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("owner", "owner@example.com", "a-long-password-1")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def rule_form(rule: Rule, **changes) -> dict:
    data = {
        "name": rule.name, "effect": rule.effect, "when": rule.when, "explanation": rule.explanation,
        "enabled": "on" if rule.enabled else "", "order": rule.order, "pattern": rule.pattern,
        "weight": rule.weight, "warning": rule.warning_id or "", "severity": rule.severity,
        "limit": rule.limit_id or "", "value": rule.value,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "" or k in ("pattern", "warning", "limit", "severity", "value")}


def test_the_shipped_catalogue_is_on_record_as_loaded(db):
    loaded = CatalogueChange.objects.filter(source="load_catalogue", action="add")
    assert loaded.filter(kind="rules").count() == Rule.objects.count()
    assert loaded.filter(kind="scenarios").count() == Scenario.objects.count()
    assert set(loaded.values_list("rules_version", flat=True)) == {catalogue_from_db().version}


def test_an_admin_edit_is_recorded_with_who_before_after_and_version(staff_client, staff):
    rule = Rule.objects.get(name="api-http-entry")
    version_before = catalogue_from_db().version
    response = staff_client.post(reverse("admin:patterns_rule_change", args=[rule.pk]),
                                 rule_form(rule, weight=rule.weight + 1))
    assert response.status_code == 302
    change = CatalogueChange.objects.exclude(source="load_catalogue").get()
    assert (change.kind, change.key, change.action, change.user, change.source) == (
        "rules", "api-http-entry", "change", staff, "admin")
    assert change.after["weight"] == change.before["weight"] + 1
    assert history.field_diff(change) == [("weight", rule.weight, rule.weight + 1)]
    assert change.previous_version == version_before
    assert change.rules_version == catalogue_from_db().version != version_before


def test_a_refused_edit_records_nothing(staff_client):
    rule = Rule.objects.get(name="api-http-entry")
    staff_client.post(reverse("admin:patterns_rule_change", args=[rule.pk]), rule_form(rule, when="tigger == 1"))
    assert not CatalogueChange.objects.exclude(source="load_catalogue").exists()


def test_a_pattern_edit_with_its_warnings_is_one_change(db):
    pattern = Pattern.objects.get(slug="api-gateway-lambda")
    warnings = list(pattern.warnings.values_list("id", flat=True))
    with history.recording(source="test"):
        pattern.best_for = "Everything"
        pattern.save()
        pattern.warnings.set(warnings[1:])
    change = CatalogueChange.objects.get(source="test")
    assert change.before["warnings"] == sorted(warnings)
    assert change.after["warnings"] == sorted(warnings[1:])
    assert change.after["best_for"] == "Everything"


def test_revert_puts_the_row_back_and_is_recorded(staff):
    limit = Limit.objects.order_by("id").first()
    old_value = limit.value
    version = catalogue_from_db().version
    limit.value = old_value * 2
    limit.save()
    change = CatalogueChange.objects.get(kind="limits", key=limit.id, action="change")
    undo = history.revert(change, staff)
    limit.refresh_from_db()
    assert limit.value == old_value
    assert (undo.reverts, undo.user, undo.source, undo.before, undo.after) == (
        change, staff, "revert", change.after, change.before)
    assert catalogue_from_db().version == version


def test_revert_of_an_add_removes_the_row(staff):
    rule = Rule.objects.create(name="a-new-rule", effect="score", when="true", pattern="api-gateway-lambda",
                               weight=1, explanation="x")
    added = CatalogueChange.objects.get(kind="rules", key=rule.name)
    assert history.revert(added, staff).action == "remove"
    assert not Rule.objects.filter(name=rule.name).exists()


def add_choice_then_use_it():
    question = Question.objects.get(key="trigger")
    question.choices = [*question.choices, {"value": "carrier-pigeon", "label": "Carrier pigeon"}]
    question.save()
    Rule.objects.create(name="pigeon-rule", effect="score", when="trigger == 'carrier-pigeon'",
                        pattern="api-gateway-lambda", weight=1, explanation="x")
    return CatalogueChange.objects.get(kind="questions", key="trigger", action="change")


def test_a_revert_that_would_break_the_catalogue_is_refused_with_the_reason(db):
    change = add_choice_then_use_it()
    with pytest.raises(history.RevertRefused, match="'carrier-pigeon' is not one of the choices"):
        history.revert(change)
    assert "carrier-pigeon" in [c["value"] for c in Question.objects.get(key="trigger").choices]
    assert not CatalogueChange.objects.filter(source="revert").exists()


def test_revert_refuses_a_row_changed_since(db):
    limit = Limit.objects.order_by("id").first()
    limit.notes = "first"
    limit.save()
    first = CatalogueChange.objects.get(kind="limits", key=limit.id, action="change")
    limit.notes = "second"
    limit.save()
    with pytest.raises(history.RevertRefused, match="has changed since"):
        history.revert(first)


def test_staff_see_the_diff_and_revert_it_in_the_admin(staff_client, staff):
    rule = Rule.objects.get(name="api-http-entry")
    old_when = rule.when
    staff_client.post(reverse("admin:patterns_rule_change", args=[rule.pk]),
                      rule_form(rule, when="trigger == 'http' and steps >= 1"))
    change = CatalogueChange.objects.get(kind="rules", key=rule.name, source="admin")

    page = html.unescape(staff_client.get(reverse("admin:patterns_cataloguechange_change", args=[change.pk]))
                         .content.decode())
    assert "trigger == 'http' and steps >= 1" in page and old_when in page and "owner" in page

    listing = staff_client.get(reverse("admin:patterns_cataloguechange_version", args=[change.rules_version]))
    assert "1 change made rules version" in listing.content.decode()
    assert "api-http-entry" in listing.content.decode()

    response = staff_client.post(reverse("admin:patterns_cataloguechange_revert", args=[change.pk]), follow=True)
    assert "Reverted" in response.content.decode()
    rule.refresh_from_db()
    assert rule.when == old_when
    assert current_engine().version == change.previous_version
    assert CatalogueChange.objects.get(reverts=change).user == staff


def test_a_refused_revert_says_why_in_the_admin_and_changes_nothing(staff_client):
    change = add_choice_then_use_it()
    response = staff_client.post(reverse("admin:patterns_cataloguechange_revert", args=[change.pk]), follow=True)
    page = html.unescape(response.content.decode())
    assert "Not reverted" in page and "'carrier-pigeon' is not one of the choices" in page
    assert "carrier-pigeon" in [c["value"] for c in Question.objects.get(key="trigger").choices]


def test_revert_is_refused_to_staff_without_edit_rights(client, db):
    viewer = get_user_model().objects.create_user("viewer", password="a-long-password-1", is_staff=True)
    from django.contrib.auth.models import Permission
    viewer.user_permissions.add(Permission.objects.get(codename="view_cataloguechange"))
    client.force_login(viewer)
    change = CatalogueChange.objects.filter(kind="rules").first()
    response = client.post(reverse("admin:patterns_cataloguechange_revert", args=[change.pk]), follow=True)
    assert "Only staff who may edit" in response.content.decode()
    assert Rule.objects.filter(name=change.key).exists()
