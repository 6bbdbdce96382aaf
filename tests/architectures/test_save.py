import json
import re

from django.urls import reverse

from advisor.architectures.changes import Difference
from advisor.architectures.models import Architecture, Revision
from advisor.teams.models import Team
from tests.factories import QUEUE_ANSWERS, BaseTestCase
from patterns.store import current_engine


class SaveTestCase(BaseTestCase):
    url = reverse("architectures:save")

    def setUp(self):
        super().setUp()
        self.client.force_login(self.bob)

    def post(self, **overrides):
        data = {"step": "save", "answers": json.dumps(QUEUE_ANSWERS), "team": self.team.pk, "name": "Invoices",
                "description": "Monthly invoices", "choice": "recommended"}
        data.update(overrides)
        return self.client.post(self.url, data)

    def test_it_shows_the_form_from_query_string_answers(self):
        r = self.client.get(self.url, {"trigger": "queue", "client_waits": "false", "team": self.team.pk})
        self.assertContains(r, "Save this architecture to a team")
        self.assertContains(r, "Lambda + SQS worker")  # the proposal is shown
        answers = json.loads(r.context["answers_json"])
        self.assertEqual(answers["trigger"], "queue")
        self.assertIs(answers["client_waits"], False)

    def test_a_post_without_the_save_step_only_fills_the_form(self):
        r = self.client.post(self.url, {"answers": json.dumps(QUEUE_ANSWERS)})
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "This field is required")
        self.assertEqual(Architecture.objects.count(), 1)

    def test_it_saves_with_the_recommended_patterns(self):
        r = self.post()
        architecture = Architecture.objects.get(name="Invoices")
        self.assertRedirects(r, reverse("architectures:detail", args=[architecture.pk]))
        revision = architecture.latest
        expected = current_engine().recommend(QUEUE_ANSWERS)
        self.assertEqual(revision.number, 1)
        self.assertEqual(revision.author, self.bob)
        self.assertTrue(revision.follows_recommendation)
        self.assertEqual(revision.patterns, list(expected.selected))
        self.assertEqual(revision.recommendation, expected.to_dict())
        self.assertEqual(revision.rules_version, current_engine().version)
        self.assertEqual(revision.answers, current_engine().validate(QUEUE_ANSWERS))

    def test_it_saves_a_hand_picked_set(self):
        self.post(choice="own", patterns=["chaining", "rds"])
        revision = Architecture.objects.get(name="Invoices").latest
        self.assertFalse(revision.follows_recommendation)
        self.assertEqual(revision.patterns, ["chaining", "rds"])
        self.assertEqual(revision.recommendation["selected"], ["chaining", "rds"])

    def test_the_page_shows_what_a_hand_picked_set_gives_up(self):
        saga = {"trigger": "event", "client_waits": False, "steps": 4, "compensation": True}
        r = self.client.get(self.url, {"answers": json.dumps(saga), "choice": "own", "patterns": ["orchestrator"]},
                            headers={"HX-Request": "true"})
        self.assertNotContains(r, "<html")
        self.assertContains(r, "Compared with the proposal")
        self.assertContains(r, "The orchestrator grows into a distributed monolith on Lambda orchestrator (medium)")  # a risk that now applies
        given_up = dict(r.context["gave_up"])["Patterns in the architecture"]
        self.assertIn(Difference("Patterns in the architecture", "removed", "Lambda + Step Functions"), given_up)

    def test_the_own_set_starts_from_the_proposal(self):
        r = self.client.get(self.url, {"answers": json.dumps(QUEUE_ANSWERS)})
        proposed = list(current_engine().recommend(QUEUE_ANSWERS).selected)
        self.assertTrue(proposed)
        self.assertEqual(r.context["form"]["patterns"].value(), proposed)
        ticked = re.findall(r'<input type="checkbox" name="patterns" value="([a-z0-9-]+)"[^>]* checked>', r.content.decode())
        self.assertCountEqual(ticked, proposed)

    def test_the_preview_follows_the_ticks_without_a_name(self):
        r = self.client.get(self.url, {"answers": json.dumps(QUEUE_ANSWERS), "choice": "own",
                                       "patterns": ["sqs-worker", "rds"]}, headers={"HX-Request": "true"})
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "<html")
        self.assertNotContains(r, "This field is required")
        self.assertContains(r, "You chose Lambda + SQS worker, Lambda + RDS")
        self.assertEqual(r.context["evaluated"].patterns, ("sqs-worker", "rds"))

    def test_saving_without_a_name_is_refused_with_the_preview_kept(self):
        r = self.post(name="", choice="own", patterns=["sqs-worker", "rds"])
        self.assertContains(r, "This field is required", status_code=400)
        self.assertContains(r, "You chose Lambda + SQS worker, Lambda + RDS", status_code=400)
        self.assertFalse(Architecture.objects.filter(name="").exists())
        self.assertEqual(Architecture.objects.count(), 1)

    def test_without_javascript_the_preview_button_shows_the_choice_without_saving(self):
        r = self.post(preview="yes", choice="own", patterns=["sqs-worker", "rds"])
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "This field is required")
        self.assertContains(r, "You chose Lambda + SQS worker, Lambda + RDS")
        self.assertEqual(r.context["form"]["patterns"].value(), ["sqs-worker", "rds"])
        self.assertEqual(r.context["form"]["name"].value(), "Invoices")  # what was typed stays
        self.assertFalse(Architecture.objects.filter(name="Invoices").exists())

    def test_own_choice_without_patterns_is_refused(self):
        r = self.post(choice="own")
        self.assertContains(r, "Choose at least one pattern", status_code=400)
        self.assertFalse(Architecture.objects.filter(name="Invoices").exists())

    def test_an_unknown_pattern_is_refused(self):
        r = self.post(choice="own", patterns=["mainframe"])
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Revision.objects.filter(architecture__name="Invoices").exists())

    def test_bad_answers_get_per_key_messages_and_a_400(self):
        r = self.client.get(self.url, {"answers": json.dumps({"latency_ms": 0, "colour": "blue"})})
        self.assertContains(r, "Response time the caller accepts (p99): must be between 1 and 3,600,000", status_code=400)
        self.assertContains(r, "colour: unknown answer key", status_code=400)

    def test_bad_query_string_answers_get_a_400(self):
        r = self.client.get(self.url, {"trigger": "carrier-pigeon"})
        self.assertContains(r, "What starts one unit of work?", status_code=400)

    def test_answers_that_are_not_json_get_a_400(self):
        for text in ("{", "[" * 50000, "x" * 70000):
            with self.subTest(text=text[:10]):
                r = self.client.post(self.url, {"answers": text})
                self.assertEqual(r.status_code, 400)

    def test_a_duplicate_name_in_the_team_is_refused(self):
        r = self.post(name="order PIPELINE")
        self.assertContains(r, "already has an architecture called", status_code=400)
        self.assertEqual(Architecture.objects.count(), 1)

    def test_the_same_name_in_another_team_is_fine(self):
        personal = Team.objects.get(personal=True, memberships__user=self.bob)
        self.post(name="Order pipeline", team=personal.pk)
        self.assertTrue(Architecture.objects.filter(team=personal, name="Order pipeline").exists())

    def test_a_viewer_cannot_save_into_the_team(self):
        self.client.force_login(self.victor)
        r = self.post()
        self.assertContains(r, "Select a valid choice", status_code=400)
        self.assertFalse(Architecture.objects.filter(name="Invoices").exists())

    def test_an_outsider_cannot_save_into_the_team(self):
        self.client.force_login(self.charlie)
        r = self.post()
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Architecture.objects.filter(name="Invoices").exists())

    def test_text_with_nul_characters_is_refused(self):
        r = self.post(name="In\x00voices")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(Architecture.objects.count(), 1)

    def test_anonymous_users_are_sent_to_log_in_and_back(self):
        self.client.logout()
        r = self.client.get(self.url, {"trigger": "queue"})
        self.assertRedirects(r, reverse("login") + "?next=" + "/architectures/save%3Ftrigger%3Dqueue",
                             fetch_redirect_response=False)
