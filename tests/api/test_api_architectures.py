from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from advisor.architectures.models import Architecture
from advisor.teams.models import Team
from tests.factories import QUEUE_ANSWERS, BaseTestCase
from patterns.store import current_engine

LIST = reverse("api:architectures")


def detail(pk):
    return reverse("api:architecture", args=[pk])


class ApiTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=self.bob).key}")


class ArchitectureListTestCase(ApiTestCase):
    def test_it_lists_my_teams_architectures(self):
        charlies = Team.objects.get(personal=True, memberships__user=self.charlie)
        Architecture.objects.create(team=charlies, name="Hidden")
        r = self.api.get(LIST)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["count"], 1)
        item = body["results"][0]
        self.assertEqual((item["id"], item["team"], item["name"]), (self.architecture.pk, self.team.pk, "Order pipeline"))
        self.assertEqual(item["latest"]["number"], 1)
        self.assertNotIn("answers", item["latest"])

    def test_it_filters_and_searches(self):
        self.assertEqual(self.api.get(LIST, {"search": "pipe"}).json()["count"], 1)
        self.assertEqual(self.api.get(LIST, {"search": "nothing"}).json()["count"], 0)
        self.assertEqual(self.api.get(LIST, {"team": self.team.pk}).json()["count"], 1)

    def test_bad_filters(self):
        charlies = Team.objects.get(personal=True, memberships__user=self.charlie)
        self.assertEqual(self.api.get(LIST, {"team": charlies.pk}).status_code, 404)
        self.assertEqual(self.api.get(LIST, {"team": "x"}).status_code, 400)
        self.assertEqual(self.api.get(LIST, {"search": "a\x00b"}).status_code, 400)

    def test_anonymous_is_refused(self):
        self.assertEqual(APIClient().get(LIST).status_code, 403)

    def test_my_teams(self):
        r = self.api.get(reverse("api:teams"))
        names = {(t["name"], t["role"]) for t in r.json()["results"]}
        self.assertEqual(names, {("Platform", "editor"), ("bob (personal)", "owner")})


