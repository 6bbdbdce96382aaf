"""Viewers are shown only what they can do: no generate, edit, revise, restore, retry or
delete controls on any page of an architecture, while editors see them; and the views
behind those controls still refuse a viewer who sends the request anyway."""

import re

from django.urls import reverse

from advisor.jobs.models import GenerationJob, JobStatus
from tests.factories import BaseTestCase, RevisionFactory


class ViewerControlsTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.second = RevisionFactory(architecture=self.architecture, author=self.bob, note="Longer timeouts")
        self.job = GenerationJob.objects.create(revision=self.second, options={"name": "orders"}, options_key="k",
                                                status=JobStatus.FAILED, error="the worker stopped")
        pk = self.architecture.pk
        self.pages = {
            "detail": reverse("architectures:detail", args=[pk]),
            "revision": reverse("architectures:revision", args=[pk, 1]),
            "latest revision": reverse("architectures:revision", args=[pk, 2]),
            "diff": reverse("architectures:diff", args=[pk]) + "?from=1&to=2",
            "list": reverse("architectures:list"),
            "generate": reverse("jobs:generate", args=[pk, 2]),
            "job": reverse("jobs:detail", args=[self.job.pk]),
        }

    def controls(self, html: str) -> list[str]:
        """The controls on a page that change something: forms posting to a changing view,
        links to the edit page, and anything offering to generate."""
        pk = self.architecture.pk
        changing = [reverse("architectures:edit", args=[pk]), reverse("architectures:revise", args=[pk]),
                    reverse("architectures:delete", args=[pk]), reverse("jobs:retry", args=[self.job.pk]),
                    *(reverse("architectures:restore", args=[pk, n]) for n in (1, 2))]
        found = [url for url in changing if f'"{url}"' in html]
        found += re.findall(r"<form[^>]*action=\"/architectures/\d+/revisions/\d+/generate\"", html)
        found += re.findall(r">[^<]*\bGenerate\b[^<]*<", html)
        return found

    def test_a_viewer_sees_no_control_it_cannot_use_on_any_page(self):
        self.client.force_login(self.victor)
        for name, url in self.pages.items():
            with self.subTest(page=name):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200)
                self.assertEqual(self.controls(r.content.decode()), [])

    def test_an_editor_sees_them_where_they_belong(self):
        self.client.force_login(self.bob)
        seen = {name: self.controls(self.client.get(url).content.decode()) for name, url in self.pages.items()}
        pk = self.architecture.pk
        self.assertIn(reverse("architectures:edit", args=[pk]), seen["detail"])
        self.assertIn(reverse("architectures:delete", args=[pk]), seen["detail"])
        self.assertTrue(any("Generate" in control for control in seen["detail"]))
        self.assertIn(reverse("architectures:restore", args=[pk, 1]), seen["revision"])
        self.assertTrue(any("Generate" in control for control in seen["latest revision"]))
        self.assertTrue(any("Generate" in control for control in seen["generate"]))
        self.assertIn(reverse("jobs:retry", args=[self.job.pk]), seen["job"])

    def test_a_viewer_is_pointed_to_the_generated_projects_it_can_download(self):
        self.client.force_login(self.victor)
        r = self.client.get(self.pages["detail"])
        self.assertContains(r, f'<a href="{self.pages["generate"]}">SAM projects generated from this revision</a>',
                            html=True)
        r = self.client.get(self.pages["generate"])
        self.assertContains(r, "SAM projects generated from revision 2")
        self.assertContains(r, f'href="{self.pages["job"]}"')

    def test_the_views_behind_the_controls_still_refuse_a_viewer(self):
        self.client.force_login(self.victor)
        pk = self.architecture.pk
        refused = {
            "edit": self.client.get(reverse("architectures:edit", args=[pk])),
            "revise": self.client.post(reverse("architectures:revise", args=[pk]), {"step": "save"}),
            "delete": self.client.post(reverse("architectures:delete", args=[pk]), {"confirm": "yes"}),
            "restore": self.client.post(reverse("architectures:restore", args=[pk, 1])),
            "generate": self.client.post(self.pages["generate"], {"name": "orders"}),
            "retry": self.client.post(reverse("jobs:retry", args=[self.job.pk])),
        }
        self.assertEqual({name: r.status_code for name, r in refused.items()}, dict.fromkeys(refused, 403))
        self.architecture.refresh_from_db()
        self.assertEqual((self.architecture.revisions.count(), self.architecture.latest, GenerationJob.objects.count()),
                         (2, self.second, 1))
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, JobStatus.FAILED)
