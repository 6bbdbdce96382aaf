"""The analyzer's findings are catalogue rows: staff change a title, severity, explanation or
fix in the admin and the analyzer page and API report it; an edit the analyzer could not
write out is refused on the form; the rows are exported, imported and on record like the rest."""

import html
import json
import re
from dataclasses import replace

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from analyzer import FINDING_IDS, analyze
from patterns.finding_texts import text_problems
from patterns import history
from patterns.catalogue import FindingCase, load_files
from patterns.models import AnalyzerFinding, CatalogueChange
from patterns.signals import load_shipped_catalogue
from patterns.store import bump_version, catalogue_from_db, current_engine

# One queue, read by one function, with no redrive policy: a missing-dlq finding on the queue.
TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Queue: {Type: AWS::SQS::Queue, Properties: {VisibilityTimeout: 60}}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.13
      Tracing: Active
      Timeout: 10
      MemorySize: 256
      Events:
        Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, FunctionResponseTypes: [ReportBatchItemFailures]}}
  WorkerLogs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Sub "/aws/lambda/${Worker}", RetentionInDays: 14}
"""


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-password-1")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def finding_form(row: AnalyzerFinding, **changes) -> dict:
    data = {"id": row.id, "title": row.title, "severity": row.severity, "explanation": row.explanation,
            "fix": row.fix, "cases": json.dumps(row.cases)}
    data.update(changes)
    return data


def post_finding(client, finding_id: str, **changes):
    row = AnalyzerFinding.objects.get(id=finding_id)
    return client.post(reverse("admin:patterns_analyzerfinding_change", args=[row.pk]), finding_form(row, **changes))


def form_errors(response) -> str:
    assert response.status_code == 200, response.status_code
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(found)))


def api_findings(client) -> list[dict]:
    response = client.post(reverse("analyzer:api"), {"template": TEMPLATE}, content_type="application/json")
    assert response.status_code == 200, response.content[:500]
    return response.json()["findings"]


# The shipped rows ---------------------------------------------------------------------------------

def test_every_finding_the_analyzer_reports_has_a_usable_row_in_the_shipped_files():
    shipped = load_files()
    assert {row.id for row in shipped.findings} == set(FINDING_IDS)
    assert text_problems(shipped.findings) == []


def test_without_a_catalogue_the_analyzer_speaks_with_the_shipped_rows():
    (finding,) = analyze(TEMPLATE).findings
    row = load_files().finding_map["missing-dlq"]
    assert (finding.id, finding.title, finding.severity) == ("missing-dlq", row.title, row.severity)
    assert finding.explanation == row.explanation.format(queue="Queue", consumers="Worker")
    assert finding.message == f"{finding.explanation} {finding.fix}"


def test_the_analyzer_speaks_with_the_catalogue_it_is_given():
    shipped = load_files()
    row = replace(shipped.finding_map["missing-dlq"], title="Nowhere for failures to go", severity="critical",
                  fix="Give {queue} a dead-letter queue.")
    edited = replace(shipped, findings=tuple(row if f.id == row.id else f for f in shipped.findings))
    (finding,) = analyze(TEMPLATE, catalogue=edited).findings
    assert (finding.title, finding.severity, finding.fix) == (
        "Nowhere for failures to go", "critical", "Give Queue a dead-letter queue.")


# The catalogue check ------------------------------------------------------------------------------

def edited(finding_id: str, **changes):
    shipped = load_files()
    row = replace(shipped.finding_map[finding_id], **changes)
    return [row if f.id == finding_id else f for f in shipped.findings]


@pytest.mark.parametrize("finding_id, changes, problem", [
    ("no-tracing", {"fix": "Turn tracing on for {queue}."},
     "analyzer finding 'no-tracing': fix: unknown placeholder {queue}; this case supplies {function}"),
    ("no-tracing", {"explanation": "Function {function.__class__} is not traced."},
     "analyzer finding 'no-tracing': explanation: {function.__class__} is not a placeholder name"),
    ("no-tracing", {"explanation": "Function {function!r} is not traced."},
     "analyzer finding 'no-tracing': explanation: {function} may not carry a format or conversion"),
    ("no-tracing", {"explanation": "Function {} is not traced."},
     "analyzer finding 'no-tracing': explanation: {} is not a placeholder name"),
    ("no-tracing", {"explanation": "Function {function is not traced."},
     "analyzer finding 'no-tracing': explanation: "),
    ("no-tracing", {"severity": "urgent"},
     "analyzer finding 'no-tracing': severity 'urgent' is not one of low, medium, high, critical"),
    ("no-tracing", {"fix": "  "}, "analyzer finding 'no-tracing': the fix is empty"),
    ("no-tracing", {"title": ""}, "analyzer finding 'no-tracing': the title is empty"),
    ("loop", {"cases": ()}, "analyzer finding 'loop': no text for the case loop-bus"),
    ("loop", {"cases": (FindingCase("loop-bus", "medium", "{members} go round.", "Break it."),
                        FindingCase("loop-queue", "high", "Round.", "Break it."))},
     "analyzer finding 'loop', case 'loop-queue': not a case of this finding; its cases are loop-bus"),
    ("loop", {"cases": (FindingCase("loop-bus", "severe", "{members} go round.", "Break {queue}."),)},
     "analyzer finding 'loop', case 'loop-bus': severity 'severe' is not one of low, medium, high, critical"),
    ("loop", {"cases": (FindingCase("loop-bus", "medium", "{members} go round.", "Break {queue}."),)},
     "analyzer finding 'loop', case 'loop-bus': fix: unknown placeholder {queue}"),
])
def test_a_text_the_analyzer_could_not_fill_is_refused_with_the_reason(finding_id, changes, problem):
    problems = text_problems(edited(finding_id, **changes))
    assert any(p.startswith(problem) for p in problems), problems


def test_a_row_the_analyzer_does_not_report_and_a_missing_row_are_refused():
    rows = [replace(f, id="no-such-finding") if f.id == "no-tracing" else f for f in load_files().findings]
    problems = text_problems(rows)
    assert any(p.startswith("analyzer finding 'no-such-finding' is not one the analyzer reports") for p in problems)
    assert "analyzer finding 'no-tracing' has no row: the analyzer reports it and needs its text" in problems


# The admin ----------------------------------------------------------------------------------------

def test_a_staff_edit_changes_what_the_page_and_the_api_report(staff_client, client):
    response = post_finding(staff_client, "missing-dlq", title="Failures have nowhere to go", severity="critical",
                            fix="Give {queue} a dead-letter queue and watch it.")
    assert response.status_code == 302, form_errors(response)
    (finding,) = api_findings(client)
    assert (finding["title"], finding["severity"], finding["fix"]) == (
        "Failures have nowhere to go", "critical", "Give Queue a dead-letter queue and watch it.")
    page = html.unescape(client.post(reverse("analyzer:page"), {"template": TEMPLATE}).content.decode())
    assert "Failures have nowhere to go" in page and "Give Queue a dead-letter queue and watch it." in page


@pytest.mark.parametrize("changes, reason", [
    ({"explanation": "Queue {queue} of {stack} has no redrive policy."},
     "explanation: unknown placeholder {stack}"),
    ({"fix": "Add a redrive policy to {queue.name}."}, "{queue.name} is not a placeholder name"),
    ({"cases": json.dumps([{"case": "queue-no-redrive", "severity": "medium", "explanation": "x"}])},
     "cases must be a list of objects with exactly 'case', 'severity', 'explanation' and 'fix'"),
    ({"cases": "[]"}, "no text for the cases queue-no-redrive, stream-no-destination"),
    ({"severity": "urgent"}, "Select a valid choice"),
])
def test_an_edit_the_analyzer_could_not_write_out_is_refused_on_the_form(staff_client, client, changes, reason):
    before = catalogue_from_db().version
    response = post_finding(staff_client, "missing-dlq", **changes)
    assert reason in form_errors(response)
    assert catalogue_from_db().version == before
    assert api_findings(client)[0]["title"] == load_files().finding_map["missing-dlq"].title


def test_a_bad_row_that_got_in_around_the_admin_does_not_take_the_analyzer_down(client, db):
    AnalyzerFinding.objects.filter(id="missing-dlq").update(explanation="Queue {queue.name} of {stack}.")
    AnalyzerFinding.objects.filter(id="visibility-timeout-too-short").delete()
    bump_version()  # as an edit would
    shipped = load_files().finding_map
    titles = {finding["id"]: finding["title"] for finding in api_findings(client)}
    assert titles == {"missing-dlq": shipped["missing-dlq"].title}
    page = client.post(reverse("analyzer:page"), {"template": TEMPLATE})
    assert page.status_code == 200 and "has no redrive policy" in html.unescape(page.content.decode())


def test_given_a_catalogue_with_a_bad_row_the_analyzer_writes_that_finding_with_the_shipped_words():
    shipped = load_files()
    rows = tuple(replace(f, explanation="Queue {queue.name}.") if f.id == "missing-dlq" else f
                 for f in shipped.findings)
    (finding,) = analyze(TEMPLATE, catalogue=replace(shipped, findings=rows)).findings
    assert finding.explanation == shipped.finding_map["missing-dlq"].explanation.format(queue="Queue",
                                                                                         consumers="Worker")


def test_deleting_a_finding_row_is_refused(staff_client):
    url = reverse("admin:patterns_analyzerfinding_delete", args=["loop"])
    page = staff_client.get(url).content.decode()
    assert "would break the catalogue" in page
    staff_client.post(url, {"post": "yes"})
    assert AnalyzerFinding.objects.filter(id="loop").exists()


# History, export and import -----------------------------------------------------------------------

def test_an_edit_is_on_record_and_can_be_reverted(staff_client, staff, client):
    original = AnalyzerFinding.objects.get(id="missing-dlq").title
    assert post_finding(staff_client, "missing-dlq", title="Failures vanish").status_code == 302
    change = CatalogueChange.objects.get(kind="findings", source="admin")
    assert (change.key, change.action, change.user) == ("missing-dlq", "change", staff)
    assert history.field_diff(change) == [("title", original, "Failures vanish")]
    assert change.rules_version == catalogue_from_db().version
    history.revert(change, staff)
    assert api_findings(client)[0]["title"] == original


def test_an_edited_finding_is_exported_and_an_import_shows_and_applies_the_difference(staff_client, tmp_path,
                                                                                      capsys):
    assert post_finding(staff_client, "no-tracing", severity="medium").status_code == 302
    call_command("export_catalogue", "--out", str(tmp_path))
    rows = {row["id"]: row for row in yaml.safe_load((tmp_path / "patterns/data/findings.yaml").read_text())}
    assert set(rows) == set(FINDING_IDS) and rows["no-tracing"]["severity"] == "medium"

    call_command("load_catalogue", "--update")  # the shipped files, against the edited database
    assert "~ findings no-tracing\n    severity: 'medium' -> 'low'" in capsys.readouterr().out
    assert AnalyzerFinding.objects.get(id="no-tracing").severity == "medium"
    call_command("load_catalogue", "--update", "--apply")
    assert AnalyzerFinding.objects.get(id="no-tracing").severity == "low"
    assert current_engine().version == load_files().version


def test_a_database_loaded_before_findings_were_rows_gets_the_shipped_ones_after_migrate(db):
    AnalyzerFinding.objects.all().delete()
    load_shipped_catalogue(sender=None)
    assert set(AnalyzerFinding.objects.values_list("id", flat=True)) == set(FINDING_IDS)
    assert catalogue_from_db().version == load_files().version
    assert CatalogueChange.objects.filter(kind="findings", source="migrate", action="add").count() == len(FINDING_IDS)
