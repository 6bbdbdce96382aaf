"""The full recommendation on a URL of its own: a GET carrying the answers, shareable, no JavaScript needed."""

import pytest
from django.urls import reverse

URL = reverse("questionnaire:recommendation")
ORDER_API = {"client_waits": "false", "unreliable_downstream": "true"}


@pytest.mark.django_db
class TestRecommendationPage:
    def test_it_shows_the_whole_recommendation_for_the_answers_in_its_address(self, client, engine):
        response = client.get(URL, ORDER_API)
        content = response.content.decode()
        assert response.status_code == 200
        assert "<h1>The recommendation for your workload</h1>" in content
        expected = engine.recommend({"client_waits": False, "unreliable_downstream": True})
        assert [row.pattern.slug for row in response.context["panel"].ranked] == list(expected.patterns)
        for part in ("Ranked patterns", "Risks for this workload", "Monthly cost", "Total per month"):
            assert part in content
        assert f"${expected.cost.monthly_usd:,.2f}" in content
        assert "How it goes wrong, and the fix" in content

    def test_it_names_the_answers_in_words_and_leads_back_to_them(self, client):
        content = client.get(URL, ORDER_API).content.decode()
        assert '<span class="chip">Does the caller wait for the result? No</span>' in content
        assert '<span class="chip">Do you call third-party services that fail now and then? Yes</span>' in content
        back = reverse("questionnaire:start") + "?client_waits=false&amp;unreliable_downstream=true"
        assert f'href="{back}">← Change these answers' in content

    def test_its_share_link_is_its_own_address(self, client):
        response = client.get(URL, ORDER_API)
        assert response.context["share_url"] == "http://testserver" + URL + "?client_waits=false&unreliable_downstream=true"

    def test_the_defaults_have_a_recommendation_too(self, client):
        response = client.get(URL)
        assert response.status_code == 200
        assert "For the questionnaire's default answers." in response.content.decode()

    def test_a_bad_answer_in_the_address_is_a_400_with_the_message_in_place(self, client, error_next_to):
        response = client.get(URL, {"latency_ms": "0"})
        assert response.status_code == 400
        assert error_next_to(response.content, "latency_ms") == "Must be between 1 and 3,600,000 ms; got 0."

    def test_only_get(self, client):
        assert client.post(URL, ORDER_API).status_code == 405

    def test_the_questionnaire_links_to_it(self, client):
        content = client.get(reverse("questionnaire:start"), ORDER_API).content.decode()
        assert f'href="{URL}?client_waits=false&amp;unreliable_downstream=true"' in content
