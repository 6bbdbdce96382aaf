from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from advisor.teams.models import Membership, Role, Team
from tests.factories import PASSWORD, UserFactory

User = get_user_model()


class SignUpTestCase(TestCase):
    def form(self, **overrides):
        data = {"username": "dora", "email": "dora@example.org", "password1": PASSWORD, "password2": PASSWORD}
        return {**data, **overrides}

    def test_it_creates_the_account_with_a_personal_team_and_logs_in(self):
        r = self.client.post(reverse("signup"), self.form())
        self.assertRedirects(r, reverse("teams:list"))
        user = User.objects.get(username="dora")
        team = Team.objects.get(memberships__user=user)
        self.assertTrue(team.personal)
        self.assertEqual(Membership.objects.get(team=team).role, Role.OWNER)
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)

    def test_it_follows_a_safe_next_url(self):
        r = self.client.post(reverse("signup"), self.form(next="/architectures/"))
        self.assertRedirects(r, "/architectures/")

    def test_it_ignores_a_next_url_on_another_site(self):
        r = self.client.post(reverse("signup"), self.form(next="https://evil.example/"))
        self.assertRedirects(r, reverse("teams:list"))

    def test_it_refuses_mismatched_passwords_and_writes_nothing(self):
        r = self.client.post(reverse("signup"), self.form(password2="something else entirely"))
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "didn’t match", status_code=400)
        self.assertFalse(User.objects.filter(username="dora").exists())
        self.assertFalse(Team.objects.exists())

    def test_a_taken_address_gets_the_same_answer_as_a_free_one(self):
        UserFactory(username="dora2")
        taken = self.client.post(reverse("signup"), self.form(username="eve", email="DORA2@example.org"), follow=True)
        free = Client().post(reverse("signup"), self.form(username="fay", email="fay@example.org"), follow=True)
        self.assertEqual((taken.status_code, taken.redirect_chain), (free.status_code, free.redirect_chain))
        said = [str(m).replace("DORA2@example.org", "Y").replace("eve", "X") for m in taken.context["messages"]]
        self.assertEqual(said, [str(m).replace("fay@example.org", "Y").replace("fay", "X")
                                for m in free.context["messages"]])
        self.assertNotIn("already", taken.content.decode())
        # Both accounts exist; neither has the address until its owner confirms it.
        self.assertEqual(User.objects.get(username="eve").email, "")
        self.assertEqual(User.objects.get(username="fay").email, "")
        # The owner of the taken address hears about it, with no link that would hand it over.
        to_dora = [m for m in mail.outbox if m.to == ["DORA2@example.org"]]
        self.assertEqual(len(to_dora), 1)
        self.assertIn("already belongs to an account", to_dora[0].body)
        self.assertNotIn("/accounts/confirm/", to_dora[0].body)

    def test_the_link_sent_makes_the_address_the_accounts(self):
        self.client.post(reverse("signup"), self.form())
        (message,) = mail.outbox
        self.assertEqual(message.to, ["dora@example.org"])
        link = next(line for line in message.body.splitlines() if "/accounts/confirm/" in line)
        r = Client().get(link)  # opening the link alone (a mail scanner, say) changes nothing
        self.assertContains(r, "Make dora@example.org the address of the account dora?")
        self.assertEqual(User.objects.get(username="dora").email, "")
        r = Client().post(link)
        self.assertContains(r, "dora@example.org is now the address of the account dora.")
        self.assertEqual(User.objects.get(username="dora").email, "dora@example.org")
        # Now the address works for a password reset.
        mail.outbox.clear()
        Client().post(reverse("password_reset"), {"email": "dora@example.org"})
        self.assertEqual(len(mail.outbox), 1)

    def test_a_link_for_an_address_another_account_confirmed_first_is_refused(self):
        self.client.post(reverse("signup"), self.form())
        Client().post(reverse("signup"), self.form(username="dora_too"))
        first, second = (next(line for line in m.body.splitlines() if "/accounts/confirm/" in line)
                         for m in mail.outbox)
        Client().post(second)
        r = Client().post(first)
        self.assertContains(r, "became the address of another account", status_code=400)
        self.assertEqual(User.objects.get(username="dora").email, "")
        self.assertEqual(User.objects.get(username="dora_too").email, "dora@example.org")

    def test_a_forged_or_expired_link_is_a_400(self):
        self.client.post(reverse("signup"), self.form())
        link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/confirm/" in line)
        r = Client().post(link.rstrip("/") + "x/")
        self.assertContains(r, "not valid", status_code=400)
        with self.settings(EMAIL_CONFIRMATION_DAYS=-1):
            r = Client().post(link)
        self.assertContains(r, "expired", status_code=400)
        self.assertEqual(User.objects.get(username="dora").email, "")

    def test_it_shows_the_form(self):
        r = self.client.get(reverse("signup"))
        self.assertContains(r, "Create an account")


class LoginTestCase(TestCase):
    def setUp(self):
        self.user = UserFactory(username="alice")

    def test_it_logs_in_with_the_right_password(self):
        r = self.client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)

    def test_it_locks_out_after_repeated_failures(self):
        for _ in range(5):
            self.client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        r = self.client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_logout_needs_post(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        r = self.client.post(reverse("logout"))
        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_header_shows_account_links(self):
        r = self.client.get(reverse("login"))
        self.assertContains(r, 'href="/accounts/signup/"')
        self.client.force_login(self.user)
        r = self.client.get(reverse("teams:list"))
        self.assertContains(r, "Log out")
        self.assertContains(r, reverse("architectures:list"))


class PasswordTestCase(TestCase):
    def setUp(self):
        self.user = UserFactory(username="alice")

    def test_reset_sends_an_email_with_a_working_link(self):
        r = self.client.post(reverse("password_reset"), {"email": "alice@example.org"})
        self.assertRedirects(r, reverse("password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("reset the password", mail.outbox[0].body)
        link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
        r = self.client.get(link, follow=True)
        self.assertContains(r, "Choose a new password")

    def test_change_password(self):
        self.client.force_login(self.user)
        new = "another long passphrase 77"
        r = self.client.post(reverse("password_change"),
                             {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
        self.assertRedirects(r, reverse("password_change_done"))
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(new))


class AccountTestCase(TestCase):
    def setUp(self):
        self.user = UserFactory(username="alice")
        self.client.force_login(self.user)

    def test_it_makes_and_replaces_the_api_token(self):
        self.client.post(reverse("account"))
        first = self.user.auth_token.key
        self.client.post(reverse("account"))
        self.user.refresh_from_db()
        self.assertNotEqual(self.user.auth_token.key, first)
        r = self.client.get(reverse("account"))
        self.assertContains(r, self.user.auth_token.key)
