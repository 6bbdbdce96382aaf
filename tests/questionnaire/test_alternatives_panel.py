"""The questionnaire page says when Lambda is not the answer, and what to use beside it."""

import html
import re

import pytest
from django.urls import reverse

URL = reverse("questionnaire:start")


def panel_text(response) -> str:
    """The full recommendation below the questionnaire."""
    content = response.content.decode()
    start = content.index('<section class="full-recommendation" id="recommendation"')
    return html.unescape(content[start:content.index("</section>", start)])


@pytest.mark.django_db
def test_long_compute_shows_what_replaces_lambda_before_the_patterns(client):
    response = client.get(URL, {"trigger": "schedule", "client_waits": "false", "duration_s": "2400",
                                "max_duration_s": "3000"})
    assert response.status_code == 200
    panel = panel_text(response)
    assert panel.index("Where Lambda is not the answer") < panel.index("Ranked patterns")
    assert "Run the long computation as a container task on AWS Fargate" in panel
    assert "What Lambda still does." in panel and "RunTask .sync" in panel
    # The answer behind it, in the questionnaire's words.
    assert '<span class="chip">Worst-case processing time: 3,000 s</span>' in response.content.decode()
    assert response.context["panel"].summary.startswith("Lambda is not the answer for the core work")
    # The short panel beside the form says it first too.
    assert response.context["glance"].summary.startswith("Lambda is not the answer for the core work")
    assert "Instead of Lambda for the core work:</strong> Run the long computation as a container task" in \
        response.content.decode()


@pytest.mark.django_db
def test_push_to_clients_is_asked_and_its_answer_adds_a_websocket_api_beside_lambda(client):
    page = client.get(URL, {"trigger": "http"})
    assert 'name="push_to_clients"' in page.content.decode()
    response = client.get(URL, {"trigger": "http", "push_to_clients": "true"})
    panel = panel_text(response)
    assert panel.index("Ranked patterns") < panel.index("Beside Lambda") < panel.index("Risks for this workload")
    assert "Push updates through an API Gateway WebSocket API or AWS AppSync" in panel


@pytest.mark.django_db
def test_no_alternatives_section_when_none_applies(client):
    panel = panel_text(client.get(URL, {"trigger": "http"}))
    assert "Beside Lambda" not in panel and "Where Lambda is not the answer" not in panel


@pytest.mark.django_db
def test_push_to_clients_is_not_asked_of_a_scheduled_job(client):
    page = client.get(URL, {"trigger": "schedule"}).content.decode()
    assert not re.search(r'<input[^>]+name="push_to_clients"', page)
