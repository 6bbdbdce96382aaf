"""Two to four architectures or revisions side by side, with the differences marked."""

from __future__ import annotations

import json
import re

from django.test import SimpleTestCase
from django.urls import reverse

from advisor.architectures.comparison import ItemError, parse_items
from tests.factories import BaseTestCase, make_architecture
from tests.architectures.test_no_internal_ids import internal_ids, leaks


def heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


class CompareTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.files = make_architecture(self.team, self.bob, name="Thumbnails",
                                       answers={"trigger": "file_upload", "client_waits": False})
        self.events = make_architecture(self.team, self.bob, name="Order events",
                                        answers={"trigger": "event", "client_waits": False, "consumers": 3,
                                                 "payload_kb": 300, "peak_rps": 2000})
        self.api = make_architecture(self.team, self.bob, name="Orders API",
                                     answers={"trigger": "http", "client_waits": True, "duration_s": 1200})
        self.client.force_login(self.victor)

    def compare(self, *ids):
        return self.client.get(reverse("architectures:compare"), {"ids": [str(i) for i in ids]})

    def rows(self, response) -> dict[str, dict[str, tuple[str, ...]]]:
        return {section.title: {row.label: row.cells for row in section.rows} for section in response.context["sections"]}

    def test_two_side_by_side(self):
        r = self.compare(self.architecture.pk, self.files.pk)
        self.assertEqual(r.status_code, 200)
        rows = self.rows(r)
        self.assertEqual(rows["Answers that differ"]["What starts one unit of work?"],
                         ("A message or job put on a queue", "A file arriving in storage"))
        self.assertEqual(rows["Recommendation"]["Patterns"], ("Lambda + SQS worker", "Lambda + S3 file processing"))
        self.assertTrue(rows["Recommendation"]["Monthly cost"][0].startswith("$"))
        self.assertContains(r, '<tr class="differs"><th scope="row">Best fit <span class="badge badge-warn">differs</span>',
                            html=False)
        self.assertNotIn("Does the caller wait for the result?", rows["Answers that differ"])  # the same in both

    def test_three_with_risks_limits_and_component_costs(self):
        r = self.compare(self.architecture.pk, self.events.pk, self.api.pk)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(len(r.context["columns"]), 3)
        rows = self.rows(r)
        self.assertTrue(all(len(cells) == 3 for section in rows.values() for cells in section.values()))
        self.assertIn("Lambda maximum function timeout", rows["AWS limits broken"])
        timeout = rows["AWS limits broken"]["Lambda maximum function timeout"]
        self.assertEqual(timeout[2], "1,200 s, above 900 s")
        self.assertEqual(timeout[0], "30 s, within 900 s")
        self.assertIn("Work queue", rows["Cost by component"])
        self.assertEqual(rows["Cost by component"]["Work queue"][1:], ("—", "—"))
        risk = "Unprocessable messages are retried over and over on Lambda + SQS worker"
        self.assertEqual(rows["Risks"][risk][0], "High")
        self.assertEqual(leaks(r.content.decode(), internal_ids()), [])

    def test_four_and_revisions_of_one_architecture(self):
        self.client.force_login(self.bob)
        self.client.post(reverse("architectures:revise", args=[self.architecture.pk]), {
            "step": "save", "answers": json.dumps({"trigger": "queue", "client_waits": False, "duration_s": 120}),
            "name": "Order pipeline", "choice": "recommended", "note": "Longer work"})
        self.client.force_login(self.victor)
        r = self.compare(f"{self.architecture.pk}r1", f"{self.architecture.pk}r2", self.files.pk, self.events.pk)
        self.assertEqual(r.status_code, 200)
        self.assertEqual([revision.number for revision, _ in r.context["columns"]], [1, 2, 1, 1])
        self.assertEqual(self.rows(r)["Answers that differ"]["Typical processing time of one unit of work"][:2],
                         ("30 s", "120 s"))
        self.assertContains(r, "revision 2")

    def test_five_or_one_is_a_clear_400(self):
        r = self.compare(self.architecture.pk, self.files.pk, self.events.pk, self.api.pk,
                         make_architecture(self.team, self.bob, name="Fifth").pk)
        self.assertContains(r, "Pick two to four architectures or revisions to compare (5 were picked)", status_code=400)
        r = self.compare(self.architecture.pk)
        self.assertContains(r, "(1 was picked)", status_code=400)
        r = self.compare(self.architecture.pk, self.architecture.pk)  # the same one twice is one
        self.assertContains(r, "(1 was picked)", status_code=400)
        r = self.compare(self.architecture.pk, "seven")
        self.assertContains(r, "“seven” is not an architecture or revision to compare.", status_code=400)

    def test_an_architecture_or_revision_outside_my_teams_is_404(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.compare(self.architecture.pk, self.files.pk).status_code, 404)
        self.assertEqual(self.compare(f"{self.architecture.pk}r1", f"{self.files.pk}r1").status_code, 404)
        self.client.force_login(self.victor)
        self.assertEqual(self.compare(self.architecture.pk, f"{self.files.pk}r9").status_code, 404)

    def test_headings_go_down_one_level_at_a_time(self):
        r = self.compare(self.architecture.pk, self.events.pk, self.api.pk)
        levels = heading_levels(r.content.decode())
        self.assertEqual(levels[0], 1)
        self.assertTrue(all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels)

    def test_the_history_offers_revisions_to_compare(self):
        self.client.force_login(self.bob)
        self.client.post(reverse("architectures:revise", args=[self.architecture.pk]), {
            "step": "save", "answers": json.dumps({"trigger": "queue", "client_waits": False, "duration_s": 120}),
            "name": "Order pipeline", "choice": "recommended", "note": "Longer work"})
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        for number in (1, 2):
            self.assertContains(r, f'name="ids" value="{self.architecture.pk}r{number}"')
        self.assertContains(r, f'<form id="compare-revisions" method="get" action="{reverse("architectures:compare")}">')
        # Ticking two of them compares two revisions of this architecture, and says so.
        compared = self.compare(f"{self.architecture.pk}r2", f"{self.architecture.pk}r1")
        self.assertContains(compared, "<h1>Comparing 2 revisions of Order pipeline</h1>", html=True)
        self.assertNotContains(compared, "architectures</h1>")
        self.assertContains(compared, f'<a href="{reverse("architectures:detail", args=[self.architecture.pk])}">'
                                      "Order pipeline</a>", html=True)
        mixed = self.compare(f"{self.architecture.pk}r1", self.files.pk)
        self.assertContains(mixed, "<h1>Comparing 2 architectures</h1>", html=True)


class ParseItemsTestCase(SimpleTestCase):
    def test_it_reads_architectures_and_revisions_and_drops_repeats(self):
        self.assertEqual(parse_items(["12", "12r3", " 7 ", "12"]), [(12, None), (12, 3), (7, None)])

    def test_it_refuses_what_it_cannot_read(self):
        for bad in (["12", "r3"], ["12", "12r"], ["12", "-4"], ["12", "1" * 19], ["12", "12r3r4"]):
            with self.assertRaises(ItemError, msg=bad):
                parse_items(bad)
