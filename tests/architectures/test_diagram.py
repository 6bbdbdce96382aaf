"""A saved revision is drawn on its pages without generating a project."""

import pytest
from django.urls import reverse

import generator
from advisor.teams.models import Role
from tests.factories import ArchitectureFactory, MembershipFactory, UserFactory

needs_graphviz = pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")


@pytest.fixture
def world(db):
    alice, victor, charlie = (UserFactory(username=name) for name in ("alice", "victor", "charlie"))
    architecture = ArchitectureFactory(created_by=alice, name="Order pipeline")
    MembershipFactory(team=architecture.team, user=victor, role=Role.VIEWER)
    return {"alice": alice, "victor": victor, "charlie": charlie, "architecture": architecture}


def diagram_url(architecture):
    return reverse("architectures:diagram", args=[architecture.pk, architecture.latest.number])


@needs_graphviz
def test_team_members_see_the_revision_drawn(client, world):
    architecture = world["architecture"]
    client.force_login(world["victor"])
    for page in (reverse("architectures:detail", args=[architecture.pk]),
                 reverse("architectures:revision", args=[architecture.pk, architecture.latest.number])):
        html = client.get(page).content.decode()
        assert f'src="{diagram_url(architecture)}"' in html and "Architecture diagram of revision" in html
    response = client.get(diagram_url(architecture))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<svg" in svg and ">order&#45;pipeline<" in svg  # titled with the project name it would get
    assert "cluster_" in svg and "DLQ" in svg  # grouped by pattern, failure paths drawn
    assert "<script" not in svg and "xlink:href" not in svg


@needs_graphviz
def test_the_diagram_page_has_a_title_a_focusable_drawing_and_a_way_back(client, world):
    architecture = world["architecture"]
    number = architecture.latest.number
    page_url = reverse("architectures:diagram_page", args=[architecture.pk, number])
    client.force_login(world["victor"])
    revision_page = client.get(reverse("architectures:revision", args=[architecture.pk, number])).content.decode()
    assert f'href="{page_url}"' in revision_page
    assert 'class="diagram-scroll" id="diagram-1" tabindex="0" role="region" aria-label="Architecture diagram' in revision_page
    html = client.get(page_url).content.decode()
    assert f"<h1>Order pipeline, revision {number}: architecture diagram</h1>" in html
    assert f'src="{diagram_url(architecture)}"' in html and 'tabindex="0" role="region"' in html
    assert f'href="{reverse("architectures:revision", args=[architecture.pk, number])}">← Back to revision' in html
    assert "the legend in the drawing names them" in html
    assert f'alt="Architecture diagram of revision {number}: Lambda + SQS worker, with the queues' in html
    client.force_login(world["charlie"])
    assert client.get(page_url).status_code == 404


@needs_graphviz
def test_the_drawing_is_cached_per_revision(client, world, monkeypatch):
    client.force_login(world["alice"])
    first = client.get(diagram_url(world["architecture"])).content

    def fail(selection):
        raise AssertionError("drawn again")

    monkeypatch.setattr(generator, "architecture_svg", fail)
    assert client.get(diagram_url(world["architecture"])).content == first


def test_outsiders_get_404_and_anonymous_users_log_in(client, world):
    url = diagram_url(world["architecture"])
    assert client.get(url).status_code == 302
    client.force_login(world["charlie"])
    assert client.get(url).status_code == 404


def test_without_graphviz_the_page_shows_no_broken_image(client, world, monkeypatch):
    monkeypatch.setattr(generator, "dot_available", lambda: False)
    client.force_login(world["alice"])
    html = client.get(reverse("architectures:detail", args=[world["architecture"].pk])).content.decode()
    assert "diagram.svg" not in html
