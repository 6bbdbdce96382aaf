"""Admin edits that would break the questionnaire, the diagrams or the jobs are refused
with a reason on the form, and nothing is written; a bad row that got in some other way
does not take the site down."""

import html
import json
import logging
import re
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

import generator
from patterns.catalogue import DATA_DIR
from patterns.models import Limit, Price, Question, Rule
from patterns.store import current_engine

QUESTIONNAIRE = reverse("questionnaire:start")
HUGE = "1" + "0" * 400  # a whole number too large for a float: arithmetic with a float raises


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-password-1")
    client.force_login(user)
    return client


def form_errors(response) -> str:
    """The text of the form's error lists."""
    assert response.status_code == 200, response.status_code
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(found)))


def question_form(question: Question, **changes) -> dict:
    data = {
        "key": question.key, "label": question.label, "help": question.help, "type": question.type,
        "choices": json.dumps(question.choices), "default": json.dumps(question.default),
        "when_hidden": "" if question.when_hidden is None else json.dumps(question.when_hidden),
        "min": "" if question.min is None else repr(question.min),
        "max": "" if question.max is None else repr(question.max),
        "unit": question.unit, "section": question.section, "when": question.when,
        "default_from": question.default_from, "at_least": question.at_least, "order": question.order,
    }
    if question.nullable:
        data["nullable"] = "on"
    data.update(changes)
    return data


def post_question(client, key: str, **changes):
    question = Question.objects.get(key=key)
    return client.post(reverse("admin:patterns_question_change", args=[question.pk]), question_form(question, **changes))


def rule_form(rule: Rule, **changes) -> dict:
    data = {
        "name": rule.name, "effect": rule.effect, "when": rule.when, "explanation": rule.explanation,
        "order": rule.order, "pattern": rule.pattern, "weight": rule.weight, "warning": rule.warning_id or "",
        "severity": rule.severity, "limit": rule.limit_id or "", "value": rule.value,
    }
    if rule.enabled:
        data["enabled"] = "on"
    data.update(changes)
    return data


def post_rule(client, name: str, **changes):
    rule = Rule.objects.get(name=name)
    return client.post(reverse("admin:patterns_rule_change", args=[rule.pk]), rule_form(rule, **changes))


def assert_site_answers(client):
    assert client.get(QUESTIONNAIRE).status_code == 200
    assert client.get(QUESTIONNAIRE, {"trigger": "queue", "client_waits": "false"}).status_code == 200


def row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


# Questions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("key, changes, reason", [
    ("trigger", {"default": '"nope"'}, "question 'trigger': the default must be one of http, queue"),
    ("steps", {"default": "1000"}, "question 'steps': the default must be between 1 and 100; got 1,000"),
    ("steps", {"default": '"3"'}, "question 'steps': the default must be a whole number; got '3'"),
    ("steps", {"default": "null"}, "question 'steps': the default must be a whole number; got None"),
    ("client_waits", {"default": '"yes"'}, "question 'client_waits': the default must be true or false"),
    ("duration_s", {"default": "0"}, "question 'duration_s': the default must be between 0.001 and"),
    ("steps", {"max": "1e19"}, "question 'steps': max must be a number between"),
    ("latency_ms", {"max": "1e19"}, "question 'latency_ms': max must be a number between"),
    ("duration_s", {"min": "-1e300"}, "question 'duration_s': min must be a number between"),
    ("steps", {"min": "0.5"}, "min of a whole-number question must be a whole number"),
    ("steps", {"min": "50", "max": "10"}, "question 'steps': min is above max"),
    ("consumers", {"min": "2"}, "question 'consumers': the default must be between 2 and 1,000; got 1"),
    ("client_waits", {"when_hidden": '"no"'}, "question 'client_waits': the answer while hidden must be true or false"),
    ("client_waits", {"when_hidden": "[false]"}, "question 'client_waits': the answer while hidden must be true or false"),
    ("client_waits", {"when_hidden": '{"a": 1}'}, "question 'client_waits': the answer while hidden must be true or"),
    ("latency_ms", {"when_hidden": "0"}, "question 'latency_ms': the answer while hidden must be between 1 and"),
    ("client_waits", {"when": ""}, "question 'client_waits': an answer while hidden needs a condition"),
])
def test_a_question_edit_that_breaks_the_questionnaire_is_refused(staff_client, key, changes, reason):
    pk = Question.objects.get(key=key).pk
    before = row(Question, pk)
    response = post_question(staff_client, key, **changes)
    assert reason in form_errors(response)
    assert row(Question, pk) == before
    assert_site_answers(staff_client)


