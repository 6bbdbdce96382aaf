"""Every page type, rendered with realistic data, shows people words, never the catalogue's ids.

Answer keys, warning ids, limit ids, pattern slugs, rule names and checklist ids are read
from the catalogue (and the analyzer's finding ids from the analyzer) and looked for in the text a person sees (tags, attributes and URLs
stripped). Ids that are also plain English words ("steps", "chaining") cannot be told
apart from prose and are left out; every id with a dash or an underscore is checked.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from advisor.architectures.models import Revision, ShareLink
from advisor.jobs.models import GenerationJob, JobStatus
from advisor.teams.models import Role
from tests.factories import ArchitectureFactory, MembershipFactory, TeamFactory, UserFactory
from analyzer import FINDING_IDS
from patterns.store import current_engine

pytestmark = pytest.mark.django_db

EVENTS = {"trigger": "event", "client_waits": False, "consumers": 3, "content_routing": True,
          "unreliable_downstream": True, "payload_kb": 300, "peak_rps": 2000, "downstream_max_rps": 50}
SAGA = {"trigger": "http", "client_waits": True, "latency_ms": 500, "steps": 4, "compensation": True,
        "duration_s": 40, "data_store": "relational", "peak_rps": 200}
TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Thumbnailer:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.13
      Policies: [{S3CrudPolicy: {BucketName: !Ref Bucket}}]
      Events:
        Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: 's3:ObjectCreated:*'}}
"""


class _Text(HTMLParser):
    """The text nodes of a page, without scripts and styles: what a person reads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def internal_ids() -> dict[str, str]:
    catalogue = current_engine().catalogue
    kinds = {
        "answer key": [q.key for q in catalogue.questions],
        "warning id": [w.id for w in catalogue.warnings],
        "limit id": [lim.id for lim in catalogue.limits],
        "pattern slug": [p.slug for p in catalogue.patterns],
        "rule name": [r.name for r in catalogue.rules],
        "checklist id": [c.id for c in catalogue.checklist],
        "analyzer finding id": list(FINDING_IDS),
    }
    return {name: kind for kind, names in kinds.items() for name in names if re.search(r"[-_]", name)}


def leaks(html: str, ids: dict[str, str]) -> list[str]:
    text = visible_text(html)
    found = []
    for name, kind in ids.items():
        match = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        if match:
            found.append(f"{kind} {name!r} in “…{text[max(0, match.start() - 60):match.end() + 60].strip()}…”")
    return found


@pytest.fixture
def world():
    owner, viewer = UserFactory(username="maria"), UserFactory(username="tomasz")
    team = TeamFactory(name="Payments", owner=owner)
    MembershipFactory(team=team, user=viewer, role=Role.VIEWER)
    events = ArchitectureFactory(team=team, created_by=owner, name="Order events", answers=EVENTS)
    saga = ArchitectureFactory(team=team, created_by=owner, name="Checkout saga", answers=SAGA,
                               patterns=["orchestrator", "rds"])
    # A second revision with other answers, so the diff has answers, risks and limits to show.
    client = Client()
    client.force_login(owner)
    client.post(reverse("architectures:revise", args=[events.pk]), {
        "step": "save", "answers": json.dumps({**EVENTS, "payload_kb": 2048, "client_waits": True, "latency_ms": 200}),
        "name": "Order events", "choice": "recommended", "note": "Bigger events"})
    events.refresh_from_db()
    # A revision saved under earlier rules: its explanations come back as stored text.
    Revision.objects.filter(architecture=saga).update(rules_version="older-rules")
    saga.refresh_from_db()
    job = GenerationJob.objects.create(revision=events.latest, options={"name": "order-events", "runtime": "python3.13",
                                                                        "architecture": "arm64"},
                                       options_key="k", status=JobStatus.FAILED, error="the worker stopped")
    link = ShareLink.objects.create(revision=events.latest, token="a-link-to-order-events")
    return {"owner": owner, "viewer": viewer, "team": team, "events": events, "saga": saga, "job": job,
            "client": client, "link": link}


def pages(world) -> list[tuple[str, str, dict | None]]:
    events, saga, team = world["events"], world["saga"], world["team"]
    catalogue = current_engine().catalogue
    query = "?" + "&".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in EVENTS.items())
    return [
        ("home", reverse("home"), None),
        ("questionnaire", reverse("questionnaire:start") + query, None),
        ("questionnaire with a mistake", reverse("questionnaire:start") + "?duration_s=0&max_duration_s=0.5", None),
        ("full recommendation", reverse("questionnaire:recommendation") + query, None),
        ("pattern list", reverse("questionnaire:patterns"), None),
        *[(f"pattern {p.slug}", reverse("questionnaire:pattern", args=[p.slug]), None) for p in catalogue.patterns],
        ("checklist", reverse("questionnaire:checklist"), None),
        ("architecture list", reverse("architectures:list"), None),
        ("architecture detail", reverse("architectures:detail", args=[events.pk]), None),
        ("architecture saved under other rules", reverse("architectures:detail", args=[saga.pk]), None),
        ("revision", reverse("architectures:revision", args=[events.pk, 1]), None),
        ("revision under other rules", reverse("architectures:revision", args=[saga.pk, 1]), None),
        ("diff", reverse("architectures:diff", args=[events.pk]) + "?from=1&to=2", None),
        ("compare", reverse("architectures:compare") + f"?ids={events.pk}&ids={saga.pk}&ids={events.pk}r1", None),
        ("shared link", reverse("architectures:shared", args=[world["link"].token]), None),
        ("edit in the questionnaire", reverse("architectures:edit", args=[events.pk]), None),
        ("save a revision", reverse("architectures:revise", args=[events.pk]) + query, None),
        ("save to a team", reverse("architectures:save") + query + "&choice=own&patterns=orchestrator", None),
        ("bad answers", reverse("architectures:save") + "?answers=" + json.dumps({"latency_ms": 0}), None),
        ("generate", reverse("jobs:generate", args=[events.pk, events.latest.number]), None),
        ("job", reverse("jobs:detail", args=[world["job"].pk]), None),
        ("analyzer result", reverse("analyzer:page"), {"template": TEMPLATE}),
        ("team list", reverse("teams:list"), None),
        ("team detail", reverse("teams:detail", args=[team.pk]), None),
        ("new team", reverse("teams:create"), None),
    ]


def test_no_page_shows_an_internal_id(world):
    ids = internal_ids()
    assert len(ids) > 50, "the catalogue's ids were not read"
    client = world["client"]
    problems = {}
    for name, url, post in pages(world):
        response = client.post(url, post) if post is not None else client.get(url)
        assert response.status_code in (200, 400), (name, response.status_code)
        found = leaks(response.content.decode(), ids)
        if found:
            problems[name] = found
    assert problems == {}, "\n".join(f"{page}: {line}" for page, lines in problems.items() for line in lines)


def test_the_check_finds_an_id_in_text_but_not_in_a_link():
    ids = {"client_waits": "answer key", "sqs-worker": "pattern slug"}
    assert leaks('<a href="/patterns/sqs-worker/">Lambda + SQS worker</a>', ids) == []
    assert leaks('<span class="chip">client_waits = false</span>', ids) == [
        "answer key 'client_waits' in “…client_waits = false…”"]
