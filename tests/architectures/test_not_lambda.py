"""When the core of the work does not belong in Lambda, every page that shows a saved
recommendation says so, and the cost says that it prices the core in Lambda while the
options that would run it instead are not in the total."""

from __future__ import annotations

from django.urls import reverse

from advisor.architectures.models import ShareLink
from patterns.store import current_engine
from tests.factories import BaseTestCase, make_architecture

# A 20-minute transcode of each uploaded file.
TRANSCODE = {"trigger": "file_upload", "client_waits": False, "duration_s": 1200}
CAVEAT = "The total prices the core work in Lambda, as the proposed patterns would run it"


class NotLambdaTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.transcode = make_architecture(self.team, self.bob, name="Transcode uploads", answers=TRANSCODE)
        recommendation = current_engine().recommend(TRANSCODE)
        self.assertFalse(recommendation.fits_lambda)
        self.instead = [hit.title for hit in recommendation.alternatives if not hit.fits_lambda]
        self.assertTrue(self.instead)

    def assert_says_lambda_is_not_the_answer(self, response):
        self.assertContains(response, "Where Lambda is not the answer")
        for title in self.instead:
            self.assertContains(response, title)
        self.assertContains(response, CAVEAT)
        page = response.content.decode()
        self.assertLess(page.index(self.instead[-1]), page.index(CAVEAT))  # the caveat points "above"

    def test_the_architecture_page_says_it(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.transcode.pk]))
        self.assert_says_lambda_is_not_the_answer(r)

    def test_the_revision_page_and_the_save_page_say_it(self):
        self.client.force_login(self.bob)
        self.assert_says_lambda_is_not_the_answer(
            self.client.get(reverse("architectures:revision", args=[self.transcode.pk, 1])))
        self.assert_says_lambda_is_not_the_answer(
            self.client.get(reverse("architectures:save"), {"trigger": "file_upload", "client_waits": "false",
                                                             "duration_s": "1200"}))

    def test_a_read_only_link_says_it(self):
        self.client.force_login(self.bob)
        self.client.post(reverse("architectures:share", args=[self.transcode.pk, 1]), {"expires": ""})
        self.client.logout()
        link = ShareLink.objects.get(revision__architecture=self.transcode)
        self.assert_says_lambda_is_not_the_answer(self.client.get(reverse("architectures:shared", args=[link.token])))

    def test_the_recommendation_page_and_the_markdown_put_the_caveat_with_the_cost(self):
        query = {"trigger": "file_upload", "client_waits": "false", "duration_s": "1200"}
        page = self.client.get(reverse("questionnaire:recommendation"), query).content.decode()
        self.assertIn(CAVEAT, page)
        self.assertLess(page.index("Monthly cost"), page.index(CAVEAT))
        self.assertLess(page.index(CAVEAT), page.index("Total per month"))
        markdown = self.client.get(reverse("questionnaire:recommendation_markdown"), query).content.decode()
        cost = markdown[markdown.index("## Monthly cost"):]
        self.assertIn(CAVEAT, cost[:cost.index("| Component")])
        self.assertLess(markdown.index(self.instead[0]), markdown.index(CAVEAT))  # "suggested above"

    def test_a_workload_lambda_fits_has_no_caveat(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertNotContains(r, CAVEAT)
        self.assertNotContains(r, "Where Lambda is not the answer")
