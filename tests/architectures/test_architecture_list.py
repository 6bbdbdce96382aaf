import pytest
from django.test import Client
from django.urls import reverse

from advisor.teams.models import Team
from benchmarks.architecture_list import populate
from tests.factories import ArchitectureFactory, BaseTestCase, UserFactory

LIST = reverse("architectures:list")


class ListTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.billing = ArchitectureFactory(team=self.team, created_by=self.bob, name="Billing",
                                           answers={"trigger": "schedule"})
        charlies_team = Team.objects.get(personal=True, memberships__user=self.charlie)
        ArchitectureFactory(team=charlies_team, created_by=self.charlie, name="Secret plans")
        self.client.force_login(self.victor)

    def test_it_lists_only_my_teams_architectures(self):
        r = self.client.get(LIST)
        self.assertEqual([a.name for a in r.context["page"]], ["Billing", "Order pipeline"])
        self.assertNotContains(r, "Secret plans")

    def test_it_searches_names_and_descriptions(self):
        self.assertEqual([a.name for a in self.client.get(LIST, {"q": "bill"}).context["page"]], ["Billing"])
        self.assertEqual([a.name for a in self.client.get(LIST, {"q": "warehouse"}).context["page"]],
                         ["Billing", "Order pipeline"])
        self.assertContains(self.client.get(LIST, {"q": "plans"}), "Nothing matches")

    def test_it_filters_by_team(self):
        r = self.client.get(LIST, {"team": self.team.pk})
        self.assertEqual(r.context["team"], self.team)

    def test_another_teams_filter_is_404(self):
        charlies_team = Team.objects.get(personal=True, memberships__user=self.charlie)
        self.assertEqual(self.client.get(LIST, {"team": charlies_team.pk}).status_code, 404)

    def test_bad_parameters_are_a_400(self):
        self.assertEqual(self.client.get(LIST, {"team": "abc"}).status_code, 400)
        self.assertEqual(self.client.get(LIST, {"q": "x" * 101}).status_code, 400)
        self.assertEqual(self.client.get(LIST, {"q": "nul\x00byte"}).status_code, 400)

    def test_a_page_out_of_range_shows_the_last_page(self):
        r = self.client.get(LIST, {"page": "999"})
        self.assertEqual(r.context["page"].number, 1)

    def test_htmx_gets_only_the_results(self):
        r = self.client.get(LIST, {"q": "bill"}, headers={"HX-Request": "true"})
        self.assertNotContains(r, "<html")
        self.assertContains(r, 'id="results"')


# session, user, row count, one page of rows, the team filter's options, and the catalogue
# version (looked up at most once a second per process, so sometimes not at all)
LIST_QUERIES = 6


@pytest.mark.slow
@pytest.mark.django_db
def test_ten_thousand_architectures_in_a_hundred_teams_take_the_same_queries(django_assert_max_num_queries):
    user = UserFactory(username="dora")
    client = Client()
    client.force_login(user)
    populate(user, teams=1, per_team=1)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(LIST).status_code == 200
    populate(user, teams=99, per_team=101)
    counts = {}
    for url in (LIST, LIST + "?page=200", LIST + "?q=Service+0042"):
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(url)
        assert response.status_code == 200
        counts[url] = response.context["page"].paginator.count
    assert counts == {LIST: 10_000, LIST + "?page=200": 10_000, LIST + "?q=Service+0042": 99}
