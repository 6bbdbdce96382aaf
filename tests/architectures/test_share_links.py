"""Read-only links to a revision for people without an account."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from advisor.architectures.actions import MAX_SHARE_LINKS
from advisor.architectures.models import ShareLink
from tests.factories import BaseTestCase, make_architecture


class ShareLinkTestCase(BaseTestCase):
    def share(self, user, expires: str = "") -> ShareLink | None:
        self.client.force_login(user)
        before = set(ShareLink.objects.values_list("pk", flat=True))
        self.response = self.client.post(reverse("architectures:share", args=[self.architecture.pk, 1]),
                                         {"expires": expires})
        self.client.logout()
        return ShareLink.objects.exclude(pk__in=before).first()

    def shared_url(self, link: ShareLink) -> str:
        return reverse("architectures:shared", args=[link.token])

    def test_it_opens_without_an_account_and_shows_only_the_revision(self):
        link = self.share(self.bob)
        self.assertRedirects(self.response, reverse("architectures:detail", args=[self.architecture.pk]) + "#sharing",
                             fetch_redirect_response=False)
        self.assertGreaterEqual(len(link.token), 40)
        r = self.client.get(self.shared_url(link))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Order pipeline")
        self.assertContains(r, "Lambda + SQS worker")
        self.assertContains(r, "Before going to production")
        self.assertEqual(r["X-Robots-Tag"], "noindex, nofollow")
        self.assertEqual(r["Referrer-Policy"], "no-referrer")
        # No edit or generate controls, and nothing of the team beyond this revision.
        for absent in ("Platform", "alice", "bob", reverse("architectures:edit", args=[self.architecture.pk]),
                       reverse("jobs:generate", args=[self.architecture.pk, 1]), "Restore", "<form method=\"post\""):
            self.assertNotContains(r, absent)

    def test_its_diagram_and_downloads_open_without_an_account(self):
        link = self.share(self.alice)
        r = self.client.get(reverse("architectures:shared_markdown", args=[link.token]))
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.content.startswith(b"# Order pipeline, revision 1"))
        diagram = self.client.get(reverse("architectures:shared_diagram", args=[link.token]))
        self.assertIn(diagram.status_code, (200, 404))  # 404 only where Graphviz is missing
        if diagram.status_code == 200:
            self.assertEqual(diagram["Content-Type"], "image/svg+xml")

    def test_a_revoked_link_is_404(self):
        link = self.share(self.bob)
        self.client.force_login(self.bob)
        r = self.client.post(reverse("architectures:share_revoke", args=[self.architecture.pk, link.pk]))
        self.assertEqual(r.status_code, 302)
        self.assertFalse(ShareLink.objects.filter(pk=link.pk).exists())
        self.client.logout()
        for name in ("shared", "shared_diagram", "shared_markdown", "shared_pdf"):
            self.assertEqual(self.client.get(reverse(f"architectures:{name}", args=[link.token])).status_code, 404)

    def test_an_expired_link_is_404(self):
        link = self.share(self.bob, expires="7")
        self.assertAlmostEqual(link.expires_at, timezone.now() + timedelta(days=7), delta=timedelta(minutes=1))
        self.assertEqual(self.client.get(self.shared_url(link)).status_code, 200)
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        self.assertEqual(self.client.get(self.shared_url(link)).status_code, 404)

    def test_an_unknown_token_is_404(self):
        self.assertEqual(self.client.get(reverse("architectures:shared", args=["x" * 43])).status_code, 404)
        self.assertEqual(self.client.get(reverse("architectures:shared", args=["x" * 300])).status_code, 404)

    def test_viewers_and_outsiders_cannot_make_or_revoke_links(self):
        self.assertIsNone(self.share(self.victor))
        self.assertEqual(self.response.status_code, 403)
        self.assertIsNone(self.share(self.charlie))
        self.assertEqual(self.response.status_code, 404)
        link = self.share(self.alice)
        for user, status in ((self.victor, 403), (self.charlie, 404)):
            self.client.force_login(user)
            r = self.client.post(reverse("architectures:share_revoke", args=[self.architecture.pk, link.pk]))
            self.assertEqual(r.status_code, status)
        self.assertTrue(ShareLink.objects.filter(pk=link.pk).exists())

    def test_a_link_cannot_be_revoked_through_another_architecture(self):
        link = self.share(self.alice)
        other = make_architecture(self.team, self.alice, "Other")
        self.client.force_login(self.alice)
        r = self.client.post(reverse("architectures:share_revoke", args=[other.pk, link.pk]))
        self.assertEqual(r.status_code, 404)
        self.assertTrue(ShareLink.objects.filter(pk=link.pk).exists())

    def test_a_bad_expiry_is_a_400(self):
        self.assertIsNone(self.share(self.bob, expires="10000"))
        self.assertEqual(self.response.status_code, 400)
        self.assertContains(self.response, "Select a valid choice", status_code=400)

    def test_the_architecture_page_lists_live_links_for_editors_only(self):
        link = self.share(self.bob)
        expired = self.share(self.bob, expires="1")
        ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
        self.client.force_login(self.alice)
        r = self.client.get(reverse("architectures:detail", args=[self.architecture.pk]))
        self.assertContains(r, self.shared_url(link))
        self.assertNotContains(r, self.shared_url(expired))
        self.assertContains(r, reverse("architectures:share_revoke", args=[self.architecture.pk, link.pk]))
        self.client.force_login(self.victor)
        self.assertNotContains(self.client.get(reverse("architectures:detail", args=[self.architecture.pk])), link.token)

    def test_an_architecture_has_at_most_so_many_live_links(self):
        for _ in range(MAX_SHARE_LINKS):
            self.assertIsNotNone(self.share(self.bob))
        self.assertIsNone(self.share(self.bob))
        self.assertEqual(self.response.status_code, 400)
        self.assertContains(self.response, "revoke one first", status_code=400)

    @override_settings(THROTTLE_RATES={"shared-link": "3/minute", "export": "30/minute"})
    def test_shared_links_are_throttled_per_address(self):
        link = self.share(self.bob)
        statuses = [self.client.get(self.shared_url(link)).status_code for _ in range(4)]
        self.assertEqual(statuses, [200, 200, 200, 429])

    def test_staff_see_open_links_in_the_admin_and_can_revoke_them(self):
        link = self.share(self.bob)
        self.alice.is_staff = self.alice.is_superuser = True
        self.alice.save()
        self.client.force_login(self.alice)
        r = self.client.get(reverse("admin:architectures_sharelink_changelist"))
        self.assertContains(r, str(link.revision))
        self.assertNotContains(r, link.token)
        self.client.post(reverse("admin:architectures_sharelink_delete", args=[link.pk]), {"post": "yes"})
        self.assertEqual(self.client.get(self.shared_url(link)).status_code, 404)
