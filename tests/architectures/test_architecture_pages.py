import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from advisor.architectures.models import Architecture, Revision
from tests.factories import ArchitectureFactory, BaseTestCase
from patterns.models import Rule
from patterns.store import bump_version, current_engine


class DetailTestCase(BaseTestCase):
    def test_viewer_reads_it_without_edit_controls(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, "Order pipeline")
        self.assertContains(r, "You can read this architecture but not change it.")
        self.assertNotContains(r, reverse("architectures:edit", args=[self.architecture.pk]))
        self.assertContains(r, "Up to date with today")
        self.assertContains(r, "/questionnaire/?trigger=queue")

    def test_editor_sees_edit_controls(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, reverse("architectures:edit", args=[self.architecture.pk]))

    def test_outsider_gets_404(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(reverse("architectures:detail", args=[self.architecture.pk])).status_code, 404)


class RuleChangesTestCase(BaseTestCase):
    """Staff change a rule; saved work shows whether its advice changed and how."""

    def setUp(self):
        # The live engine is cached for a moment per process; an edit rolled back by an
        # earlier test must not leak into this one, so look at the rows again first.
        bump_version()
        super().setUp()

    def change_rules(self):
        for rule in Rule.objects.filter(warning_id="poison-message"):
            rule.enabled = False
            rule.save()

    def test_the_detail_page_shows_what_changed(self):
        saved_version = self.revision.rules_version
        self.change_rules()
        self.assertNotEqual(current_engine().version, saved_version)
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, "advice differs from the saved one")
        self.assertContains(r, "Unprocessable messages are retried over and over on Lambda + SQS worker (high)")
        self.assertNotContains(r, "Save again with today")  # viewers cannot

    def test_the_list_flags_architectures_saved_under_older_rules(self):
        self.client.force_login(self.victor)
        self.assertNotContains(self.client.get(reverse("architectures:list")), "rules updated")
        self.change_rules()
        self.assertContains(self.client.get(reverse("architectures:list")), "rules updated")

    def test_saving_again_takes_todays_advice(self):
        self.change_rules()
        self.client.force_login(self.bob)
        self.client.post(reverse("architectures:restore", args=[self.architecture.pk, 1]))
        self.architecture.refresh_from_db()
        self.assertEqual(self.architecture.latest.number, 2)
        self.assertEqual(self.architecture.latest.rules_version, current_engine().version)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, "Up to date with today")

    def test_answers_that_no_longer_pass_are_explained(self):
        Revision.objects.filter(pk=self.revision.pk).update(answers={**self.revision.answers, "retired_key": 1})
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, "retired_key: unknown answer key")


