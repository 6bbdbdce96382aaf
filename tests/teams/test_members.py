from django.core import mail
from django.test import Client
from django.urls import reverse

from advisor.teams.models import Invitation, Membership, Role, Team
from tests.factories import BaseTestCase, UserFactory


class TeamPagesTestCase(BaseTestCase):
    def test_it_lists_only_my_teams_with_my_role(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("teams:list"))
        self.assertContains(r, "Platform")
        self.assertContains(r, "victor (personal)")
        self.assertNotContains(r, "alice (personal)")

    def test_it_creates_a_team_owned_by_me(self):
        self.client.force_login(self.charlie)
        r = self.client.post(reverse("teams:create"), {"name": "  Data  "})
        team = Team.objects.get(name="Data")
        self.assertRedirects(r, reverse("teams:detail", args=[team.pk]))
        self.assertEqual(Membership.objects.get(team=team).role, Role.OWNER)

    def test_it_refuses_a_blank_team_name(self):
        self.client.force_login(self.charlie)
        r = self.client.post(reverse("teams:create"), {"name": "   "})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(Team.objects.filter(personal=False).count(), 1)

    def test_viewer_sees_members_but_no_management_forms(self):
        self.client.force_login(self.victor)
        r = self.client.get(reverse("teams:detail", args=[self.team.pk]))
        self.assertContains(r, "bob")
        self.assertNotContains(r, "Add a member")

    def test_outsider_gets_404(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(reverse("teams:detail", args=[self.team.pk])).status_code, 404)

    def test_owner_renames(self):
        self.client.force_login(self.alice)
        self.client.post(reverse("teams:rename", args=[self.team.pk]), {"name": "Platform team"})
        self.team.refresh_from_db()
        self.assertEqual(self.team.name, "Platform team")


