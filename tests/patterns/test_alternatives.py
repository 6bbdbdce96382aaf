"""Alternatives to Lambda (SPEC §8.4) as catalogue rows, and every limit row read by a rule or by the cost estimate."""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

import analyzer
from generator import selection
from pattern_library.kinesis_stream import cost as kinesis_cost
from patterns.catalogue import Catalogue, LambdaAlternative, Limit, load_files
from patterns.cost import LIMITS_READ as READ_BY_THE_ESTIMATE
from patterns.engine import Recommendation, check_catalogue, recommend
from patterns.models import LambdaAlternative as AlternativeRow
from patterns.read_by_code import limit_readers
from patterns.store import current_engine

CATALOGUE = load_files()
TRANSCODING = {"trigger": "file_upload", "client_waits": False, "duration_s": 1500, "max_duration_s": 2400,
               "data_store": "s3"}
_LIMIT_CALL = re.compile(r"""limit\(\s*['"]([^'"]+)['"]\s*\)""")


# Limit rows code reads by id rather than a rule: the analyzer's findings, the generator's
# shared sizing, the pattern folders' parts (their LIMITS) and the cost estimate.
CODE_READS = {*analyzer.LIMIT_IDS, *selection.LIMIT_IDS, kinesis_cost.PUT_PAYLOAD_UNIT, *READ_BY_THE_ESTIMATE,
              *limit_readers()}


def unread_limits(catalogue: Catalogue) -> set[str]:
    """Limit rows no rule checks or reads in its condition or value, and no code reads."""
    read = set(CODE_READS)
    for rule in catalogue.rules:
        if rule.effect == "limit":
            read.add(rule.limit)
        for source in (rule.when, rule.value):
            read.update(_LIMIT_CALL.findall(source or ""))
    return {limit.id for limit in catalogue.limits} - read


def test_every_limit_row_is_read_by_a_rule():
    assert unread_limits(CATALOGUE) == set()


def test_every_limit_code_reads_is_a_row():
    assert CODE_READS - set(CATALOGUE.limit_map) == set()


def test_an_unread_limit_row_is_caught():
    extra = Limit("sns-subscriptions-per-topic", "SNS subscriptions per topic", 12_500_000, "count")
    catalogue = replace(CATALOGUE, limits=(*CATALOGUE.limits, extra))
    assert unread_limits(catalogue) == {"sns-subscriptions-per-topic"}


def test_long_compute_leads_with_what_replaces_lambda():
    rec = recommend(TRANSCODING, CATALOGUE)
    assert rec.fits_lambda is False
    first = rec.alternatives[0]
    assert first.id == "mediaconvert" and first.fits_lambda is False
    assert first.replaces == ("s3-processing",)  # proposed, and its function is what is replaced
    assert "2,400 s" in first.message and "max_duration_s=2400" in first.message
    assert "completion event" in first.message  # what Lambda still does
    data = rec.to_dict()
    assert list(data)[:2] == ["fits_lambda", "alternatives"]
    assert data["alternatives"][0] == {"id": "mediaconvert", "title": first.title, "message": first.message,
                                       "replaces": ["s3-processing"], "fits_lambda": False}


def test_a_stored_recommendation_keeps_its_alternatives_and_an_old_one_reads_as_fitting():
    data = recommend(TRANSCODING, CATALOGUE).to_dict()
    again = Recommendation.from_dict(data, TRANSCODING)
    assert again.to_dict()["alternatives"] == data["alternatives"] and again.fits_lambda is False
    old = {key: value for key, value in data.items() if key not in ("fits_lambda", "alternatives")}
    loaded = Recommendation.from_dict(old, TRANSCODING)
    assert loaded.alternatives == () and loaded.fits_lambda is True


def test_an_alternative_gated_by_patterns_applies_only_when_one_is_proposed():
    answers = {"trigger": "http", "client_waits": False, "duration_s": 2}
    assert "service-integration" in {a.id for a in recommend(answers, CATALOGUE).alternatives}
    chosen = recommend(answers, CATALOGUE, patterns=("api-gateway-lambda",))
    assert "service-integration" not in {a.id for a in chosen.alternatives}


