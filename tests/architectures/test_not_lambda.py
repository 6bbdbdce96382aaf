"""When the core of the work does not belong in Lambda, every page that shows a saved
recommendation says so, and the cost says that it prices the core in Lambda while the
options that would run it instead are not in the total."""

from __future__ import annotations

from unittest import skipUnless

from django.urls import reverse

import generator

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

    def test_the_caveat_points_to_the_fargate_price_beside_the_total(self):
        query = {"trigger": "file_upload", "client_waits": "false", "duration_s": "1200"}
        page = self.client.get(reverse("questionnaire:recommendation"), query).content.decode()
        self.assertIn("The same work as Fargate tasks is priced under the other options", page)
        options = page[page.index("Other options, not in the total"):]
        self.assertIn("Fargate instead: ", options)
        self.assertIn("vCPU-hours", options)

    def test_a_workload_lambda_fits_has_no_caveat(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertNotContains(r, CAVEAT)
        self.assertNotContains(r, "Where Lambda is not the answer")


class AnswersThatApplyTestCase(BaseTestCase):
    """A saved revision lists the answers the questionnaire asked for; the defaults kept for
    questions those answers leave out are not shown as if they had been chosen."""

    def setUp(self):
        super().setUp()
        self.transcode = make_architecture(self.team, self.bob, name="Transcode uploads", answers=TRANSCODE)

    def answers_table(self, response) -> str:
        page = response.content.decode()
        start = page.index("<h2>Answers</h2>")
        return page[start:page.index("</table>", start)]

    def test_the_revision_page_and_a_read_only_link_leave_out_questions_that_do_not_apply(self):
        self.client.force_login(self.bob)
        pages = [self.client.get(reverse("architectures:revision", args=[self.transcode.pk, 1]))]
        self.client.post(reverse("architectures:share", args=[self.transcode.pk, 1]), {"expires": ""})
        self.client.logout()
        link = ShareLink.objects.get(revision__architecture=self.transcode)
        pages.append(self.client.get(reverse("architectures:shared", args=[link.token])))
        for response in pages:
            table = self.answers_table(response)
            self.assertIn("A file arriving in storage", table)
            self.assertIn("Typical processing time of one unit of work", table)
            # Nobody waits, it is not an HTTP API, and there is no database.
            for question in ("Response time the caller accepts (p99)", "Which kind of API?",
                             "Connections the database accepts", "What are the consumers called?"):
                self.assertNotIn(question, table)

    def test_the_markdown_lists_the_same_answers(self):
        self.client.force_login(self.bob)
        markdown = self.client.get(reverse("architectures:export_markdown", args=[self.transcode.pk, 1])).content.decode()
        answers = markdown[markdown.index("## Answers"):]
        self.assertIn("A file arriving in storage", answers)
        self.assertNotIn("Response time the caller accepts", answers)

    def test_compare_says_which_answers_do_not_apply_to_which(self):
        waiting = make_architecture(self.team, self.bob, name="Transcode while the caller waits",
                                    answers={**TRANSCODE, "trigger": "http", "client_waits": True, "latency_ms": 2000})
        self.client.force_login(self.bob)
        r = self.client.get(reverse("architectures:compare"), {"ids": [self.transcode.pk, waiting.pk]})
        rows = {row.label: row.cells for section in r.context["sections"] if section.title == "Answers that differ"
                for row in section.rows}
        self.assertEqual(rows["Response time the caller accepts (p99)"], ("does not apply", "2,000 ms"))


class StoredAlternativesTestCase(BaseTestCase):
    def test_a_saved_alternative_names_its_answers_as_the_questionnaire_does(self):
        transcode = make_architecture(self.team, self.bob, name="Transcode uploads", answers=TRANSCODE)
        self.client.force_login(self.victor)
        page = self.client.get(reverse("architectures:detail", args=[transcode.pk])).content.decode()
        start = page.index('id="alternative-mediaconvert"')
        article = page[start:page.index("</article>", start)]
        self.assertIn('<span class="chip">Worst-case processing time: 1,200 s</span>', article)
        self.assertIn('<span class="chip">What starts one unit of work? A file arriving in storage</span>', article)


@skipUnless(generator.dot_available(), "Graphviz not installed")
class DrawingsTestCase(BaseTestCase):
    """A drawing shows the proposed patterns; when the core work belongs elsewhere its page says
    that the core is drawn in Lambda and the services suggested instead are not drawn."""

    def test_the_questionnaire_and_revision_drawing_pages_say_so(self):
        from advisor.questionnaire.panel import DRAWN_IN_LAMBDA

        transcode = make_architecture(self.team, self.bob, name="Transcode uploads", answers=TRANSCODE)
        query = {"trigger": "file_upload", "client_waits": "false", "duration_s": "1200"}
        self.assertContains(self.client.get(reverse("questionnaire:diagram_page"), query), DRAWN_IN_LAMBDA)
        self.client.force_login(self.victor)
        self.assertContains(self.client.get(reverse("architectures:diagram_page", args=[transcode.pk, 1])),
                            DRAWN_IN_LAMBDA)
        # Where Lambda fits, nothing of the kind.
        self.assertNotContains(self.client.get(reverse("questionnaire:diagram_page"), {"trigger": "queue"}),
                               "is drawn in Lambda")
        self.assertNotContains(self.client.get(reverse("architectures:diagram_page", args=[self.architecture.pk, 1])),
                               "is drawn in Lambda")
