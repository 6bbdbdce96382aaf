"""The questionnaire links to a drawing of the proposed architecture for the current answers."""

import pytest
from django.urls import reverse

import generator

needs_graphviz = pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")


@needs_graphviz
@pytest.mark.django_db
def test_the_panel_links_to_a_drawing_of_the_proposal(client):
    page = client.get(reverse("questionnaire:start") + "?trigger=queue").content.decode()
    url = reverse("questionnaire:diagram_page") + "?trigger=queue"
    assert f'href="{url}"' in page and "See it drawn" in page
    # The drawing's own page: a title, the drawing, and a way back to the same answers.
    drawn = client.get(reverse("questionnaire:diagram_page"), {"trigger": "queue"})
    html = drawn.content.decode()
    assert drawn.status_code == 200 and "<h1>The proposed architecture</h1>" in html
    assert 'src="' + reverse("questionnaire:diagram") + '?trigger=queue"' in html
    assert 'href="' + reverse("questionnaire:start") + '?trigger=queue">← Back to your answers' in html
    assert 'tabindex="0" role="region" aria-label="The proposed architecture' in html
    # A screen reader hears the patterns' names, as on a saved revision, not their slugs.
    assert 'alt="Diagram of the proposed architecture: Lambda + SQS worker, with the queues, tables and ' \
           'dead-letter paths each one brings"' in html
    response = client.get(reverse("questionnaire:diagram"), {"trigger": "queue"})
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<svg" in svg and "Work queue" in svg and "<script" not in svg


@needs_graphviz
@pytest.mark.django_db
def test_different_answers_draw_different_architectures(client):
    queue = client.get(reverse("questionnaire:diagram"), {"trigger": "queue"}).content
    upload = client.get(reverse("questionnaire:diagram"), {"trigger": "file_upload"}).content
    assert queue != upload and b"Uploads" in upload


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["questionnaire:diagram", "questionnaire:diagram_page"])
def test_bad_answers_are_a_400_page_not_a_drawing(client, name):
    response = client.get(reverse(name), {"latency_ms": "soon"})
    assert response.status_code == 400 and b"latency" in response.content.lower()


@needs_graphviz
@pytest.mark.django_db
@pytest.mark.parametrize("slug", generator.PATTERN_SLUGS)
def test_every_pattern_page_shows_the_pattern_as_generated(client, slug):
    page = client.get(reverse("questionnaire:pattern", args=[slug])).content.decode()
    url = reverse("questionnaire:pattern_diagram", args=[slug])
    assert f'src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content and b"cluster_" in response.content


@pytest.mark.django_db
def test_unknown_patterns_have_no_drawing(client):
    assert client.get(reverse("questionnaire:pattern_diagram", args=["kafka"])).status_code == 404