@pytest.mark.parametrize("change, problem", [
    ({"when": "trigger == 'htp'"}, "alternative 'fargate-task': condition"),
    ({"why": "Uses {no_such_key}."}, "why: unknown placeholder {no_such_key}"),
    ({"replaces": ("not-a-pattern",)}, "replaces names unknown pattern 'not-a-pattern'"),
    ({"when": "3600 / (peak_rps - peak_rps) > 1 and duration_s > limit('no-such-limit')"}, "condition"),
])
def test_a_broken_alternative_is_refused(change, problem):
    rows = tuple(replace(a, **change) if a.id == "fargate-task" else a for a in CATALOGUE.alternatives)
    problems = check_catalogue(replace(CATALOGUE, alternatives=rows))
    assert any(problem in p for p in problems), problems


def test_an_alternative_defined_twice_is_refused():
    twice = replace(CATALOGUE, alternatives=(*CATALOGUE.alternatives, CATALOGUE.alternatives[0]))
    assert f"alternative '{CATALOGUE.alternatives[0].id}' is defined twice" in check_catalogue(twice)


@pytest.mark.django_db
def test_the_text_output_puts_the_alternatives_first_when_lambda_does_not_fit(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(TRANSCODING))
    out = io.StringIO()
    call_command("recommend", str(path), stdout=out)
    text = out.getvalue()
    assert text.index("Where Lambda is not the answer") < text.index("Recommended patterns")
    assert "[INSTEAD] mediaconvert: Transcode media with AWS Elemental MediaConvert" in text
    assert "stands in for the function of: Lambda + S3" in text


@pytest.mark.django_db
def test_the_text_output_lists_alternatives_beside_lambda_after_the_patterns(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"trigger": "http", "push_to_clients": True}))
    out = io.StringIO()
    call_command("recommend", str(path), stdout=out)
    text = out.getvalue()
    assert text.index("Recommended patterns") < text.index("Beside Lambda") < text.index("Warnings")
    assert "[beside] websocket-api" in text


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-password-1")
    client.force_login(user)
    return client


def alternative_form(row: AlternativeRow, **changes) -> dict:
    data = {"id": row.id, "title": row.title, "when": row.when, "why": row.why, "lambda_role": row.lambda_role,
            "replaces": json.dumps(row.replaces), "patterns": json.dumps(row.patterns), "order": row.order,
            "fits_lambda": "on" if row.fits_lambda else ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v != "" or k == "lambda_role"}


def test_staff_edit_an_alternative_and_the_next_recommendation_uses_it(staff_client):
    row = AlternativeRow.objects.get(id="websocket-api")
    url = reverse("admin:patterns_lambdaalternative_change", args=[row.pk])
    response = staff_client.post(url, alternative_form(row, when="push_to_clients and trigger == 'http'"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.when == "push_to_clients and trigger == 'http'"
    assert "websocket-api" not in {a.id for a in current_engine().recommend(
        {"trigger": "event", "push_to_clients": True}).alternatives}


def test_staff_cannot_save_an_alternative_that_breaks_the_catalogue(staff_client):
    row = AlternativeRow.objects.get(id="websocket-api")
    url = reverse("admin:patterns_lambdaalternative_change", args=[row.pk])
    response = staff_client.post(url, alternative_form(row, when="push_to_client"))
    assert response.status_code == 200
    assert "unknown answer key 'push_to_client'" in html.unescape(response.content.decode())
    row.refresh_from_db()
    assert row.when == "push_to_clients"


def test_staff_see_the_alternatives_in_the_admin(staff_client):
    response = staff_client.get(reverse("admin:patterns_lambdaalternative_changelist"))
    assert response.status_code == 200
    assert "fargate-task" in response.content.decode()
