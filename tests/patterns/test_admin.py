"""Staff edit the catalogue in the admin; edits that would break it are refused."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from patterns.models import CatalogueState, Limit, Question, Rule
from patterns.store import current_engine


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-password-1")
    client.force_login(user)
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


def post_rule(client, rule, **changes):
    return client.post(reverse("admin:patterns_rule_change", args=[rule.pk]), rule_form(rule, **changes))


@pytest.mark.parametrize("condition, reason", [
    ("trigger == 'http' and", "syntax error"),
    ("trigger == 'htp'", "'htp' is not one of the choices"),
    ("tigger == 'http'", "unknown answer key 'tigger'"),
    ("steps > 'many'", "needs a number"),
    ("__import__('os')", "unknown function '__import__'"),
])
def test_a_broken_condition_is_refused_with_the_reason(staff_client, condition, reason):
    rule = Rule.objects.get(name="api-http-entry")
    response = post_rule(staff_client, rule, when=condition)
    assert response.status_code == 200
    assert reason in html.unescape(response.content.decode())
    rule.refresh_from_db()
    assert rule.when == "trigger == 'http'"


def test_an_unknown_placeholder_is_refused(staff_client):
    rule = Rule.objects.get(name="api-http-entry")
    response = post_rule(staff_client, rule, explanation="It uses {no_such_key}.")
    assert "unknown placeholder {no_such_key}" in response.content.decode()


def test_a_valid_edit_changes_the_next_recommendation_and_its_version(staff_client):
    before = current_engine().recommend({})
    assert before.recommendations[0].pattern == "api-gateway-lambda"
    version_before = CatalogueState.objects.get(pk=1).version
    rule = Rule.objects.get(name="api-http-entry")
    response = post_rule(staff_client, rule, weight=-10)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CatalogueState.objects.get(pk=1).version > version_before
    after = current_engine().recommend({})
    assert after.rules_version != before.rules_version
    assert "api-gateway-lambda" not in after.patterns


def test_adding_a_rule_in_the_admin_takes_effect(staff_client):
    response = staff_client.post(reverse("admin:patterns_rule_add"), {
        "name": "tiny-payload-hint", "effect": "warning", "when": "payload_kb > 500",
        "warning": "payload-limit", "explanation": "Payloads of {payload_kb} KB are large.", "enabled": "on",
        "order": 999, "weight": 0, "pattern": "", "severity": "", "limit": "", "value": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    result = current_engine().recommend({"payload_kb": 600})
    assert any("Payloads of 600 KB are large." in w.message for w in result.warnings)


def test_deleting_a_question_that_rules_use_is_refused(staff_client):
    question = Question.objects.get(key="steps")
    url = reverse("admin:patterns_question_delete", args=[question.pk])
    page = staff_client.get(url).content.decode()
    assert "would break the catalogue" in page
    staff_client.post(url, {"post": "yes"})
    assert Question.objects.filter(key="steps").exists()


def test_renaming_a_choice_that_rules_use_is_refused(staff_client):
    question = Question.objects.get(key="trigger")
    data = {
        "key": "trigger", "label": question.label, "help": question.help, "type": "choice",
        "choices": '[{"value": "web", "label": "Web"}, {"value": "queue", "label": "Queue"}]',
        "default": '"web"', "section": question.section, "order": question.order,
        "when": "", "default_from": "", "at_least": "", "unit": "",
    }
    response = staff_client.post(reverse("admin:patterns_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    assert "is not one of the choices" in html.unescape(response.content.decode())
    question.refresh_from_db()
    assert {c["value"] for c in question.choices} >= {"http", "file_upload"}


def test_a_limit_edit_reaches_the_limit_checks(staff_client):
    limit = Limit.objects.get(id="api-gateway-timeout")
    response = staff_client.post(reverse("admin:patterns_limit_change", args=[limit.pk]), {
        "id": limit.id, "name": limit.name, "value": 60, "unit": "s", "source": limit.source,
        "as_of": "2026-11-20", "verified": "on", "notes": "raised by quota request",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    result = current_engine().recommend({"trigger": "http", "duration_s": 45})
    check = next(c for c in result.limits if c.id == "api-gateway-timeout")
    assert check.ok and check.limit == 60


def test_every_catalogue_admin_page_renders(staff_client):
    for model in ("pattern", "warningkind", "limit", "price", "question", "rule", "checklistitem", "lambdaruntime",
                  "cataloguestate"):
        assert staff_client.get(reverse(f"admin:patterns_{model}_changelist")).status_code == 200
    rule = Rule.objects.first()
    assert staff_client.get(reverse("admin:patterns_rule_change", args=[rule.pk])).status_code == 200


def test_admin_pages_carry_the_site_icon(staff_client):
    # Without it the browser asks for /favicon.ico on every admin page, and gets a 404.
    icon = '<link rel="icon" href="/static/advisor/icon.svg" type="image/svg+xml">'
    assert icon in staff_client.get(reverse("admin:patterns_rule_changelist")).content.decode()
    staff_client.logout()
    assert icon in staff_client.get(reverse("admin:login")).content.decode()


def test_an_unknown_pattern_slug_is_refused_with_the_reason(staff_client):
    rule = Rule.objects.filter(effect="score").first()
    response = post_rule(staff_client, rule, pattern="kafka-streams")
    assert response.status_code == 200
    assert "Unknown pattern" in response.content.decode()
    rule.refresh_from_db()
    assert rule.pattern != "kafka-streams"


# A worker with a 30 s timeout reading a queue that hides messages for 100 s: short of six times
# the timeout (180 s), enough for three times (90 s).
QUEUE_TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 100
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.13
      Timeout: 30
      Events:
        Jobs: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn}}
"""


def test_a_visibility_factor_edit_changes_the_analyzer_verdict(staff_client):
    def visibility_findings():
        response = staff_client.post(reverse("analyzer:api"), {"template": QUEUE_TEMPLATE},
                                     content_type="application/json")
        assert response.status_code == 200
        return [f for f in response.json()["findings"] if f["id"] == "visibility-timeout-too-short"]

    (before,) = visibility_findings()
    assert before["resource"] == "Jobs" and "180 s (6 x the function timeout" in before["fix"]
    limit = Limit.objects.get(id="sqs-visibility-factor")
    response = staff_client.post(reverse("admin:patterns_limit_change", args=[limit.pk]), {
        "id": limit.id, "name": limit.name, "value": 3, "unit": limit.unit, "source": limit.source,
        "as_of": "2026-11-30", "verified": "on", "notes": limit.notes,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert visibility_findings() == []
