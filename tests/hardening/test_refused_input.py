"""Numbers too long to convert and lone surrogates are refused with a message (400, or
exit 2 on the command line) wherever answers, templates or API bodies come in."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import QUEUE_ANSWERS, make_architecture, make_user
from advisor.teams.actions import create_team

ROOT = Path(__file__).resolve().parents[2]
HUGE = "9" * 5000  # more digits than Python converts to an int by default
# Each bad input as JSON text: a number too long to convert, and an escaped lone surrogate.
BAD_ANSWERS = {
    "huge number": '{"latency_ms": %s}' % HUGE,
    "lone surrogate": '{"trigger": "queue", "consumer_names": "\\ud800"}',
    "lone surrogate key": '{"\\udfff": 1}',
}
BAD_TEMPLATES = {
    "huge number": '{"Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": %s}}}}' % HUGE,
    "lone surrogate": '{"Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "\\ud800"}}}}',
    "lone surrogate in YAML": 'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: "\\ud800"\n',
    "huge number in YAML": 'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: %s\n' % HUGE,
}
def expected_message(case: str) -> str:
    if "number" in case:
        return "digits"
    # PyYAML itself refuses a surrogate escape in a double-quoted string, saying so.
    return "invalid Unicode character" if "YAML" in case else "lone surrogate"


def text_of(response) -> str:
    return response.content.decode()


# The web: questionnaire, answers upload, save page, analyzer page -----------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["questionnaire:start", "questionnaire:download", "questionnaire:diagram"])
def test_a_huge_number_in_the_questionnaire_is_refused(client, url):
    r = client.get(reverse(url), QUERY_STRING=f"latency_ms={HUGE}")
    assert r.status_code == 400
    assert "whole number" in text_of(r) or "digits" in text_of(r)


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["form post", "live update"])
def test_a_huge_number_posted_from_the_questionnaire_is_an_error_next_to_the_question(client, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    r = client.post(reverse("questionnaire:start"), {"latency_ms": HUGE, "trigger": "http"}, **headers)
    assert r.status_code == 200  # the page (or panel) again, with the message in place
    assert "whole number" in text_of(r)


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ANSWERS)
def test_an_uploaded_answers_file_is_refused(client, case):
    upload = SimpleUploadedFile("answers.json", BAD_ANSWERS[case].encode(), content_type="application/json")
    r = client.post(reverse("questionnaire:upload"), {"answers_file": upload})
    assert r.status_code == 400
    assert expected_message(case) in text_of(r)


@pytest.fixture
def member(db, client):
    user = make_user("dora")
    team = create_team(user, "Payments")
    client.force_login(user)
    return user, team


@pytest.mark.parametrize("case", BAD_ANSWERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_answers_sent_to_the_save_page_are_refused(client, member, case, method):
    _, team = member
    data = {"answers": BAD_ANSWERS[case], "team": team.pk, "name": "x", "step": "save"}
    r = getattr(client, method)(reverse("architectures:save"), data)
    assert r.status_code == 400
    assert expected_message(case) in text_of(r)


@pytest.mark.parametrize("case", BAD_ANSWERS)
def test_answers_imported_on_the_edit_page_are_refused(client, member, case):
    user, team = member
    architecture = make_architecture(team, user, answers=QUEUE_ANSWERS)
    upload = SimpleUploadedFile("answers.json", BAD_ANSWERS[case].encode(), content_type="application/json")
    r = client.post(reverse("architectures:edit", args=[architecture.pk]), {"import": "answers", "answers_file": upload})
    assert r.status_code == 400
    assert expected_message(case) in text_of(r)
    architecture.refresh_from_db()
    assert architecture.revisions.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_TEMPLATES)
@pytest.mark.parametrize("how", ["paste", "upload"])
def test_a_template_on_the_analyzer_page_is_refused(client, case, how):
    text = BAD_TEMPLATES[case]
    data = ({"template": text} if how == "paste"
            else {"upload": SimpleUploadedFile("template.yaml", text.encode()), "template": ""})
    r = client.post(reverse("analyzer:page"), data)
    assert r.status_code == 400
    assert expected_message(case) in text_of(r)


# The REST API -------------------------------------------------------------------------------

BAD_BODIES = {
    "huge number": '{"name": "x", "number": %s}' % HUGE,
    "lone surrogate": '{"name": "\\ud800"}',
    "lone surrogate key": '{"\\ud800": "x"}',
}


@pytest.fixture
def api(member):
    user, team = member
    client = APIClient()
    client.force_authenticate(user)
    architecture = make_architecture(team, user, answers=QUEUE_ANSWERS)
    return client, team, architecture


def api_calls(team, architecture):
    arch = reverse("api:architecture", args=[architecture.pk])
    return {
        "recommend": ("post", reverse("api:recommend")),
        "create": ("post", reverse("api:architectures")),
        "update": ("patch", arch),
        "replace": ("put", arch),
        "revision": ("post", reverse("api:revisions", args=[architecture.pk])),
        "generate": ("post", reverse("api:generate", args=[architecture.pk, 1])),
        "analyze": ("post", reverse("analyzer:api")),
    }


@pytest.mark.parametrize("case", BAD_BODIES)
@pytest.mark.parametrize("call", ["recommend", "create", "update", "replace", "revision", "generate", "analyze"])
def test_an_api_body_is_refused(api, case, call):
    client, team, architecture = api
    method, url = api_calls(team, architecture)[call]
    r = getattr(client, method)(url, BAD_BODIES[case], content_type="application/json",
                                REMOTE_ADDR=f"10.14.{len(case)}.{len(call)}")
    assert r.status_code == 400
    assert expected_message(case) in text_of(r)


@pytest.mark.parametrize("case", BAD_ANSWERS)
@pytest.mark.parametrize("where", ["recommend", "create", "update", "revision"])
def test_answers_inside_an_api_body_are_refused(api, case, where):
    client, team, architecture = api
    answers = BAD_ANSWERS[case]
    body = {
        "recommend": answers,
        "create": '{"team": %d, "name": "y", "answers": %s}' % (team.pk, answers),
        "update": '{"answers": %s}' % answers,
        "revision": '{"answers": %s}' % answers,
    }[where]
    method, url = api_calls(team, architecture)[where]
    r = getattr(client, method)(url, body, content_type="application/json")
    assert r.status_code == 400
    assert expected_message(case) in text_of(r)


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_TEMPLATES)
def test_a_template_sent_to_the_analyzer_api_is_refused(case):
    r = APIClient().post(reverse("analyzer:api"), {"template": BAD_TEMPLATES[case]}, format="json",
                         REMOTE_ADDR=f"10.14.99.{len(case)}")
    assert r.status_code == 400
    assert expected_message(case) in r.json()["error"]


# The command line ---------------------------------------------------------------------------

def call(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ANSWERS)
def test_recommend_refuses_the_answers_file(tmp_path, case):
    path = tmp_path / "answers.json"
    path.write_text(BAD_ANSWERS[case])
    code, out, err = call("recommend", str(path))
    assert code == 2 and out == ""
    assert expected_message(case) in err


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ANSWERS)
def test_generate_refuses_the_answers_file(tmp_path, case, capsys):
    from patterns.management.commands.generate import Command  # takes the generator's own arguments

    path = tmp_path / "answers.json"
    path.write_text(BAD_ANSWERS[case])
    code = Command().run([str(path), "--out", str(tmp_path / "p.zip"), "--no-diagrams"])
    assert code == 2
    assert expected_message(case) in capsys.readouterr().err
    assert not (tmp_path / "p.zip").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_TEMPLATES)
def test_analyze_refuses_the_template(tmp_path, case):
    path = tmp_path / "template.yaml"
    path.write_text(BAD_TEMPLATES[case])
    code, out, err = call("analyze", str(path))
    assert code == 2 and out == ""
    assert expected_message(case) in err


@pytest.mark.parametrize("case", BAD_ANSWERS)
def test_the_generator_command_line_refuses_the_answers_file(tmp_path, case):
    path = tmp_path / "answers.json"
    path.write_text(BAD_ANSWERS[case])
    run = subprocess.run([sys.executable, "-m", "generator", str(path), "--out", str(tmp_path / "p.zip"),
                          "--patterns", "sqs-worker", "--no-diagrams"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert expected_message(case) in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("command", [["recommend", "-"], ["analyze", "-"],
                                     ["generate", "-", "--out", "p.zip", "--no-diagrams"]])
def test_standard_input_that_is_not_utf8_is_refused(tmp_path, command):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], cwd=tmp_path, env=env,
                         input=b'{"consumer_names": "\xff\xfe"}', capture_output=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert b"UTF-8" in run.stderr and b"Traceback" not in run.stderr


BAD_CATALOGUE_VALUES = {
    "huge number": "  value: %s" % HUGE,
    "lone surrogate": '  name: "\\ud800"',
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_CATALOGUE_VALUES)
def test_load_catalogue_refuses_a_file_it_cannot_use(tmp_path, case):
    from patterns.catalogue import DATA_DIR

    for source in DATA_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    limits = tmp_path / "limits.yaml"
    limits.write_text(limits.read_text() + "- id: planted\n" + BAD_CATALOGUE_VALUES[case] + "\n")
    code, out, err = call("load_catalogue", "--dir", str(tmp_path), "--reset")
    assert code == 2
    assert "limits.yaml" in err
    if "number" in case:
        assert "digits" in err
    else:  # libyaml refuses the escape itself and says where it is
        planted = len(limits.read_text().splitlines())
        assert "invalid Unicode character escape" in err and f"line {planted}" in err