def test_a_question_edit_within_its_own_bounds_is_saved(staff_client):
    response = post_question(staff_client, "steps", default="3", max="200")
    assert response.status_code == 302
    assert current_engine().validate({})["steps"] == 3
    assert_site_answers(staff_client)


def test_staff_set_and_clear_the_answer_while_hidden(staff_client):
    # Cleared, a file upload keeps the answer it was given; set again, nobody waits for it.
    assert post_question(staff_client, "client_waits", when_hidden="").status_code == 302
    assert Question.objects.get(key="client_waits").when_hidden is None
    assert current_engine().validate({"trigger": "file_upload", "client_waits": True})["client_waits"] is True
    assert post_question(staff_client, "client_waits", when_hidden="false").status_code == 302
    assert Question.objects.get(key="client_waits").when_hidden is False
    assert current_engine().validate({"trigger": "file_upload", "client_waits": True})["client_waits"] is False
    assert_site_answers(staff_client)


# Limits and prices -------------------------------------------------------------------------
def limit_form(limit: Limit, **changes) -> dict:
    data = {"id": limit.id, "name": limit.name, "value": limit.value, "unit": limit.unit, "source": limit.source,
            "as_of": limit.as_of.isoformat() if limit.as_of else "", "notes": limit.notes}
    if limit.verified:
        data["verified"] = "on"
    data.update(changes)
    return data


@pytest.mark.parametrize("limit_id", ["api-gateway-timeout", "lambda-max-duration", "sync-payload"])
@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_limit_that_is_not_positive_is_refused(staff_client, limit_id, value):
    limit = Limit.objects.get(id=limit_id)
    before = row(Limit, limit_id)
    response = staff_client.post(reverse("admin:patterns_limit_change", args=[limit_id]), limit_form(limit, value=value))
    assert f"limit '{limit_id}': the value must be a positive number" in form_errors(response)
    assert row(Limit, limit_id) == before
    assert_site_answers(staff_client)


@pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")
def test_diagrams_still_draw_after_a_refused_limit(staff_client):
    limit = Limit.objects.get(id="lambda-max-duration")
    staff_client.post(reverse("admin:patterns_limit_change", args=[limit.pk]), limit_form(limit, value="0"))
    response = staff_client.get(reverse("questionnaire:diagram"), {"trigger": "queue", "client_waits": "false"})
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize("changes, reason", [
    ({"usd": "-0.5"}, "usd must be zero or a positive number"),
    ({"per": "0"}, "per must be a positive number"),
])
def test_a_negative_price_or_a_zero_quantity_is_refused(staff_client, changes, reason):
    price = Price.objects.order_by("id").first()
    before = row(Price, price.pk)
    data = {"id": price.id, "service": price.service, "name": price.name, "usd": str(price.usd), "per": price.per,
            "unit": price.unit, "source": price.source, "as_of": price.as_of.isoformat() if price.as_of else "",
            "notes": price.notes, "verified": "on", **changes}
    response = staff_client.post(reverse("admin:patterns_price_change", args=[price.pk]), data)
    assert f"price '{price.id}': {reason}" in form_errors(response)
    assert row(Price, price.pk) == before
    assert_site_answers(staff_client)


# Rules that raise when evaluated -----------------------------------------------------------
@pytest.mark.parametrize("name, changes, reason", [
    ("api-http-entry", {"when": f"duration_s + {HUGE} > 1"},
     "rule 'api-http-entry': the condition cannot be evaluated with the default answers: OverflowError"),
    # Fine on the default answers (steps = 1), raises once steps is above 1.
    ("api-http-entry", {"when": f"(steps - 1) * {HUGE} + 0.5 > 1"},
     "rule 'api-http-entry': the condition cannot be evaluated with steps = 100: OverflowError"),
])
def test_a_rule_that_raises_when_evaluated_is_refused(staff_client, name, changes, reason):
    pk = Rule.objects.get(name=name).pk
    before = row(Rule, pk)
    response = post_rule(staff_client, name, **changes)
    assert reason in form_errors(response)
    before.pop("updated_at")
    after = row(Rule, pk)
    after.pop("updated_at")
    assert after == before
    assert_site_answers(staff_client)