class EditTestCase(BaseTestCase):
    """Editing goes through the questionnaire: its answers and live panel, then a revision."""

    def setUp(self):
        super().setUp()
        self.url = reverse("architectures:edit", args=[self.architecture.pk])
        self.revise_url = reverse("architectures:revise", args=[self.architecture.pk])
        self.client.force_login(self.bob)

    def form(self, answers=None, **overrides):
        data = {"step": "save", "answers": json.dumps(answers or self.revision.answers), "name": "Order pipeline",
                "description": "", "choice": "recommended", "note": ""}
        return {**data, **overrides}

    def test_it_opens_the_questionnaire_with_the_saved_answers(self):
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Edit Order pipeline</h1>", html=True)
        self.assertEqual(r.context["submission"].answers, self.revision.answers)
        self.assertContains(r, 'value="queue" id="id_trigger_1" checked')
        # The panel's save leads to a new revision of this architecture, not a new one.
        self.assertContains(r, "Save as revision 2 of Order pipeline")
        self.assertContains(r, f'href="{self.revise_url}?')
        self.assertNotContains(r, reverse("architectures:save"))

    def test_live_updates_stay_on_the_architecture(self):
        r = self.client.post(self.url, {"trigger": "queue", "client_waits": "false", "duration_s": "1200"},
                             headers={"HX-Request": "true"})
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "<html")
        self.assertTrue(r["HX-Replace-Url"].startswith(self.url + "?"))
        self.assertContains(r, f"{self.revise_url}?trigger=queue&amp;duration_s=1200")

    def test_the_first_change_to_the_saved_answers_says_what_it_changed(self):
        # The edit page opens on the saved answers with none in its address; the first live
        # update compares with those answers instead of inviting a change just made.
        changed = {"trigger": "queue", "client_waits": "false", "duration_s": "1200", "unreliable_downstream": "true"}
        r = self.client.post(self.url, changed, headers={"HX-Request": "true",
                                                        "HX-Current-URL": f"http://testserver{self.url}"})
        self.assertNotContains(r, "Change an answer to see what it changes.")
        self.assertContains(r, "Lambda maximum function timeout (1,200 s; AWS allows 900 s)")
        same = {"trigger": "queue", "client_waits": "false", "duration_s": "30", "unreliable_downstream": "true"}
        r = self.client.post(self.url, same, headers={"HX-Request": "true",
                                                     "HX-Current-URL": f"http://testserver{self.url}"})
        self.assertContains(r, "Nothing here changed with your last answer.")

    def test_a_plain_post_lands_on_the_edit_url(self):
        r = self.client.post(self.url, {"trigger": "http", "client_waits": "false"})
        self.assertRedirects(r, self.url + "?client_waits=false#recommendation",
                             fetch_redirect_response=False)

    def test_answers_all_at_their_defaults_stay_so_on_reload(self):
        r = self.client.post(self.url, {"trigger": "http"}, headers={"HX-Request": "true"})
        self.assertEqual(r["HX-Replace-Url"], self.url + "?defaults=all")
        page = self.client.get(r["HX-Replace-Url"])
        self.assertEqual(page.context["submission"].changed, {})

    def test_an_answers_file_is_imported_into_the_architecture(self):
        upload = SimpleUploadedFile("answers.json", json.dumps({"trigger": "event", "consumers": 3}).encode())
        r = self.client.post(self.url, {"import": "answers", "answers_file": upload})
        self.assertRedirects(r, self.url + "?trigger=event&consumers=3#recommendation",
                             fetch_redirect_response=False)
        self.assertEqual(self.architecture.revisions.count(), 1)

    def test_a_bad_answers_file_is_explained_on_the_edit_page(self):
        upload = SimpleUploadedFile("answers.json", b'{"memory_mb": 64}')
        r = self.client.post(self.url + "?trigger=queue", {"import": "answers", "answers_file": upload})
        self.assertContains(r, "Lambda memory: must be between 128 and 10,240", status_code=400)
        self.assertContains(r, "Save as revision 2 of Order pipeline", status_code=400)

    def test_the_save_page_is_prefilled(self):
        r = self.client.get(self.revise_url + "?trigger=queue&client_waits=false&duration_s=1200")
        self.assertContains(r, "Save revision 2 of Order pipeline")
        self.assertEqual(r.context["form"]["name"].value(), "Order pipeline")
        self.assertEqual(json.loads(r.context["answers_json"])["duration_s"], 1200)

    def test_saving_adds_a_revision_with_the_note(self):
        answers = {**self.revision.answers, "duration_s": 1200, "max_duration_s": 1200}
        r = self.client.post(self.revise_url, self.form(answers, note="Jobs got longer"))
        self.assertRedirects(r, reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertEqual(Architecture.objects.count(), 1)
        self.architecture.refresh_from_db()
        latest = self.architecture.latest
        self.assertEqual((latest.number, latest.author, latest.note), (2, self.bob, "Jobs got longer"))
        self.assertEqual(latest.answers["duration_s"], 1200)
        diff = self.client.get(reverse("architectures:diff", args=[self.architecture.pk]))
        self.assertContains(diff, "Typical processing time of one unit of work: 30 s → 1,200 s")

    def test_renaming_alone_adds_no_revision(self):
        self.client.post(self.revise_url, self.form(name="Orders v2"))
        self.architecture.refresh_from_db()
        self.assertEqual(self.architecture.name, "Orders v2")
        self.assertEqual(self.architecture.revisions.count(), 1)

    def test_the_own_set_starts_from_the_proposal_for_the_new_answers(self):
        r = self.client.get(self.revise_url + "?trigger=event&client_waits=false&consumers=3")
        proposed = list(current_engine().recommend(json.loads(r.context["answers_json"])).selected)
        self.assertNotEqual(proposed, list(self.revision.patterns))
        self.assertEqual(r.context["form"]["choice"].value(), "recommended")
        self.assertEqual(r.context["form"]["patterns"].value(), proposed)

    def test_a_hand_picked_set_stays_hand_picked(self):
        self.client.post(self.revise_url, self.form(choice="own", patterns=["sqs-worker", "rds"]))
        r = self.client.get(self.revise_url + "?trigger=queue")
        self.assertEqual(r.context["form"]["choice"].value(), "own")
        self.assertEqual(r.context["form"]["patterns"].value(), ["sqs-worker", "rds"])

    def test_bad_answers_are_refused_naming_the_question(self):
        answers = {**self.revision.answers, "memory_mb": 64}
        r = self.client.post(self.revise_url, self.form(answers, name="Renamed"))
        self.assertContains(r, "Lambda memory: must be between 128 and 10,240", status_code=400)
        self.architecture.refresh_from_db()
        self.assertEqual(self.architecture.name, "Order pipeline")
        self.assertEqual(self.architecture.revisions.count(), 1)

    def test_a_name_used_in_the_team_is_refused(self):
        ArchitectureFactory(team=self.team, created_by=self.alice, name="Billing")
        r = self.client.post(self.revise_url, self.form(name="billing"))
        self.assertContains(r, "already has an architecture called", status_code=400)
        self.architecture.refresh_from_db()
        self.assertEqual(self.architecture.name, "Order pipeline")

    def test_the_raw_json_edit_form_is_gone(self):
        r = self.client.get(self.url)
        self.assertNotContains(r, "Answers (JSON)")
        self.assertNotContains(r, 'name="answers_json"')

    def test_viewer_gets_403_and_nothing_changes(self):
        self.client.force_login(self.victor)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.get(self.revise_url).status_code, 403)
        r = self.client.post(self.revise_url, self.form(name="Hijacked"))
        self.assertEqual(r.status_code, 403)
        self.architecture.refresh_from_db()
        self.assertEqual(self.architecture.name, "Order pipeline")
        detail = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertNotContains(detail, self.url)
        self.assertContains(detail, "Try these answers in the questionnaire")