class ArchitectureCreateTestCase(ApiTestCase):
    def test_it_creates_an_architecture_with_its_first_revision(self):
        r = self.api.post(LIST, {"team": self.team.pk, "name": "Invoices", "answers": QUEUE_ANSWERS,
                                 "patterns": ["sqs-worker", "rds"]}, format="json")
        self.assertEqual(r.status_code, 201)
        architecture = Architecture.objects.get(name="Invoices")
        self.assertEqual(r.json()["id"], architecture.pk)
        self.assertEqual(r.json()["latest"]["recommendation"]["selected"], ["sqs-worker", "rds"])
        self.assertEqual(architecture.latest.author, self.bob)
        self.assertFalse(architecture.latest.follows_recommendation)

    def test_bad_answers_are_a_400_with_per_key_messages_and_nothing_saved(self):
        r = self.api.post(LIST, {"team": self.team.pk, "name": "Invoices", "answers": {"memory_mb": 1}}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json(), {"answers": {"memory_mb": "must be between 128 and 10,240 MB; got 1"}})
        self.assertFalse(Architecture.objects.filter(name="Invoices").exists())

    def test_a_duplicate_name_is_a_400(self):
        r = self.api.post(LIST, {"team": self.team.pk, "name": "ORDER pipeline", "answers": {}}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("already has an architecture", r.json()["name"][0])

    def test_a_viewer_gets_403_and_an_outsider_404(self):
        for user, status in ((self.victor, 403), (self.charlie, 404)):
            with self.subTest(user=user.username):
                self.api.force_authenticate(user)
                r = self.api.post(LIST, {"team": self.team.pk, "name": "X", "answers": {}}, format="json")
                self.assertEqual(r.status_code, status)
        self.assertEqual(Architecture.objects.count(), 1)

    def test_missing_fields_are_named(self):
        r = self.api.post(LIST, {}, format="json")
        self.assertEqual(set(r.json()), {"team", "name", "answers"})


class ArchitectureDetailTestCase(ApiTestCase):
    def test_it_returns_the_latest_revision_in_full(self):
        body = self.api.get(detail(self.architecture.pk)).json()
        self.assertEqual(body["latest"]["answers"], self.revision.answers)
        self.assertEqual(body["latest"]["recommendation"], self.revision.recommendation)

    def test_patch_with_answers_adds_a_revision(self):
        r = self.api.patch(detail(self.architecture.pk), {"answers": {"trigger": "event"}, "note": "Now events"},
                           format="json")
        self.assertEqual(r.status_code, 200)
        self.architecture.refresh_from_db()
        self.assertEqual(self.architecture.latest.number, 2)
        self.assertEqual(self.architecture.latest.answers["trigger"], "event")
        self.assertEqual(r.json()["latest"]["note"], "Now events")

    def test_put_renames_without_a_revision(self):
        r = self.api.put(detail(self.architecture.pk), {"name": "Orders", "description": "d"}, format="json")
        self.assertEqual(r.status_code, 200)
        self.architecture.refresh_from_db()
        self.assertEqual((self.architecture.name, self.architecture.revisions.count()), ("Orders", 1))

    def test_put_needs_a_name(self):
        r = self.api.put(detail(self.architecture.pk), {}, format="json")
        self.assertEqual(r.status_code, 400)

    def test_delete(self):
        self.assertEqual(self.api.delete(detail(self.architecture.pk)).status_code, 204)
        self.assertFalse(Architecture.objects.filter(pk=self.architecture.pk).exists())

    def test_viewer_cannot_change_it(self):
        self.api.force_authenticate(self.victor)
        r = self.api.patch(detail(self.architecture.pk), {"name": "Mine"}, format="json")
        self.assertEqual(r.status_code, 403)
        self.architecture.refresh_from_db()
        self.assertEqual(self.architecture.name, "Order pipeline")

    def test_huge_ids_are_404(self):
        self.assertEqual(self.api.get(f"/api/architectures/{2**70}/").status_code, 404)

    def test_today_reports_no_change_under_the_same_rules(self):
        body = self.api.get(reverse("api:today", args=[self.architecture.pk])).json()
        self.assertEqual(body["differs"], False)
        self.assertEqual(body["rules_changed"], False)
        self.assertEqual(body["recommendation"]["rules_version"], current_engine().version)


class RevisionsTestCase(ApiTestCase):
    def test_list_create_read_restore(self):
        url = reverse("api:revisions", args=[self.architecture.pk])
        r = self.api.post(url, {"answers": {"trigger": "schedule"}}, format="json")
        self.assertEqual((r.status_code, r.json()["number"]), (201, 2))
        self.assertEqual([rev["number"] for rev in self.api.get(url).json()["results"]], [2, 1])
        one = self.api.get(reverse("api:revision", args=[self.architecture.pk, 1])).json()
        self.assertEqual(one["answers"], self.revision.answers)
        r = self.api.post(reverse("api:restore", args=[self.architecture.pk, 1]))
        self.assertEqual((r.status_code, r.json()["number"], r.json()["note"]), (201, 3, "Restored from revision 1"))

    def test_a_revision_of_another_architecture_is_404(self):
        r = self.api.get(reverse("api:revision", args=[self.architecture.pk, 2]))
        self.assertEqual(r.status_code, 404)


class HugeIdTestCase(ApiTestCase):
    def test_an_id_too_large_for_the_database_is_not_found_rather_than_a_server_error(self):
        huge = "215581402996061750617062768640"
        for url in (f"/api/architectures/{huge}/", f"/api/architectures/{huge}/revisions/100/",
                    f"/architectures/{huge}/", f"/jobs/{huge}/", f"/teams/{huge}/",
                    f"/teams/{huge}/members/{huge}/role"):
            with self.subTest(url=url):
                self.assertEqual(self.api.get(url).status_code, 404)
