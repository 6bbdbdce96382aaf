from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import BaseTestCase
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


class CostLinesTestCase(BaseTestCase):
    def test_each_cost_line_carries_its_arithmetic_and_the_region_is_stated(self):
        r = APIClient().post(URL, {"trigger": "queue", "client_waits": False, "free_tier": True}, format="json")
        cost = r.json()["cost"]
        self.assertEqual(cost["region"], "us-east-1")
        self.assertTrue(cost["free_tier"])
        for line in cost["lines"]:
            self.assertLessEqual({"service", "usd", "basis", "component", "quantity", "unit", "unit_usd",
                                  "assumption"}, set(line))
            self.assertAlmostEqual(line["usd"], round(line["quantity"] * line["unit_usd"], 2), places=2)
        self.assertIn("WorkQueue", {line["component"] for line in cost["lines"]})

    def test_the_new_answers_are_checked_like_the_others(self):
        r = APIClient().post(URL, {"read_percent": 120, "api_type": "grpc", "item_kb": 0}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(set(r.json()["answers"]), {"read_percent", "api_type", "item_kb"})
