"""Invitations by e-mail address for people without an account: the address gets a link that
works once, until it expires; signing up or logging in through it joins the team with the
role chosen. Wrong, used and expired links get a page that says so, with a 4xx."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from advisor.teams.models import Invitation, Membership, Role
from tests.factories import PASSWORD, BaseTestCase, UserFactory, fresh_address

LINK = re.compile(r"http://testserver(/teams/join/[^/\s]+/)")


class InvitationLinkTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.owner = Client(REMOTE_ADDR=fresh_address())
        self.owner.force_login(self.alice)

    def invite(self, identifier: str = "newcomer@example.org", role: str = "editor"):
        return self.owner.post(reverse("teams:member_add", args=[self.team.pk]),
                               {"identifier": identifier, "role": role})

    def mailed_link(self) -> str:
        (message,) = mail.outbox
        self.assertEqual(message.to, ["newcomer@example.org"])
        self.assertIn("alice invited you to the team Platform", message.subject + message.body)
        return LINK.search(message.body).group(1)

    def sign_up_through(self, link: str, username: str = "nadia") -> tuple[Client, object]:
        browser = Client()
        page = browser.get(link)
        self.assertContains(page, "alice invites you to the team <strong>Platform</strong> as editor")
        self.assertContains(page, f'href="{reverse("signup")}?next={link}"')
        form = browser.get(reverse("signup") + f"?next={link}")
        self.assertContains(form, 'value="newcomer@example.org"')  # the invited address, filled in
        r = browser.post(reverse("signup"), {"username": username, "email": "newcomer@example.org",
                                             "password1": PASSWORD, "password2": PASSWORD, "next": link}, follow=True)
        return browser, r

    def test_an_address_without_an_account_signs_up_through_the_link_and_joins(self):
        self.assertEqual(self.invite().status_code, 302)
        link = self.mailed_link()
        self.assertFalse(Invitation.objects.get().token_digest in link)  # only a digest of the secret is kept
        browser, r = self.sign_up_through(link)
        self.assertEqual(r.redirect_chain[-1], (reverse("teams:detail", args=[self.team.pk]), 302))
        self.assertContains(r, "You joined Platform as editor.")
        nadia = Membership.objects.get(team=self.team, user__username="nadia")
        self.assertEqual(nadia.role, Role.EDITOR)
        invitation = Invitation.objects.get()
        self.assertEqual((invitation.user, invitation.pending), (nadia.user, False))

    def test_an_existing_account_logs_in_through_the_link_and_joins(self):
        self.invite(role="viewer")
        link = self.mailed_link()
        browser = Client()
        self.assertContains(browser.get(link), "Log in and join")
        r = browser.post(reverse("login"), {"username": "charlie", "password": PASSWORD, "next": link}, follow=True)
        self.assertEqual(r.redirect_chain[-1], (reverse("teams:detail", args=[self.team.pk]), 302))
        self.assertEqual(Membership.objects.get(team=self.team, user=self.charlie).role, Role.VIEWER)

    def test_a_logged_in_account_joins_with_one_button_and_a_get_changes_nothing(self):
        self.invite()
        link = self.mailed_link()
        browser = Client()
        browser.force_login(self.charlie)
        self.assertContains(browser.get(link), "Join Platform as charlie")
        self.assertFalse(Membership.objects.filter(team=self.team, user=self.charlie).exists())
        r = browser.post(link)
        self.assertRedirects(r, reverse("teams:detail", args=[self.team.pk]))
        self.assertEqual(Membership.objects.get(team=self.team, user=self.charlie).role, Role.EDITOR)

    def test_a_used_link_is_refused_with_a_410(self):
        self.invite()
        link = self.mailed_link()
        self.sign_up_through(link)
        other = Client()
        other.force_login(self.charlie)
        for r in (other.get(link), other.post(link), Client().get(link)):
            self.assertContains(r, "has been used already", status_code=410)
        self.assertFalse(Membership.objects.filter(team=self.team, user=self.charlie).exists())

    def test_an_expired_link_is_refused_with_a_410(self):
        self.invite()
        link = self.mailed_link()
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        browser = Client()
        browser.force_login(self.charlie)
        for r in (browser.get(link), browser.post(link)):
            self.assertContains(r, "This invitation to Platform expired on", status_code=410)
            self.assertContains(r, "Ask alice to invite you again", status_code=410)
        self.assertFalse(Membership.objects.filter(team=self.team, user=self.charlie).exists())

    def test_a_wrong_link_is_a_404_with_a_page_that_says_so(self):
        self.invite()
        link = self.mailed_link()
        for r in (Client().get(link[:-5] + "xxxx/"), Client().get(reverse("teams:invitation_link", args=["nonsense"]))):
            self.assertContains(r, "This invitation link is not valid", status_code=404)
        self.assertEqual(self.team.memberships.count(), 3)

    def test_signing_up_through_an_expired_link_still_signs_up_but_joins_nothing(self):
        self.invite()
        link = self.mailed_link()
        browser = Client()
        browser.get(link)
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        r = browser.post(reverse("signup"), {"username": "nadia", "email": "newcomer@example.org",
                                             "password1": PASSWORD, "password2": PASSWORD, "next": link}, follow=True)
        self.assertContains(r, "expired on", status_code=410)
        self.assertFalse(Membership.objects.filter(team=self.team, user__username="nadia").exists())

    def test_a_link_sent_to_an_account_works_only_for_that_account(self):
        self.invite("charlie@example.org")  # charlie's confirmed address: the invitation is charlie's
        (message,) = mail.outbox
        link = LINK.search(message.body).group(1)
        dora = UserFactory(username="dora")
        browser = Client()
        browser.force_login(dora)
        self.assertContains(browser.post(link), "This invitation is for another account", status_code=403)
        self.assertFalse(Membership.objects.filter(team=self.team, user=dora).exists())
        browser.force_login(self.charlie)
        self.assertRedirects(browser.post(link), reverse("teams:detail", args=[self.team.pk]))
        self.assertFalse(Invitation.objects.pending().exists())  # nor on charlie's Teams page

    def test_inviting_the_address_again_keeps_one_link_and_sends_one_message(self):
        self.invite(role="viewer")
        self.invite(role="owner")
        link = self.mailed_link()
        self.assertEqual(Invitation.objects.get().role, Role.OWNER)
        self.assertContains(Client().get(link), "as owner")

    def test_an_expired_invitation_is_renewed_with_a_new_link(self):
        self.invite()
        old = self.mailed_link()
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        mail.outbox.clear()
        self.invite()
        new = self.mailed_link()
        self.assertNotEqual(old, new)
        self.assertEqual(Client().get(old).status_code, 404)
        self.assertEqual(Client().get(new).status_code, 200)

    def test_a_declined_invitation_link_no_longer_opens(self):
        self.invite("charlie@example.org")
        link = LINK.search(mail.outbox[0].body).group(1)
        browser = Client()
        browser.force_login(self.charlie)
        browser.post(reverse("teams:invitation_decline", args=[Invitation.objects.get().pk]))
        self.assertContains(browser.post(link), "not valid", status_code=404)
        self.assertFalse(Membership.objects.filter(team=self.team, user=self.charlie).exists())

    def test_a_string_that_is_neither_an_account_nor_an_address_invites_nobody(self):
        self.invite("not an address")
        self.assertEqual((Invitation.objects.count(), len(mail.outbox)), (0, 0))

    @override_settings(THROTTLE_RATES={"invitations": "3/hour", "signup": "10/hour"})
    def test_sending_invitations_is_throttled_per_account(self):
        codes = [self.invite(f"person{n}@example.org").status_code for n in range(3)]
        self.assertEqual(codes, [302, 302, 302])
        r = self.invite("person3@example.org")
        self.assertContains(r, "Too many invitations", status_code=429)
        self.assertEqual(len(mail.outbox), 3)
        self.assertFalse(Invitation.objects.filter(email="person3@example.org").exists())
        # From another address the same account is still refused: the budget is the account's.
        elsewhere = Client(REMOTE_ADDR=fresh_address())
        elsewhere.force_login(self.alice)
        r = elsewhere.post(reverse("teams:member_add", args=[self.team.pk]), {"identifier": "x@example.org",
                                                                              "role": "viewer"})
        self.assertEqual(r.status_code, 429)


class InvitationMailTestCase(BaseTestCase):
    def test_a_team_name_with_a_line_break_still_gives_a_one_line_subject(self):
        self.team.name = "Platform\nBcc: everyone@example.org"
        self.team.save()
        client = Client(REMOTE_ADDR=fresh_address())
        client.force_login(self.alice)
        r = client.post(reverse("teams:member_add", args=[self.team.pk]), {"identifier": "new@example.org",
                                                                           "role": "viewer"})
        self.assertEqual(r.status_code, 302)
        (message,) = mail.outbox
        self.assertEqual(message.subject, "alice invited you to Platform Bcc: everyone@example.org")
        self.assertEqual(message.to, ["new@example.org"])