class DeleteTestCase(BaseTestCase):
    def test_editor_deletes_with_confirmation(self):
        self.client.force_login(self.bob)
        r = self.client.post(reverse("architectures:delete", args=[self.architecture.pk]), {"confirm": "yes"})
        self.assertRedirects(r, reverse("architectures:list") + f"?team={self.team.pk}")
        self.assertFalse(Architecture.objects.filter(pk=self.architecture.pk).exists())
        self.assertFalse(Revision.objects.filter(architecture_id=self.architecture.pk).exists())

    def test_it_needs_the_confirmation(self):
        self.client.force_login(self.bob)
        r = self.client.post(reverse("architectures:delete", args=[self.architecture.pk]))
        self.assertEqual(r.status_code, 400)
        self.assertTrue(Architecture.objects.filter(pk=self.architecture.pk).exists())


class RevisionsTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.alice)
        self.client.post(reverse("architectures:revise", args=[self.architecture.pk]), {
            "step": "save", "name": "Order pipeline", "answers": json.dumps({**self.revision.answers, "payload_kb": 2048}),
            "choice": "own", "patterns": ["sqs-worker", "rds"]})
        self.architecture.refresh_from_db()

    def test_the_history_lists_every_revision(self):
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertEqual([rev.number for rev in r.context["revisions"]], [2, 1])

    def test_a_revision_page_shows_its_answers(self):
        r = self.client.get(reverse("architectures:revision", args=[self.architecture.pk, 1]))
        self.assertContains(r, "Revision 1")
        self.assertContains(r, "<th scope=\"row\">Size of one request or message</th><td>4 KB</td>", html=True)

    def test_the_diff_is_readable(self):
        r = self.client.get(reverse("architectures:diff", args=[self.architecture.pk]), {"from": 1, "to": 2})
        self.assertContains(r, "Size of one request or message: 4 KB → 2,048 KB")
        self.assertContains(r, "Lambda + RDS")
        self.assertContains(r, "SQS maximum message size: 2,048 KB against a limit of 1,024 KB")

    def test_the_diff_defaults_to_the_last_two(self):
        r = self.client.get(reverse("architectures:diff", args=[self.architecture.pk]))
        self.assertEqual((r.context["before"].number, r.context["after"].number), (1, 2))

    def test_the_diff_answers_htmx_with_the_fragment(self):
        r = self.client.get(reverse("architectures:diff", args=[self.architecture.pk]), {"from": 2, "to": 1},
                            headers={"HX-Request": "true"})
        self.assertNotContains(r, "<html")
        self.assertContains(r, "Size of one request or message: 2,048 KB → 4 KB")

    def test_bad_revision_numbers_are_a_400(self):
        url = reverse("architectures:diff", args=[self.architecture.pk])
        self.assertContains(self.client.get(url, {"from": "x"}), "from must be a whole number", status_code=400)
        self.assertContains(self.client.get(url, {"from": 1, "to": 9}), "has no revision 9", status_code=400)
        self.assertEqual(self.client.get(url, {"from": "²"}).status_code, 400)

    def test_restore_adds_a_revision_with_the_old_answers(self):
        r = self.client.post(reverse("architectures:restore", args=[self.architecture.pk, 1]))
        self.assertRedirects(r, reverse("architectures:detail", args=[self.architecture.pk]))
        self.architecture.refresh_from_db()
        latest = self.architecture.latest
        self.assertEqual(latest.number, 3)
        self.assertEqual(latest.answers, self.revision.answers)
        self.assertTrue(latest.follows_recommendation)
        self.assertEqual(latest.note, "Restored from revision 1")

    def test_viewer_cannot_restore(self):
        self.client.force_login(self.victor)
        r = self.client.post(reverse("architectures:restore", args=[self.architecture.pk, 1]))
        self.assertEqual(r.status_code, 403)
        self.assertEqual(self.architecture.revisions.count(), 2)

    def test_a_revision_that_no_longer_validates_is_not_restored(self):
        Revision.objects.filter(architecture=self.architecture, number=1).update(answers={"trigger": "telegram"})
        r = self.client.post(reverse("architectures:restore", args=[self.architecture.pk, 1]))
        self.assertContains(r, "cannot be restored", status_code=400)
        self.assertEqual(self.architecture.revisions.count(), 2)


