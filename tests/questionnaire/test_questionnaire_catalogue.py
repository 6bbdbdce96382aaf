"""The pattern catalogue: list with comparison table, one page per pattern, checklist."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from pattern_library import registry


@pytest.mark.django_db
class TestPatternList:
    def test_it_compares_every_pattern(self, client, engine):
        response = client.get(reverse("questionnaire:patterns"))
        assert response.status_code == 200
        content = response.content.decode()
        for pattern in engine.catalogue.patterns:
            assert f'<a href="{reverse("questionnaire:pattern", args=[pattern.slug])}">{escape(pattern.name)}</a>' in content
            assert escape(pattern.best_for) in content
            assert escape(pattern.main_risk) in content

    def test_rows_follow_the_catalogue_order(self, client, engine):
        content = client.get(reverse("questionnaire:patterns")).content.decode()
        table = content[content.index('<table class="comparison">'):content.index("</table>")]
        ordered = sorted(engine.catalogue.patterns, key=lambda p: p.order)
        positions = [table.index(escape(p.name)) for p in ordered]
        assert positions == sorted(positions)


@pytest.mark.django_db
class TestPatternPage:
    @pytest.mark.parametrize("slug", registry.slugs())
    def test_every_pattern_page_renders_its_content(self, client, engine, slug):
        pattern = engine.catalogue.pattern_map[slug]
        response = client.get(reverse("questionnaire:pattern", args=[slug]))
        assert response.status_code == 200
        content = response.content.decode()
        for text in (pattern.name, pattern.summary, pattern.rule_of_thumb, *pattern.when_to_use, *pattern.services):
            assert escape(text) in content
        for tradeoff in pattern.tradeoffs:
            assert escape(tradeoff.benefit) in content and escape(tradeoff.cost) in content
        for warning_id in pattern.warnings:
            kind = engine.catalogue.warning_map[warning_id]
            assert escape(kind.title) in content
            for step in kind.bad + kind.better:
                assert escape(step) in content
        for alternative in pattern.alternatives:
            assert f'href="{reverse("questionnaire:pattern", args=[alternative.use])}"' in content
            assert escape(alternative.instead_of) in content

    def test_chaining_says_what_to_use_instead(self, client):
        content = client.get(reverse("questionnaire:pattern", args=["chaining"])).content.decode()
        assert "Use instead" in content

    def test_an_unknown_pattern_is_a_404(self, client, engine):
        assert client.get(reverse("questionnaire:pattern", args=["carrier-pigeon"])).status_code == 404


@pytest.mark.django_db
class TestChecklist:
    def test_it_lists_every_item_and_when_it_applies(self, client, engine):
        response = client.get(reverse("questionnaire:checklist"))
        assert response.status_code == 200
        content = response.content.decode()
        for item in engine.catalogue.checklist:
            assert escape(item.text) in content
            if item.when:
                assert escape(item.when) not in content  # said in words, not as the rule's expression
            for slug in item.patterns:
                assert f'href="{reverse("questionnaire:pattern", args=[slug])}"' in content


    def test_it_says_when_an_item_applies_in_words(self, client):
        content = client.get(reverse("questionnaire:checklist")).content.decode()
        assert escape("When “Does the caller wait for the result?” is Yes and "
                      "“Response time the caller accepts (p99)” is under 1,000 ms") in content


@pytest.mark.django_db
class TestHome:
    def test_it_leads_into_the_questionnaire_and_the_catalogue(self, client, engine):
        response = client.get(reverse("home"))
        assert response.status_code == 200
        content = response.content.decode()
        assert f'href="{reverse("questionnaire:start")}"' in content
        assert f'href="{reverse("questionnaire:patterns")}"' in content
        for pattern in engine.catalogue.patterns:
            assert f'href="{reverse("questionnaire:pattern", args=[pattern.slug])}"' in content

    def test_htmx_is_served_from_our_own_static_files(self, client):
        content = client.get(reverse("home")).content.decode()
        assert '<script src="/static/vendor/htmx.min.js" defer></script>' in content
        # Every script and stylesheet comes from our own origin (the page's CSRF
        # token is random text, so the check reads the tags, not the whole page).
        loaded = re.findall(r'<script[^>]*\ssrc="([^"]*)"', content)
        loaded += re.findall(r'<link[^>]*\srel="stylesheet"[^>]*\shref="([^"]*)"', content)
        loaded += re.findall(r'<link[^>]*\shref="([^"]*)"[^>]*\srel="stylesheet"', content)
        assert loaded and all(url.startswith("/static/") for url in loaded), loaded
