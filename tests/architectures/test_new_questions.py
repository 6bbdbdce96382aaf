"""A revision saved before a question existed: its page names the questions it never
answered that apply to it, the answer the advice assumes for each, whether the advice with
those answers differs from the saved one, and a way to answer them in the questionnaire."""

import json

import pytest
from django.urls import reverse

import generator
from advisor.architectures.models import Revision
from advisor.jobs import actions as job_actions
from advisor.jobs.models import GenerationJob, JobStatus
from advisor.teams.actions import create_team
from tests.factories import BaseTestCase, make_architecture, make_user
from patterns.store import bump_version

ADDED_LATER = ("wait_s", "replay_days")
REPLAY_LABEL = "How many days back must events be replayable?"
WAIT_LABEL = "How long does one unit of work wait, apart from processing?"


class SavedBeforeTheQuestionsTestCase(BaseTestCase):
    def setUp(self):
        bump_version()
        super().setUp()
        # As a revision saved before the questions existed holds them: not at all.
        old = {key: value for key, value in self.revision.answers.items() if key not in ADDED_LATER}
        Revision.objects.filter(pk=self.revision.pk).update(answers=old)
        self.revision.refresh_from_db()
        self.revision_url = reverse("architectures:revision", args=[self.architecture.pk, 1])

    def test_it_lists_the_question_that_applies_with_its_assumed_answer_and_why(self):
        self.client.force_login(self.bob)
        r = self.client.get(self.revision_url)
        self.assertContains(r, "1 question added since revision 1 was saved")
        self.assertContains(r, REPLAY_LABEL)
        self.assertContains(r, "<td>0 days</td>", html=True)
        self.assertContains(r, "A queue deletes a message once it is handled")
        # Waiting time does not apply to a one-step queue worker, so it is not asked.
        self.assertNotContains(r, WAIT_LABEL)
        self.assertContains(r, "the advice is the one saved")

    def test_an_editor_is_sent_to_the_questionnaire_with_the_revisions_answers(self):
        self.client.force_login(self.bob)
        r = self.client.get(self.revision_url)
        edit = reverse("architectures:edit", args=[self.architecture.pk])
        self.assertContains(r, f'href="{edit}?trigger=queue')
        self.assertContains(r, "Answer it in the questionnaire")
        page = self.client.get(r.context["answer_url"])
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["submission"].answers["trigger"], "queue")

    def test_a_viewer_may_try_them_in_the_questionnaire(self):
        self.client.force_login(self.victor)
        r = self.client.get(self.revision_url)
        self.assertContains(r, 'href="/questionnaire/?trigger=queue')
        self.assertContains(r, "Try it in the questionnaire")
        self.assertNotContains(r, reverse("architectures:edit", args=[self.architecture.pk]))

    def test_the_architecture_page_lists_them_for_the_latest_revision(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, "1 question added since revision 1 was saved")
        self.assertContains(r, REPLAY_LABEL)

    def test_answering_it_saves_a_revision_that_holds_the_answer_and_its_advice(self):
        self.client.force_login(self.bob)
        answers = {**self.revision.answers, "replay_days": 30}
        self.client.post(reverse("architectures:revise", args=[self.architecture.pk]),
                         {"step": "save", "answers": json.dumps(answers), "name": "Order pipeline",
                          "description": "", "choice": "recommended", "note": "Replays for a month"})
        self.architecture.refresh_from_db()
        latest = self.architecture.latest
        self.assertEqual((latest.number, latest.answers["replay_days"]), (2, 30))
        self.assertIn("replay-window", {w["id"] for w in latest.recommendation["warnings"]})
        r = self.client.get(reverse("architectures:revision", args=[self.architecture.pk, 2]))
        self.assertNotContains(r, "added since revision")

    def test_the_old_revision_compares_with_one_that_answers_it(self):
        self.client.force_login(self.bob)
        answers = {**self.revision.answers, "replay_days": 30}
        self.client.post(reverse("architectures:revise", args=[self.architecture.pk]),
                         {"step": "save", "answers": json.dumps(answers), "name": "Order pipeline",
                          "description": "", "choice": "recommended", "note": ""})
        r = self.client.get(reverse("architectures:diff", args=[self.architecture.pk]) + "?from=1&to=2")
        self.assertContains(r, REPLAY_LABEL)
        self.assertContains(r, "Events cannot be replayed as far back as needed")


class AnsweredEverythingTestCase(BaseTestCase):
    def test_a_revision_holding_every_answer_lists_nothing(self):
        architecture = make_architecture(self.team, self.alice, name="Approvals",
                                         answers={"trigger": "event", "client_waits": False, "steps": 3,
                                                  "long_waits": True, "wait_s": 604800})
        self.client.force_login(self.bob)
        r = self.client.get(reverse("architectures:revision", args=[architecture.pk, 1]))
        self.assertNotContains(r, "added since revision")


EVENT_ANSWERS = {"trigger": "event", "client_waits": False, "consumer_names": "billing,shipping"}


@pytest.fixture
def event_revision_saved_before_routing_was_asked(db, settings, tmp_path):
    """An event-bus revision saved before the questionnaire asked about content routing,
    which the bus's composition reads."""
    settings.MEDIA_ROOT = tmp_path
    alice = make_user("alice")
    architecture = make_architecture(create_team(alice, "Platform"), alice, name="Orders", answers=EVENT_ANSWERS,
                                     patterns=["eventbridge"])
    revision = architecture.latest
    old = {key: value for key, value in revision.answers.items() if key != "content_routing"}
    Revision.objects.filter(pk=revision.pk).update(answers=old)
    revision.refresh_from_db()
    return alice, revision


@pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")
def test_a_revision_saved_before_a_question_is_still_drawn(client, event_revision_saved_before_routing_was_asked):
    alice, revision = event_revision_saved_before_routing_was_asked
    client.force_login(alice)
    r = client.get(reverse("architectures:diagram", args=[revision.architecture_id, revision.number]))
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    assert b"billing" in r.content.lower()


def test_a_revision_saved_before_a_question_still_generates(event_revision_saved_before_routing_was_asked):
    _, revision = event_revision_saved_before_routing_was_asked
    job = GenerationJob.objects.create(revision=revision, options=job_actions.clean_options(revision), options_key="k")
    assert job_actions.execute(job.pk).state == "done"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
