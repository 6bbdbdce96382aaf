"""Markdown and PDF exports of a saved revision: who may download them and what they hold."""

from __future__ import annotations

import builtins
import io
import re
from unittest import mock

import pypdf
from django.test import override_settings
from django.urls import reverse

import generator
from advisor.architectures.exports import markdown, revision_export
from tests.factories import BaseTestCase, make_architecture
from patterns.store import current_engine
from tests.architectures.test_no_internal_ids import internal_ids, leaks

EVENTS = {"trigger": "event", "client_waits": False, "consumers": 3, "content_routing": True,
          "unreliable_downstream": True, "payload_kb": 300, "peak_rps": 2000, "downstream_max_rps": 50}


def unescaped(markdown_text: str) -> str:
    """The words a reader sees: Markdown's backslash escapes taken away."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown_text)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


class MarkdownExportTestCase(BaseTestCase):
    def url(self, number: int = 1) -> str:
        return reverse("architectures:export_markdown", args=[self.architecture.pk, number])

    def test_it_downloads_a_named_markdown_file_for_a_viewer(self):
        self.client.force_login(self.victor)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "text/markdown; charset=utf-8")
        self.assertEqual(r["Content-Disposition"], 'attachment; filename="order-pipeline-revision-1.md"')
        text = r.content.decode()
        self.assertTrue(text.startswith("# Order pipeline, revision 1\n"))

    def test_it_is_404_for_outsiders_and_missing_revisions(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.client.force_login(self.victor)
        self.assertEqual(self.client.get(self.url(7)).status_code, 404)

    def test_it_needs_a_login(self):
        self.assertEqual(self.client.get(self.url()).status_code, 302)

    def test_it_holds_the_whole_recommendation_in_words(self):
        engine = current_engine()
        text = unescaped(markdown(revision_export(engine, self.revision)))
        panel = revision_export(engine, self.revision).panel
        best = panel.best
        self.assertIn(f"Best fit: **{best.pattern.name}** ({best.percent}% fit).", text)
        for heading in ("## Recommendation", "## Trade-offs", "## Risks", "## AWS limits", "## Monthly cost: ",
                        "## Before going to production", "## Answers"):
            self.assertIn(heading, text)
        self.assertIn(best.reasons[0].text, text)
        warning = panel.warnings[0]
        self.assertIn(f"### {warning.kind.title}", text)
        self.assertIn(f"**Fix:** {warning.explained.advice}", text)
        line = panel.cost[0].lines[0]
        self.assertIn(line.arithmetic, text)
        self.assertIn(f"- [ ] {panel.checklist[0]}", text)
        self.assertIn(f"| {panel.selected[0].tradeoffs[0].benefit} |", text)
        self.assertIn("| What starts one unit of work? | A message or job put on a queue |", text)
        # Nobody waits for queued work: a question that does not apply is not in the answers.
        self.assertNotIn("| Does the caller wait for the result? |", text)

    def test_it_shows_no_internal_id(self):
        events = make_architecture(self.team, self.alice, "Order events", EVENTS)
        saga = make_architecture(self.team, self.alice, "Checkout saga",
                                 {"trigger": "http", "client_waits": True, "latency_ms": 500, "steps": 4,
                                  "compensation": True, "duration_s": 40, "data_store": "relational",
                                  "peak_rps": 200}, patterns=["orchestrator", "rds"])
        ids = internal_ids()
        self.client.force_login(self.victor)
        for architecture in (self.architecture, events, saga):
            r = self.client.get(reverse("architectures:export_markdown", args=[architecture.pk, 1]))
            text = unescaped(r.content.decode())
            self.assertEqual(leaks(text, ids), [], architecture.name)

    def test_markdown_in_a_name_is_shown_as_text(self):
        self.architecture.name = "Orders | <b>bold</b> # *x*"
        self.architecture.save()
        self.revision.refresh_from_db()
        text = markdown(revision_export(current_engine(), self.revision))
        self.assertIn(r"# Orders \| \<b\>bold\</b\> \# \*x\*", text)


class PdfExportTestCase(BaseTestCase):
    def url(self) -> str:
        return reverse("architectures:export_pdf", args=[self.architecture.pk, 1])

    def test_it_is_a_pdf_with_the_architecture_in_its_text(self):
        self.client.force_login(self.victor)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertEqual(r["Content-Disposition"], 'attachment; filename="order-pipeline-revision-1.pdf"')
        self.assertTrue(r.content.startswith(b"%PDF-"))
        text = pdf_text(r.content)
        self.assertIn("Order pipeline, revision 1", text)
        self.assertIn("Recommendation", text)
        self.assertIn("Monthly cost", text)
        self.assertIn("Answers", text)
        if generator.dot_available():  # the diagram is drawn into the page, its legend and all
            self.assertIn("Legend", text)
            self.assertIn("Work queue", text)

    def test_it_is_404_for_outsiders(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_a_server_without_pango_says_so_instead_of_failing(self):
        # WeasyPrint raises OSError when it cannot load Pango; importing it is what fails.
        real_import = builtins.__import__

        def without_pango(name, *args, **kwargs):
            if name.startswith("weasyprint"):
                raise OSError("cannot load library 'libpango-1.0-0'")
            return real_import(name, *args, **kwargs)

        self.client.force_login(self.victor)
        with mock.patch("builtins.__import__", without_pango):
            r = self.client.get(self.url())
        self.assertEqual(r.status_code, 503)
        self.assertIn("Pango", r.content.decode())
        self.assertIn("Markdown export works", r.content.decode())

    def test_a_renamed_architecture_prints_its_new_name(self):
        self.client.force_login(self.victor)
        self.client.get(self.url())
        self.architecture.name = "Warehouse feed"
        self.architecture.save()
        r = self.client.get(self.url())
        self.assertEqual(r["Content-Disposition"], 'attachment; filename="warehouse-feed-revision-1.pdf"')
        self.assertIn("Warehouse feed, revision 1", pdf_text(r.content))

    @override_settings(THROTTLE_RATES={"export": "2/minute", "shared-link": "60/minute"})
    def test_pdfs_are_throttled_per_account(self):
        self.client.force_login(self.victor)
        statuses = [self.client.get(self.url()).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_the_revision_page_links_both_downloads(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("architectures:revision", args=[self.architecture.pk, 1]))
        self.assertContains(r, self.url())
        self.assertContains(r, reverse("architectures:export_markdown", args=[self.architecture.pk, 1]))


QUEUE = {"trigger": "queue", "duration_s": 30, "unreliable_downstream": True}


def query(answers: dict) -> str:
    return "?" + "&".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in answers.items())


class RecommendationExportTestCase(BaseTestCase):
    """The recommendation for answers that are not saved, from its own page, for anyone."""

    def markdown_url(self, answers: dict) -> str:
        return reverse("questionnaire:recommendation_markdown") + query(answers)

    def pdf_url(self, answers: dict) -> str:
        return reverse("questionnaire:recommendation_pdf") + query(answers)

    def test_the_recommendation_page_links_both_downloads(self):
        r = self.client.get(reverse("questionnaire:recommendation") + query(QUEUE))
        self.assertContains(r, f'href="{self.markdown_url(QUEUE).replace("&", "&amp;")}" download>Download as Markdown')
        self.assertContains(r, f'href="{self.pdf_url(QUEUE).replace("&", "&amp;")}" download>Download as PDF')

    def test_markdown_holds_the_recommendation_in_words_named_after_the_best_fit(self):
        r = self.client.get(self.markdown_url(QUEUE))  # no account needed, like the page
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "text/markdown; charset=utf-8")
        self.assertEqual(r["Content-Disposition"], 'attachment; filename="recommendation-lambda-sqs-worker.md"')
        text = unescaped(r.content.decode())
        self.assertTrue(text.startswith("# The recommendation for your workload\n"))
        self.assertIn("from the answers at the end; not saved.", text)
        self.assertIn("Best fit: **Lambda + SQS worker** (", text)
        for heading in ("## Recommendation", "## Trade-offs", "## Risks", "## AWS limits", "## Monthly cost: ",
                        "## Before going to production", "## Answers"):
            self.assertIn(heading, text)
        self.assertIn("| Typical processing time of one unit of work | 30 s |", text)
        # Nobody waits for queued work: a question that does not apply is not in the answers.
        self.assertNotIn("| Does the caller wait for the result? |", text)

    def test_it_shows_no_internal_id(self):
        ids = internal_ids()
        saga = {"trigger": "http", "client_waits": True, "latency_ms": 500, "steps": 4, "compensation": True,
                "duration_s": 40, "data_store": "relational", "peak_rps": 200}
        for answers in (QUEUE, EVENTS, saga, {}):
            with self.subTest(answers=answers):
                r = self.client.get(self.markdown_url(answers))
                self.assertEqual(r.status_code, 200)
                self.assertEqual(leaks(unescaped(r.content.decode()), ids), [])

    def test_the_pdf_holds_the_same_document_and_the_diagram(self):
        r = self.client.get(self.pdf_url(QUEUE))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertEqual(r["Content-Disposition"], 'attachment; filename="recommendation-lambda-sqs-worker.pdf"')
        text = pdf_text(r.content)
        for words in ("The recommendation for your workload", "Recommendation", "Monthly cost", "Answers"):
            self.assertIn(words, text)
        if generator.dot_available():
            self.assertIn("Legend", text)
            self.assertIn("Work queue", text)

    def test_bad_answers_are_refused_naming_the_question(self):
        for url in (reverse("questionnaire:recommendation_markdown"), reverse("questionnaire:recommendation_pdf")):
            with self.subTest(url=url):
                r = self.client.get(url + "?trigger=carrier-pigeon&duration_s=0")
                self.assertContains(r, "This recommendation cannot be exported", status_code=400)
                self.assertContains(r, "What starts one unit of work?", status_code=400)
                self.assertContains(r, "Typical processing time of one unit of work", status_code=400)

    @override_settings(THROTTLE_RATES={"export": "2/minute", "shared-link": "60/minute"})
    def test_pdfs_are_throttled_per_client_address_without_an_account(self):
        statuses = [self.client.get(self.pdf_url(QUEUE), REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(self.client.get(self.pdf_url(QUEUE), REMOTE_ADDR="203.0.113.8").status_code, 200)
        self.client.force_login(self.victor)  # an account counts on its own
        self.assertEqual(self.client.get(self.pdf_url(QUEUE), REMOTE_ADDR="203.0.113.7").status_code, 200)