class MemberAddTestCase(BaseTestCase):
    """Owners invite; the invited account joins when it accepts. The owner's answer is the
    same whether or not the name or address has an account."""

    def setUp(self):
        super().setUp()
        self.url = reverse("teams:member_add", args=[self.team.pk])
        self.client.force_login(self.alice)

    def invite(self, identifier: str, role: str = "viewer"):
        return self.client.post(self.url, {"identifier": identifier, "role": role}, follow=True)

    def said(self, response) -> list[str]:
        return [str(message) for message in response.context["messages"]]

    def accept(self, user) -> None:
        invitation = Invitation.objects.get(team=self.team, user=user)
        client = Client()
        client.force_login(user)
        r = client.get(reverse("teams:list"))
        self.assertContains(r, f"alice invites you to <strong>{self.team.name}</strong>")
        r = client.post(reverse("teams:invitation_accept", args=[invitation.pk]))
        self.assertRedirects(r, reverse("teams:detail", args=[self.team.pk]))

    def test_an_invited_account_joins_when_it_accepts(self):
        r = self.invite("charlie", "editor")
        self.assertEqual(r.redirect_chain, [(reverse("teams:detail", args=[self.team.pk]), 302)])
        self.assertFalse(Membership.objects.filter(team=self.team, user=self.charlie).exists())
        self.accept(self.charlie)
        self.assertEqual(Membership.objects.get(team=self.team, user=self.charlie).role, Role.EDITOR)
        self.assertFalse(Invitation.objects.pending().exists())

    def test_it_invites_by_confirmed_address_ignoring_case_and_mails_the_invitee(self):
        self.invite("Charlie@Example.org")
        self.assertEqual(Invitation.objects.get(team=self.team).user, self.charlie)
        (message,) = mail.outbox
        self.assertEqual(message.to, ["charlie@example.org"])
        self.assertIn("alice invited you to the team Platform", message.body)

    def test_the_answer_does_not_tell_whether_an_account_exists(self):
        answers = {}
        for identifier in ("charlie", "nobody", "nobody@example.org", "bob"):
            r = self.invite(identifier)
            self.assertEqual(r.status_code, 200)
            answers[identifier] = [text.replace(identifier, "X") for text in self.said(r)]
        self.assertEqual(len({tuple(texts) for texts in answers.values()}), 1, answers)
        self.assertNotIn("No account", str(answers))
        # Only the account outside the team and the address got an invitation; "nobody" is neither
        # an account nor an address; the member keeps its role.
        self.assertEqual(set(Invitation.objects.values_list("user__username", "email")),
                         {(None, "nobody@example.org"), ("charlie", "")})
        self.bob_membership.refresh_from_db()
        self.assertEqual(self.bob_membership.role, Role.EDITOR)
        self.assertEqual(self.team.memberships.count(), 3)

    def test_what_can_be_neither_a_username_nor_an_address_is_refused_as_such(self):
        for identifier in ("not an address!", "billing team", "a,b;c"):
            r = self.client.post(self.url, {"identifier": identifier, "role": "viewer"})
            self.assertContains(r, f"“{identifier}” is neither a username", status_code=400)
            self.assertNotContains(r, "it is invited", status_code=400)
        self.assertFalse(Invitation.objects.exists())

    def test_the_owner_sees_no_pending_invitations_by_name(self):
        self.invite("charlie")
        r = self.client.get(reverse("teams:detail", args=[self.team.pk]))
        self.assertNotContains(r, "charlie")

    def test_declining_leaves_the_team_as_it_was(self):
        self.invite("charlie")
        invitation = Invitation.objects.get()
        client = Client()
        client.force_login(self.charlie)
        r = client.post(reverse("teams:invitation_decline", args=[invitation.pk]))
        self.assertRedirects(r, reverse("teams:list"))
        self.assertFalse(Invitation.objects.exists())
        self.assertFalse(Membership.objects.filter(user=self.charlie, team=self.team).exists())

    def test_only_the_invited_account_can_answer_an_invitation(self):
        self.invite("charlie")
        invitation = Invitation.objects.get()
        for name in ("teams:invitation_accept", "teams:invitation_decline"):
            for user in (self.alice, self.bob, self.victor):
                client = Client()
                client.force_login(user)
                self.assertEqual(client.post(reverse(name, args=[invitation.pk])).status_code, 404)
            self.assertEqual(Client().post(reverse(name, args=[invitation.pk])).status_code, 302)  # to log in
            self.assertEqual(self.client.get(reverse(name, args=[invitation.pk])).status_code, 405)
        self.assertTrue(Invitation.objects.filter(pk=invitation.pk).exists())
        self.assertFalse(Membership.objects.filter(user=self.charlie, team=self.team).exists())

    def test_inviting_again_changes_the_role_offered_without_another_message(self):
        self.invite("charlie", "viewer")
        self.invite("charlie", "owner")
        self.assertEqual(Invitation.objects.get().role, Role.OWNER)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_refuses_an_unknown_role(self):
        r = self.client.post(self.url, {"identifier": "charlie", "role": "admin"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Invitation.objects.exists())

    def test_it_refuses_to_share_a_personal_team(self):
        personal = Team.objects.get(personal=True, memberships__user=self.alice)
        r = self.client.post(reverse("teams:member_add", args=[personal.pk]), {"identifier": "bob", "role": "viewer"})
        self.assertContains(r, "personal team cannot be shared", status_code=400)
        self.assertEqual(personal.memberships.count(), 1)
        self.assertFalse(Invitation.objects.exists())

    def test_editor_gets_403_and_nothing_changes(self):
        self.client.force_login(self.bob)
        r = self.client.post(self.url, {"identifier": "charlie", "role": "owner"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Invitation.objects.exists())
        self.assertFalse(Membership.objects.filter(user=self.charlie, team=self.team).exists())


class MemberRoleTestCase(BaseTestCase):
    def url(self, membership):
        return reverse("teams:member_role", args=[self.team.pk, membership.pk])

    def test_owner_changes_a_role(self):
        self.client.force_login(self.alice)
        self.client.post(self.url(self.victor_membership), {"role": "editor"})
        self.victor_membership.refresh_from_db()
        self.assertEqual(self.victor_membership.role, Role.EDITOR)

    def test_the_last_owner_cannot_step_down(self):
        self.client.force_login(self.alice)
        alice = Membership.objects.get(team=self.team, user=self.alice)
        r = self.client.post(self.url(alice), {"role": "viewer"})
        self.assertContains(r, "at least one owner", status_code=400)
        alice.refresh_from_db()
        self.assertEqual(alice.role, Role.OWNER)

    def test_a_membership_of_another_team_is_404(self):
        other = Membership.objects.get(team__personal=True, user=self.charlie)
        self.client.force_login(self.alice)
        r = self.client.post(reverse("teams:member_role", args=[self.team.pk, other.pk]), {"role": "viewer"})
        self.assertEqual(r.status_code, 404)
        other.refresh_from_db()
        self.assertEqual(other.role, Role.OWNER)


class MemberRemoveAndLeaveTestCase(BaseTestCase):
    def test_owner_removes_a_member(self):
        self.client.force_login(self.alice)
        self.client.post(reverse("teams:member_remove", args=[self.team.pk, self.bob_membership.pk]))
        self.assertFalse(Membership.objects.filter(pk=self.bob_membership.pk).exists())

    def test_viewer_leaves(self):
        self.client.force_login(self.victor)
        r = self.client.post(reverse("teams:leave", args=[self.team.pk]))
        self.assertRedirects(r, reverse("teams:list"))
        self.assertFalse(Membership.objects.filter(pk=self.victor_membership.pk).exists())

    def test_last_owner_cannot_leave(self):
        self.client.force_login(self.alice)
        r = self.client.post(reverse("teams:leave", args=[self.team.pk]))
        self.assertContains(r, "at least one owner", status_code=400)
        self.assertTrue(Membership.objects.filter(team=self.team, user=self.alice).exists())

    def test_an_owner_can_leave_when_another_owner_remains(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        self.client.force_login(self.alice)
        self.client.post(reverse("teams:leave", args=[self.team.pk]))
        self.assertFalse(Membership.objects.filter(team=self.team, user=self.alice).exists())

    def test_nobody_leaves_a_personal_team(self):
        personal = Team.objects.get(personal=True, memberships__user=self.bob)
        self.client.force_login(self.bob)
        r = self.client.post(reverse("teams:leave", args=[personal.pk]))
        self.assertEqual(r.status_code, 400)
        self.assertTrue(personal.memberships.filter(user=self.bob).exists())


class TeamDeleteTestCase(BaseTestCase):
    def test_owner_deletes_after_typing_the_name(self):
        self.client.force_login(self.alice)
        r = self.client.post(reverse("teams:delete", args=[self.team.pk]), {"confirm": "Platform"})
        self.assertRedirects(r, reverse("teams:list"))
        self.assertFalse(Team.objects.filter(pk=self.team.pk).exists())

    def test_it_needs_the_name_typed(self):
        self.client.force_login(self.alice)
        r = self.client.post(reverse("teams:delete", args=[self.team.pk]), {"confirm": "platform"})
        self.assertEqual(r.status_code, 400)
        self.assertTrue(Team.objects.filter(pk=self.team.pk).exists())

    def test_a_personal_team_is_not_deleted(self):
        personal = Team.objects.get(personal=True, memberships__user=self.alice)
        self.client.force_login(self.alice)
        r = self.client.post(reverse("teams:delete", args=[personal.pk]), {"confirm": personal.name})
        self.assertEqual(r.status_code, 400)
        self.assertTrue(Team.objects.filter(pk=personal.pk).exists())


class PersonalTeamTestCase(BaseTestCase):
    def test_every_new_account_has_one(self):
        dora = UserFactory(username="dora")
        self.assertEqual(Team.objects.filter(personal=True, memberships__user=dora).count(), 1)