def test_a_limit_rule_whose_value_raises_is_refused(staff_client):
    rule = Rule.objects.filter(effect="limit").order_by("name").first()
    response = post_rule(staff_client, rule.name, value=f"duration_s * {HUGE} / 2 + 0.5")
    assert f"rule '{rule.name}': the value cannot be evaluated" in form_errors(response)
    rule_after = Rule.objects.get(pk=rule.pk)
    assert rule_after.value == rule.value


def test_a_refused_rule_leaves_the_panel_quiet(staff_client, caplog):
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/questionnaire/"}
    post_rule(staff_client, "api-http-entry", when=f"duration_s + {HUGE} > 1")
    with caplog.at_level(logging.WARNING, logger="patterns"):
        response = staff_client.post(QUESTIONNAIRE, {"trigger": "http", "client_waits": "true"}, **htmx)
    assert response.status_code == 200 and 'id="panel"' in response.content.decode()
    assert not [r for r in caplog.records if r.name.startswith("patterns")]


# Rows that got in without the admin --------------------------------------------------------
@pytest.mark.parametrize("change", [
    lambda: Question.objects.filter(key="trigger").update(default="nope"),
    lambda: Question.objects.filter(key="steps").update(max=1e19),
    lambda: Limit.objects.filter(id="lambda-max-duration").update(value=0),
    lambda: Rule.objects.filter(name="api-http-entry").update(when=f"duration_s + {HUGE} > 1"),
], ids=["default-outside-choices", "max-too-large", "limit-zero", "condition-raises"])
def test_a_bad_row_written_directly_does_not_take_the_questionnaire_down(client, db, change, caplog):
    from patterns.store import bump_version

    change()
    bump_version()
    with caplog.at_level(logging.ERROR, logger="patterns.store"):
        assert client.get(QUESTIONNAIRE).status_code == 200
        assert client.get(QUESTIONNAIRE, {"trigger": "queue", "client_waits": "false"}).status_code == 200
    assert [r for r in caplog.records if "is not usable" in r.getMessage()]


# Files loaded with load_catalogue ----------------------------------------------------------
def data_copy(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def refused_load(folder, capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        call_command("load_catalogue", "--dir", str(folder), "--reset")
    assert exit_.value.code == 2
    return capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize("kind, old, new, reason", [
    ("questions", "  default: http\n", "  default: nope\n", "question 'trigger': the default must be one of"),
    ("questions", "  max: 100\n", "  max: 1.0e+19\n", "question 'steps': max must be a number between"),
    ("limits", "  value: 900\n", "  value: 0\n", "limit 'lambda-max-duration': the value must be a positive number"),
    ("questions", "  label: What starts one unit of work?\n", "  label: " + "x" * 300 + "\n",
     "questions 'trigger': label: Ensure this value has at most 200 characters"),
    ("questions", "- key: trigger\n", "- key: trigger\n  : [\n", "is not valid YAML"),
    ("rules", "- name: warn-api-timeout\n",
     "- {name: nan-weight, effect: score, pattern: rds, weight: .nan, when: 'true', explanation: x}\n"
     "- name: warn-api-timeout\n", "rule 'nan-weight': the weight must be a number, not nan"),
])
def test_load_catalogue_refuses_a_bad_file_with_the_reason(tmp_path, capsys, kind, old, new, reason):
    folder = data_copy(tmp_path)
    path = folder / f"{kind}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    before = current_engine().version
    error = refused_load(folder, capsys)
    assert reason in error and "Traceback" not in error
    assert current_engine().version == before


# JSON that Python reads but cannot use -----------------------------------------------------
@pytest.mark.parametrize("field, text, reason", [
    ("default", "1" * 5000, "a number in it has too many digits"),
    ("choices", "[" + "1" * 5000 + "]", "a number in it has too many digits"),
    ("default", '"\\ud800"', "is not a character"),
])
def test_json_the_page_cannot_use_is_a_form_error(staff_client, field, text, reason):
    pk = Question.objects.get(key="steps").pk
    before = row(Question, pk)
    response = post_question(staff_client, "steps", **{field: text})
    assert reason in form_errors(response)
    assert row(Question, pk) == before
    assert_site_answers(staff_client)
