"""Scenarios: kept in the catalogue, run by `manage.py check_scenarios` and from the admin."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from patterns.catalogue import load_files
from patterns.engine import compile_catalogue
from patterns.models import CatalogueState, Rule, Scenario
from patterns.scenarios import load_scenario_files, run_scenario, scenario_from_row


def run_command(*args, capsys):
    try:
        call_command("check_scenarios", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def break_the_http_entry():
    """With this rule reversed, API Gateway + Lambda is no longer ranked for plain HTTP APIs."""
    rule = Rule.objects.get(name="api-http-entry")
    rule.weight = -10
    rule.save()  # as an admin edit would: the live catalogue moves on


# --- the command ---------------------------------------------------------------------

@pytest.mark.django_db
def test_the_shipped_scenarios_pass_against_the_database(capsys):
    code, out, err = run_command(capsys=capsys)
    shipped = len(load_scenario_files())
    assert (code, err) == (0, "")
    assert f"{shipped} of {shipped} scenarios pass" in out


def test_the_shipped_scenarios_pass_against_the_files(capsys):
    code, out, _ = run_command("--files", capsys=capsys)
    assert code == 0 and "scenarios pass" in out


@pytest.mark.django_db
def test_a_failing_scenario_exits_1_with_expected_and_actual(capsys):
    break_the_http_entry()
    code, out, _ = run_command(capsys=capsys)
    assert code == 1
    assert "FAIL crud-http-api" in out
    assert "top: expected api-gateway-lambda first; got " in out
    assert "webhook-receiver" in out


@pytest.mark.django_db
def test_only_the_named_scenarios_run(capsys):
    code, out, _ = run_command("--name", "crud-http-api", "--name", "webhook-receiver", capsys=capsys)
    assert code == 0 and "2 of 2 scenarios pass" in out


@pytest.mark.django_db
@pytest.mark.parametrize("args, setup, message", [
    (("--name", "no-such-scenario"), None, "no scenario named no-such-scenario"),
    ((), "unknown-pattern", "top: unknown pattern 'kafka-streams'"),
    ((), "bad-answer", "answers: trigger:"),
    ((), "no-scenarios", "there are no scenarios to run"),
])
def test_bad_input_exits_2_with_the_reason(capsys, args, setup, message):
    if setup == "unknown-pattern":
        Scenario.objects.create(name="odd", answers={}, top=["kafka-streams"])
    elif setup == "bad-answer":
        Scenario.objects.create(name="odd", answers={"trigger": "fax"}, top=["sqs-worker"])
    elif setup == "no-scenarios":
        Scenario.objects.all().delete()
    code, out, err = run_command(*args, capsys=capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_broken_scenarios_file_exits_2(tmp_path, capsys):
    (tmp_path / "scenarios.yaml").write_text("- name: Not A Slug\n  answers: {}\n")
    code, _, err = run_command("--files", str(tmp_path), capsys=capsys)
    assert code == 2
    assert "name must be lower-case letters" in err


# --- what a failure says --------------------------------------------------------------

ENGINE = compile_catalogue(load_files())


@pytest.mark.parametrize("expectation, message", [
    ({"top": ["rds"]}, "top: expected rds first; got sqs-worker (ranked: sqs-worker, api-gateway-lambda)"),
    ({"recommended": ["step-functions"]}, "recommended: expected step-functions in the ranked list"),
    ({"recommended_any": ["rds", "chaining"]}, "recommended_any: expected one of rds, chaining"),
    ({"not_recommended": ["api-gateway-lambda"]}, "not_recommended: expected api-gateway-lambda not to be ranked"),
    ({"not_top": ["sqs-worker"]}, "not_top: expected sqs-worker not to be first"),
    ({"warnings": ["poison-message"]}, "warnings: expected poison-message to fire"),
    ({"no_warnings": ["api-timeout"]}, "no_warnings: expected api-timeout not to fire"),
    ({"broken_limits": ["step-functions-payload"]},
     "broken_limits: expected step-functions-payload to be checked and broken; it was not checked"),
    ({"broken_limits": ["lambda-max-duration"]}, "broken_limits: expected lambda-max-duration to be broken; it holds"),
    ({"unbroken_limits": ["api-gateway-timeout"]}, "unbroken_limits: expected api-gateway-timeout to hold"),
])
def test_each_failure_names_expected_and_actual(expectation, message):
    # A 45 s job behind an API the caller waits on: a queue first, the API's timeout broken.
    scenario = scenario_from_row({"name": "probe", "answers": {"trigger": "http", "duration_s": 45}, **expectation})
    result = run_scenario(scenario, ENGINE)
    assert not result.passed
    assert any(message in failure for failure in result.failures), result.failures


def test_a_scenario_row_with_an_unknown_field_is_refused():
    with pytest.raises(ValueError, match="unknown field"):
        scenario_from_row({"name": "x", "answers": {}, "first": ["rds"]})


# --- the admin ------------------------------------------------------------------------

@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-password-1")
    client.force_login(user)
    return client


def scenario_form(**changes):
    data = {"name": "queue-job", "description": "A queued job.", "answers": '{"trigger": "queue"}',
            "top": '["sqs-worker"]', "recommended": "[]", "recommended_any": "[]", "not_recommended": "[]",
            "not_top": "[]", "warnings": "[]", "no_warnings": "[]", "broken_limits": "[]", "unbroken_limits": "[]"}
    data.update(changes)
    return data


def test_staff_add_a_scenario_and_it_does_not_change_the_rules_version(staff_client):
    version = CatalogueState.objects.get(pk=1).version
    response = staff_client.post(reverse("admin:patterns_scenario_add"), scenario_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Scenario.objects.get(name="queue-job").top == ["sqs-worker"]
    assert CatalogueState.objects.get(pk=1).version == version


@pytest.mark.parametrize("changes, reason", [
    ({"answers": '{"trigger": "fax"}'}, "answers: trigger:"),
    ({"answers": '{"tigger": "queue"}'}, "unknown answer key"),
    ({"top": '["kafka-streams"]'}, "top: unknown pattern 'kafka-streams'"),
    ({"warnings": '["no-such-warning"]'}, "warnings: unknown warning 'no-such-warning'"),
    ({"top": '"sqs-worker"', "not_top": '["sqs-worker"]'}, "cannot be in both top and not_top"),
    ({"top": "[]"}, "expects nothing"),
    ({"top": '[1, 2]'}, "top must be a list of ids"),
    ({"answers": '["trigger"]'}, "answers must be a mapping"),
])
def test_a_scenario_that_cannot_run_is_refused_with_the_reason(staff_client, changes, reason):
    response = staff_client.post(reverse("admin:patterns_scenario_add"), scenario_form(**changes))
    assert response.status_code == 200
    assert reason in html.unescape(response.content.decode())
    assert not Scenario.objects.filter(name="queue-job").exists()


def test_staff_run_all_scenarios_and_see_a_failure_with_its_reason(staff_client):
    changelist = staff_client.get(reverse("admin:patterns_scenario_changelist")).content.decode()
    assert reverse("admin:patterns_scenario_run") in changelist
    page = staff_client.get(reverse("admin:patterns_scenario_run")).content.decode()
    assert "0 failed" in page
    break_the_http_entry()
    page = html.unescape(staff_client.get(reverse("admin:patterns_scenario_run")).content.decode())
    assert "FAIL" in page
    assert "top: expected api-gateway-lambda first; got " in page


def test_the_run_action_runs_the_selected_scenarios(staff_client):
    chosen = Scenario.objects.filter(name__in=["crud-http-api", "webhook-receiver"])
    break_the_http_entry()
    response = staff_client.post(reverse("admin:patterns_scenario_changelist"), {
        "action": "run_selected", "_selected_action": [s.pk for s in chosen]})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "2 run, 2 failed" in page
    assert "document-processing-queue" not in page


def test_the_change_page_shows_the_outcome(staff_client):
    scenario = Scenario.objects.get(name="crud-http-api")
    page = staff_client.get(reverse("admin:patterns_scenario_change", args=[scenario.pk])).content.decode()
    assert "passes" in page
    break_the_http_entry()
    page = html.unescape(staff_client.get(reverse("admin:patterns_scenario_change", args=[scenario.pk])).content.decode())
    assert "fails" in page and "top: expected api-gateway-lambda first" in page


def test_the_scenario_pages_need_a_staff_login(client, db):
    for name in ("admin:patterns_scenario_run", "admin:patterns_lens_download"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_empty_expectation_boxes_mean_none(staff_client):
    response = staff_client.post(reverse("admin:patterns_scenario_add"), scenario_form(recommended="", warnings=""))
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    scenario = Scenario.objects.get(name="queue-job")
    assert scenario.recommended == [] and scenario.warnings == []
