"""The catalogue as an AWS Well-Architected custom lens: valid by the format's published
rules, read back without change, downloadable from the admin, importable through boto3."""

import copy
import dataclasses
import json
import re

import boto3
import pytest
from botocore.stub import ANY, Stubber
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from patterns.catalogue import load_files
from patterns.lens import (
    MAX_CHOICES_PER_QUESTION, MAX_LENS_BYTES, MAX_PILLARS, MAX_QUESTIONS_PER_PILLAR, MAX_RISK_RULES, MAX_TEXT,
    MAX_TITLE, LensError, export_lens, import_lens, read_lens, validate_lens,
)

CATALOGUE = load_files()
LENS = export_lens(CATALOGUE)


def walk_questions(lens):
    for pillar in lens["pillars"]:
        yield from pillar["questions"]


# --- the export keeps every published limit -------------------------------------------------

def test_the_export_passes_the_validator():
    assert validate_lens(LENS) == []


def test_the_export_is_within_each_limit():
    assert LENS["schemaVersion"] == "2021-11-01"
    assert len(LENS["name"]) <= 128 and len(LENS["description"]) <= 2048
    assert 1 <= len(LENS["pillars"]) <= 10 == MAX_PILLARS
    ident = re.compile(r"[A-Za-z0-9_]{3,128}")
    for pillar in LENS["pillars"]:
        assert ident.fullmatch(pillar["id"]) and len(pillar["name"]) <= MAX_TITLE
        assert 1 <= len(pillar["questions"]) <= MAX_QUESTIONS_PER_PILLAR == 20
    for question in walk_questions(LENS):
        assert ident.fullmatch(question["id"]) and len(question["title"]) <= MAX_TITLE == 128
        assert len(question.get("description", "")) <= MAX_TEXT == 2048
        assert 1 <= len(question["choices"]) <= MAX_CHOICES_PER_QUESTION == 15
        rules = question["riskRules"]
        assert 1 <= len(rules) <= MAX_RISK_RULES == 3
        assert [r["condition"] for r in rules].count("default") == 1 and rules[-1]["condition"] == "default"
        for choice in question["choices"]:
            assert ident.fullmatch(choice["id"]) and len(choice["title"]) <= MAX_TITLE
            for key in ("helpfulResource", "improvementPlan"):
                assert len(choice.get(key, {}).get("displayText", "")) <= MAX_TEXT
            assert choice["id"].endswith("_no") or choice["improvementPlan"]["displayText"]
    assert len(json.dumps(LENS).encode()) <= MAX_LENS_BYTES == 500_000


def test_the_lens_carries_the_questions_choices_and_risks():
    questions = {q["id"]: q for q in walk_questions(LENS)}
    trigger = questions["q_trigger"]
    assert trigger["title"] == CATALOGUE.question_map["trigger"].label
    assert {c["id"] for c in trigger["choices"]} >= {"trigger__http", "trigger__file_upload"}
    assert {c["id"] for c in questions["q_client_waits"]["choices"]} == {"client_waits_yes", "client_waits_no"}
    for warning in CATALOGUE.warnings:
        risk = questions["risk_" + warning.id.replace("-", "_")]
        assert risk["title"] == warning.title
        assert risk["choices"][-1]["id"].endswith("_no")  # "None of these"
        steps = risk["choices"][:-1]
        assert len(steps) == len(warning.better)
        assert all(c["improvementPlan"]["displayText"] == warning.advice for c in steps)
        assert all(c["helpfulResource"]["displayText"] == warning.summary for c in steps)
        default = risk["riskRules"][-1]["risk"]
        assert default == ("HIGH_RISK" if warning.severity in ("high", "critical") else "MEDIUM_RISK")
        assert risk["riskRules"][0] == {"condition": " && ".join(c["id"] for c in steps), "risk": "NO_RISK"}


# --- the validator refuses each breach of the published rules ----------------------------------

def first_question(lens):
    return lens["pillars"][-1]["questions"][0]


def breach(change):
    lens = copy.deepcopy(LENS)
    change(lens)
    return validate_lens(lens)


def more_pillars(lens):
    lens["pillars"] += [dict(copy.deepcopy(lens["pillars"][0]), id=f"extra_{n}",
                             questions=[dict(q, id=f"{q['id']}_{n}") for q in lens["pillars"][0]["questions"]])
                        for n in range(MAX_PILLARS)]


def more_questions(lens):
    pillar = lens["pillars"][-1]
    pillar["questions"] += [dict(copy.deepcopy(pillar["questions"][0]), id=f"extra_{n}") for n in range(20)]


def more_choices(lens):
    question = first_question(lens)
    question["choices"] = [dict(question["choices"][0], id=f"choice_{n}") for n in range(16)]
    question["riskRules"] = [{"condition": "default", "risk": "HIGH_RISK"}]


