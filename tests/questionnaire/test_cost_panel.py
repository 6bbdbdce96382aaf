"""The full recommendation's cost: each component of the proposed architecture with its lines'
arithmetic and assumptions, the Region and the free-tier setting."""

import re

import pytest
from django.urls import reverse

URL = reverse("questionnaire:start")
QUEUE = {"trigger": "queue", "client_waits": "false"}


def cost_section(content: bytes) -> str:
    text = content.decode()
    start = text.index('<h3 class="panel-title" id="cost">Monthly cost</h3>')
    return text[start:text.index("free tier is", start) + 40]


@pytest.mark.django_db
class TestCostPanel:
    def test_it_groups_the_lines_by_component_with_their_arithmetic(self, client, engine):
        section = cost_section(client.get(URL, QUEUE).content)
        expected = engine.recommend({"trigger": "queue", "client_waits": False}).cost
        for line in expected.lines:
            assert f'<th scope="row">{line.component_name}</th>' in section
            assert line.arithmetic in section
        assert "3,000,000 requests × $0.0000004" in section  # the work queue: send, receive, delete
        assert "1% of invocations start cold" in section
        assert "us-east-1 on-demand prices; the free tier is not deducted" in section

    def test_it_shows_people_names_not_logical_ids(self, client, engine):
        section = cost_section(client.get(URL, QUEUE).content)
        ids = {c.id for c in engine.recommend({"trigger": "queue", "client_waits": False}).architecture.components}
        shown = set(re.findall(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b", section))
        assert not shown & ids, shown & ids

    def test_the_free_tier_switch_deducts_it(self, client):
        section = cost_section(client.get(URL, {**QUEUE, "free_tier": "true"}).content)
        assert "the free tier is deducted" in section and "Free tier" in section and "-$0.20" in section

    def test_express_and_standard_are_both_offered_when_both_fit(self, client):
        content = client.get(URL, {"trigger": "http", "client_waits": "false", "steps": "4"}).content.decode()
        assert "Other options, not in the total" in content and "Standard:" in content
