"""A saved revision links to the rules version it was made with: a page listing the catalogue
changes that made that version."""

from django.urls import reverse

from tests.factories import ArchitectureFactory, BaseTestCase
from patterns.models import Rule
from patterns.store import bump_version


class RulesVersionLinkTestCase(BaseTestCase):
    def setUp(self):
        bump_version()
        super().setUp()

    def test_a_revision_links_to_the_changes_that_made_its_rules_version(self):
        rule = Rule.objects.get(name="api-http-entry")
        rule.explanation = "Edited by the catalogue owners."
        rule.save()
        bump_version()
        architecture = ArchitectureFactory(team=self.team, created_by=self.alice, name="After the edit")
        version = architecture.latest.rules_version
        self.client.force_login(self.victor)
        page = self.client.get(reverse("architectures:revision", args=[architecture.pk, 1]))
        self.assertContains(page, reverse("rules:version", args=[version]))
        listing = self.client.get(reverse("rules:version", args=[version]))
        self.assertContains(listing, "1 catalogue change made this version")
        self.assertContains(listing, "api-http-entry")
        self.assertContains(listing, "Edited by the catalogue owners.")

    def test_an_unknown_or_malformed_version_is_a_clear_page(self):
        self.client.force_login(self.victor)
        self.assertContains(self.client.get(reverse("rules:version", args=["0123abcd"])),
                            "No recorded catalogue change made this version")
        self.assertEqual(self.client.get("/rules/not-a-version!/").status_code, 404)

    def test_signed_out_visitors_are_sent_to_sign_in(self):
        self.assertEqual(self.client.get(reverse("rules:version", args=["0123abcd"])).status_code, 302)