def oversized(lens):
    """Each text within its own limit, but the whole lens over 500 KB."""
    resources = [{"type": kind, "content": [{"displayText": "x" * MAX_TEXT}] * 5}
                 for kind in ("HELPFUL_RESOURCE", "IMPROVEMENT_PLAN")]
    for question in walk_questions(lens):
        for choice in question["choices"]:
            choice["additionalResources"] = resources


@pytest.mark.parametrize("change, message", [
    (lambda lens: lens.update(schemaVersion="2020-01-01"), "schemaVersion: must be '2021-11-01'"),
    (lambda lens: lens.update(name="n" * 129), "name: is 129 characters; at most 128"),
    (lambda lens: lens.update(description="d" * 2049), "description: is 2049 characters; at most 2048"),
    (lambda lens: lens.pop("pillars"), "'pillars' is missing"),
    (lambda lens: lens.update(extra=1), "'extra' is not part of the format"),
    (more_pillars, "pillars; at most 10"),
    (more_questions, "questions; at most 20"),
    (more_choices, "has 16 choices; at most 15"),
    (lambda lens: lens["pillars"][0].update(id="ab"), "must be 3 to 128 letters, digits or _"),
    (lambda lens: lens["pillars"][0].update(id="with-hyphen"), "must be 3 to 128 letters, digits or _"),
    (lambda lens: lens["pillars"][0].update(id="x" * 129), "must be 3 to 128 letters, digits or _"),
    (lambda lens: lens["pillars"][1].update(id=lens["pillars"][0]["id"]), "is used twice"),
    (lambda lens: first_question(lens).update(title="t" * 129), "title: is 129 characters; at most 128"),
    (lambda lens: first_question(lens).update(description="d" * 2049), "at most 2048"),
    (lambda lens: first_question(lens)["choices"][0].update(title="t" * 129), "at most 128"),
    (lambda lens: first_question(lens)["choices"][0]["improvementPlan"].update(displayText="p" * 2049),
     "improvementPlan.displayText: is 2049 characters; at most 2048"),
    (lambda lens: first_question(lens)["choices"][0].pop("improvementPlan"), "needs an improvementPlan"),
    (lambda lens: first_question(lens)["choices"][0].update(helpfulResource={"url": "https://example.com"}),
     "a url needs a displayText"),
    (lambda lens: first_question(lens)["choices"][0].update(
        helpfulResource={"displayText": "x", "url": "ftp://example.com"}), "must start with http:// or https://"),
    (lambda lens: first_question(lens)["choices"][0].update(id=first_question(lens)["choices"][1]["id"]),
     "is used twice"),
    (lambda lens: first_question(lens).update(riskRules=[{"condition": "default", "risk": "HIGH_RISK"}] * 4),
     "has 4 risk rules; at most 3"),
    (lambda lens: first_question(lens).update(riskRules=[{"condition": first_question(lens)["choices"][0]["id"],
                                                          "risk": "NO_RISK"}]),
     "needs exactly one 'default' rule"),
    (lambda lens: first_question(lens)["riskRules"].reverse(), "the default rule must come last"),
    (lambda lens: first_question(lens)["riskRules"][0].update(risk="LOW_RISK"), "must be one of HIGH_RISK"),
    (lambda lens: first_question(lens)["riskRules"][0].update(condition="unknown_choice && x"),
     "'unknown_choice' is not a choice of this question"),
    (lambda lens: first_question(lens)["riskRules"][0].update(condition="(" + first_question(lens)["choices"][0]["id"]),
     "a parenthesis is not closed"),
    (lambda lens: first_question(lens).update(riskRules=[{"condition": "default", "risk": "HIGH_RISK"},
                                                         {"condition": "default", "risk": "HIGH_RISK"}]),
     "one rule per risk level"),
    (lambda lens: first_question(lens)["choices"][0].update(additionalResources=[
        {"type": "OTHER", "content": [{"displayText": "x"}]}]), "must be one of HELPFUL_RESOURCE, IMPROVEMENT_PLAN"),
    (lambda lens: first_question(lens)["choices"][0].update(additionalResources=[
        {"type": "HELPFUL_RESOURCE", "content": [{"displayText": "x"}] * 6}]), "has 6 resources; at most 5"),
    (oversized, "bytes; at most 500000"),
])
def test_the_validator_refuses_each_breach(change, message):
    problems = breach(change)
    assert any(message in problem for problem in problems), problems


def test_a_choice_ending_in_no_needs_no_improvement_plan():
    def none_choice(lens):
        question = first_question(lens)
        assert question["choices"][-1]["id"].endswith("_no") and "improvementPlan" not in question["choices"][-1]
    assert breach(none_choice) == []