class CostByComponentTestCase(BaseTestCase):
    def test_the_detail_page_shows_each_components_cost_with_its_arithmetic(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, "Cost by component")
        self.assertContains(r, "us-east-1 prices")
        for line in self.revision.recommendation["cost"]["lines"]:
            self.assertContains(r, line["component_name"])
            self.assertContains(r, escape(line["assumption"]))  # "the month's average", as HTML

    def test_a_revision_saved_before_the_arithmetic_still_shows_its_cost(self):
        recommendation = dict(self.revision.recommendation)
        recommendation["cost"] = {"monthly_usd": 8.55, "lines": [
            {"service": "Lambda", "usd": 6.67, "basis": "500.0k GB-s at 512 MB on arm64"},
            {"service": "SQS", "usd": 1.88, "basis": "4.7M requests (send, receive, delete per 64 KB)"}]}
        Revision.objects.filter(pk=self.revision.pk).update(recommendation=recommendation)
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, "$8.55")
        self.assertContains(r, "500.0k GB-s at 512 MB on arm64")
        self.assertContains(r, '<th scope="row">SQS</th>', html=False)
        api = self.client.get(reverse("api:architecture", args=[self.architecture.pk]))
        self.assertEqual(api.status_code, 200)
        self.assertEqual(api.json()["latest"]["recommendation"]["cost"]["monthly_usd"], 8.55)
