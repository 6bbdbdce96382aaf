from django.urls import reverse
from rest_framework.test import APIClient

from advisor.teams.testing import BaseTestCase
from patterns.store import current_engine

URL = reverse("api:recommend")


class RecommendTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.api = APIClient()

    def test_it_returns_the_recommendation_json(self):
        r = self.api.post(URL, {"trigger": "queue", "client_waits": False}, format="json")
        self.assertEqual(r.status_code, 200)
        expected = current_engine().recommend({"trigger": "queue", "client_waits": False}).to_dict()
        self.assertEqual(r.json(), expected)
        self.assertEqual(set(r.json()), {"fits_lambda", "alternatives", "recommendations", "selected", "warnings",
                                         "limits", "checklist", "cost", "rules_version", "architecture"})

    def test_it_evaluates_a_chosen_set(self):
        r = self.api.post(URL + "?patterns=rds,chaining", {"trigger": "queue"}, format="json")
        self.assertEqual(r.json()["selected"], ["rds", "chaining"])

    def test_bad_answers_get_the_same_messages_as_the_forms(self):
        r = self.api.post(URL, {"latency_ms": 0, "trigger": "pigeon", "colour": "blue"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json(), {"answers": {
            "colour": "unknown answer key",
            "latency_ms": "must be between 1 and 3,600,000 ms; got 0",
            "trigger": "must be one of http, queue, event, file_upload, data_change, schedule; got 'pigeon'",
        }})

    def test_a_body_that_is_not_an_object_is_a_400(self):
        r = self.api.post(URL, [1, 2], format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("answers must be a JSON object", r.json()["answers"][""])

    def test_broken_and_deeply_nested_json_are_400(self):
        for body in ("{", "[" * 100000):
            with self.subTest(body=body[:5]):
                r = self.api.generic("POST", URL, body, content_type="application/json")
                self.assertEqual(r.status_code, 400)

    def test_unknown_patterns_are_a_400(self):
        r = self.api.post(URL + "?patterns=mainframe", {}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("is not a pattern", r.json()["patterns"][0])

    def test_other_content_types_are_refused(self):
        r = self.api.post(URL, {"trigger": "queue"})  # multipart
        self.assertEqual(r.status_code, 415)