# --- reading the lens back -------------------------------------------------------------------

def test_reading_our_own_export_back_changes_nothing():
    assert read_lens(LENS, CATALOGUE).version == CATALOGUE.version
    assert read_lens(json.loads(json.dumps(LENS)), CATALOGUE).to_dict() == CATALOGUE.to_dict()


def test_reading_a_lens_edited_in_the_tool_takes_its_texts():
    lens = copy.deepcopy(LENS)
    questions = {q["id"]: q for q in walk_questions(lens)}
    questions["q_trigger"]["title"] = "What starts the work?"
    questions["q_trigger"]["choices"][0]["title"] = "A web request"
    questions["risk_poison_message"]["choices"][0]["title"] = "Validate first"
    read = read_lens(lens, CATALOGUE)
    assert read.question_map["trigger"].label == "What starts the work?"
    assert read.question_map["trigger"].choices[0].label == "A web request"
    assert read.warning_map["poison-message"].better[0] == "Validate first"
    assert read.version != CATALOGUE.version


def test_a_lens_with_foreign_ids_is_refused():
    lens = copy.deepcopy(LENS)
    lens["pillars"][0]["questions"][0]["id"] = "q_not_ours"
    with pytest.raises(LensError, match="'q_not_ours' is not one of the catalogue's questions"):
        read_lens(lens, CATALOGUE)


def test_long_texts_are_cut_to_the_limits_and_read_back_whole():
    question = CATALOGUE.question_map["trigger"]
    long_label = "What starts one unit of work, " + "in more words than a lens title may hold, " * 4
    catalogue = dataclasses.replace(CATALOGUE, questions=tuple(
        dataclasses.replace(q, label=long_label) if q is question else q for q in CATALOGUE.questions))
    lens = export_lens(catalogue)
    title = next(q["title"] for q in walk_questions(lens) if q["id"] == "q_trigger")
    assert len(title) == 128 and title.endswith("\u2026")
    assert read_lens(lens, catalogue).version == catalogue.version


# --- the command, the admin download and the import ---------------------------------------------

@pytest.mark.django_db
def test_export_lens_writes_a_valid_lens(tmp_path, capsys):
    out = tmp_path / "lens.json"
    call_command("export_lens", "--out", str(out))
    assert "pillars" in capsys.readouterr().out
    assert validate_lens(json.loads(out.read_text())) == []


@pytest.mark.django_db
def test_export_lens_to_an_unwritable_place_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("export_lens", "--out", str(tmp_path / "missing-folder" / "lens.json"))
    assert exit_.value.code == 2
    assert "the lens was not written" in capsys.readouterr().err


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-password-1")
    client.force_login(user)
    return client


def test_staff_download_the_lens_from_the_admin(staff_client):
    changelist = staff_client.get(reverse("admin:patterns_scenario_changelist")).content.decode()
    assert reverse("admin:patterns_lens_download") in changelist
    response = staff_client.get(reverse("admin:patterns_lens_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="serverless-advisor-lens-')
    assert validate_lens(json.loads(response.content)) == []


def stubbed_client():
    client = boto3.client("wellarchitected", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    return client, Stubber(client)


def test_import_lens_sends_the_lens_and_returns_its_arn():
    client, stubber = stubbed_client()
    arn = "arn:aws:wellarchitected:us-east-1:123456789012:lens/0123456789abcdef"
    stubber.add_response("import_lens", {"LensArn": arn, "Status": "IN_PROGRESS"},
                         {"JSONString": json.dumps(LENS, ensure_ascii=False), "ClientRequestToken": ANY})
    with stubber:
        assert import_lens(LENS, client) == arn
    stubber.assert_no_pending_responses()


@pytest.mark.django_db
def test_export_lens_import_reports_the_arn_or_the_error(tmp_path, capsys, monkeypatch):
    client, stubber = stubbed_client()
    arn = "arn:aws:wellarchitected:us-east-1:123456789012:lens/0123456789abcdef"
    stubber.add_response("import_lens", {"LensArn": arn, "Status": "IN_PROGRESS"},
                         {"JSONString": ANY, "ClientRequestToken": ANY, "LensAlias": "my-lens"})
    stubber.add_client_error("import_lens", "ServiceQuotaExceededException", "Too many lenses.", 402)
    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: client)
    with stubber:
        call_command("export_lens", "--out", str(tmp_path / "lens.json"), "--import", "--lens-alias", "my-lens")
        assert f"imported as {arn}" in capsys.readouterr().out
        with pytest.raises(SystemExit) as exit_:
            call_command("export_lens", "--out", str(tmp_path / "lens.json"), "--import")
    assert exit_.value.code == 1
    assert "Too many lenses." in capsys.readouterr().err
