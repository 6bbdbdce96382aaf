"""Alternatives to Lambda through the REST API: evaluated, saved in revisions, and absent from
revisions saved before they were advised."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import BaseTestCase

NIGHTLY_ETL = {"trigger": "schedule", "client_waits": False, "duration_s": 2400, "max_duration_s": 3000}


class AlternativesApiTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=self.bob).key}")

    def test_recommend_says_lambda_does_not_fit_and_what_to_use(self):
        body = self.api.post(reverse("api:recommend"), NIGHTLY_ETL, format="json").json()
        self.assertIs(body["fits_lambda"], False)
        first = body["alternatives"][0]
        self.assertEqual((first["id"], first["fits_lambda"]), ("fargate-task", False))
        self.assertIn("max_duration_s=3000", first["message"])

    def test_a_saved_revision_carries_its_alternatives(self):
        url = reverse("api:revisions", args=[self.architecture.pk])
        created = self.api.post(url, {"answers": NIGHTLY_ETL}, format="json").json()
        revision = self.api.get(reverse("api:revision", args=[self.architecture.pk, created["number"]])).json()
        self.assertIs(revision["recommendation"]["fits_lambda"], False)
        self.assertIn("fargate-task", [a["id"] for a in revision["recommendation"]["alternatives"]])
        self.assertEqual(set(revision["recommendation"]["alternatives"][0]),
                         {"id", "title", "message", "replaces", "fits_lambda"})

    def test_a_revision_saved_before_alternatives_reads_as_lambda_fitting(self):
        stored = {k: v for k, v in self.revision.recommendation.items() if k not in ("fits_lambda", "alternatives")}
        self.revision.recommendation = stored
        self.revision.save(update_fields=["recommendation"])
        revision = self.api.get(reverse("api:revision", args=[self.architecture.pk, self.revision.number])).json()
        self.assertIs(revision["recommendation"]["fits_lambda"], True)
        self.assertEqual(revision["recommendation"]["alternatives"], [])
