from django.core.exceptions import PermissionDenied
from django.http import Http404

from advisor.architectures.models import Architecture, Revision
from advisor.teams.models import Membership, Role, Team
from advisor.teams.scoping import get_for_user, visible_to
from tests.factories import BaseTestCase


class GetForUserTestCase(BaseTestCase):
    def test_it_returns_the_object_and_my_role(self):
        architecture, role = get_for_user(self.victor, Architecture.objects.all(), pk=self.architecture.pk)
        self.assertEqual(architecture, self.architecture)
        self.assertEqual(role, Role.VIEWER)

    def test_it_reaches_the_team_through_nested_relations(self):
        revision, role = get_for_user(self.bob, Revision.objects.all(), Role.EDITOR, pk=self.revision.pk)
        self.assertEqual((revision, role), (self.revision, Role.EDITOR))

    def test_outsider_gets_404(self):
        for queryset, pk in ((Team.objects.all(), self.team.pk), (Architecture.objects.all(), self.architecture.pk),
                             (Revision.objects.all(), self.revision.pk),
                             (Membership.objects.all(), self.bob_membership.pk)):
            with self.subTest(model=queryset.model.__name__), self.assertRaises(Http404):
                get_for_user(self.charlie, queryset, pk=pk)

    def test_viewer_asking_to_write_gets_403(self):
        with self.assertRaises(PermissionDenied):
            get_for_user(self.victor, Architecture.objects.all(), Role.EDITOR, pk=self.architecture.pk)

    def test_editor_asking_to_manage_gets_403(self):
        with self.assertRaises(PermissionDenied):
            get_for_user(self.bob, Team.objects.all(), Role.OWNER, pk=self.team.pk)

    def test_a_missing_object_is_404(self):
        with self.assertRaises(Http404):
            get_for_user(self.alice, Architecture.objects.all(), pk=10**12)

    def test_visible_to_filters_by_membership_and_role(self):
        self.assertEqual(list(visible_to(self.charlie, Architecture.objects.all())), [])
        self.assertEqual(list(visible_to(self.victor, Architecture.objects.all())), [self.architecture])
        self.assertEqual(list(visible_to(self.victor, Architecture.objects.all(), Role.EDITOR)), [])
        editable = visible_to(self.bob, Team.objects.all(), Role.EDITOR)
        self.assertEqual(set(editable.values_list("name", flat=True)), {"Platform", "bob (personal)"})
