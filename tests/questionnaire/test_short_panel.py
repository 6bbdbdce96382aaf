"""The short panel beside the form: best fit and why, top risks, the monthly total, limits
broken, and what changed since the answers before; the full recommendation below the form
is fetched again only when it is scrolled into view."""

import dataclasses
import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from advisor.questionnaire.panel import GLANCE_RISKS, BrokenLimit, Glance, RiskLine, build_glance, compare

from test_questionnaire_live import visible_form

URL = reverse("questionnaire:start")
ORDER_API = {"client_waits": False, "unreliable_downstream": True}
EVENTS = {"trigger": "event", "client_waits": False, "consumers": 3, "content_routing": True,
          "unreliable_downstream": True, "payload_kb": 300, "peak_rps": 2000, "downstream_max_rps": 50}
EVENTS_QUERY = {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in EVENTS.items()}


def short_panel(content: bytes) -> str:
    text = content.decode()
    start = text.index('<section class="panel" id="panel"')
    return html.unescape(text[start:text.index("</section>", start)])


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def live(client, engine, answers, before: str | None = "", **headers):
    """A live update as htmx sends it, from a page whose address holds ``before``."""
    if before is not None:
        headers["HTTP_HX_CURRENT_URL"] = f"http://testserver{URL}{'?' + before if before else ''}"
    return client.post(URL, visible_form(engine, **answers), HTTP_HX_REQUEST="true", **headers)


@pytest.mark.django_db
class TestWhatItShows:
    def test_best_fit_with_its_first_reason_the_monthly_total_and_the_risks_by_severity(self, client, engine):
        response = client.get(URL, EVENTS_QUERY)
        expected = engine.recommend(EVENTS)
        panel = text_of(short_panel(response.content))
        best = expected.recommendations[0]
        assert f"Best fit {engine.catalogue.pattern_map[best.pattern].name} {round(best.score * 100)}%" in panel
        assert best.reasons[0].why in panel
        assert f"Per month ${expected.cost.monthly_usd:,.2f}" in panel  # the same total as the full cost table
        assert f"Risks {len(expected.warnings)}" in panel
        shown = response.context["glance"].top_risks
        assert len(shown) == GLANCE_RISKS < len(expected.warnings)
        ranks = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        assert [ranks[risk.severity] for risk in shown] == sorted(ranks[w.severity] for w in expected.warnings)[:GLANCE_RISKS]
        assert f"{len(expected.warnings) - GLANCE_RISKS} more risks below" in panel

    def test_limits_broken_show_the_answer_next_to_the_aws_limit(self, client):
        response = client.get(URL, {"trigger": "schedule", "client_waits": "false", "duration_s": "1200"})
        panel = text_of(short_panel(response.content))
        assert "Limits broken 2" in panel
        assert "Lambda maximum function timeout 1,200 s (AWS: 900 s)" in panel
        assert "Instead of Lambda for the core work: Run the long computation as a container task" in panel

    def test_it_is_short_the_rest_is_below_the_form(self, client, engine):
        response = client.get(URL, EVENTS_QUERY)
        panel = short_panel(response.content)
        for long_part in ("Ranked patterns", "Cost by component", "Before going to production", "How it goes wrong"):
            assert long_part not in panel
        below = response.content.decode()[response.content.decode().index('id="below-the-form"'):]
        for part in ("Ranked patterns", "Monthly cost", "Before going to production", "How it goes wrong"):
            assert part in below
        assert 'href="#recommendation"' in panel

    def test_no_pattern_fits_yet_is_said_plainly(self, engine):
        recommendation = engine.recommend({})
        glance = build_glance(engine, recommendation)
        empty = Glance("", "", 0, "", (), "", (), 0.0, ())
        assert glance.best and empty.summary == "No pattern fits these answers yet."
        assert compare(glance, empty).items[0].text == "No pattern fits any more."


@pytest.mark.django_db
class TestWhatChanged:
    def test_a_new_best_fit_new_risks_and_the_cost_are_named(self, client, engine):
        response = live(client, engine, ORDER_API, before="")
        panel = text_of(short_panel(response.content))
        before, after = engine.recommend({}), engine.recommend(ORDER_API)
        assert "Best fit is now Lambda + SQS worker (was API Gateway + Lambda)." in panel
        assert "new risks:" in panel and "Unprocessable messages are retried over and over in Lambda + SQS worker (high)" in panel
        difference = after.cost.monthly_usd - before.cost.monthly_usd
        assert f"Cost up ${difference:,.2f} to ${after.cost.monthly_usd:,.2f} a month." in panel

    def test_going_back_says_the_risks_are_gone_and_the_cost_went_down(self, client, engine):
        query = client.post(URL, visible_form(engine, **ORDER_API))["Location"].split("?")[1].split("#")[0]
        panel = text_of(short_panel(live(client, engine, {}, before=query).content))
        assert "Best fit is now API Gateway + Lambda (was Lambda + SQS worker)." in panel
        assert "risks gone" in panel and "Cost down" in panel

    def test_a_broken_limit_appears_and_disappears(self, client, engine):
        long_job = {"trigger": "schedule", "client_waits": False, "duration_s": 1200}
        short_job = {"trigger": "schedule", "client_waits": False, "duration_s": 60}
        query = "trigger=schedule&client_waits=false&duration_s=60"
        panel = text_of(short_panel(live(client, engine, long_job, before=query).content))
        assert "limits now broken:" in panel and "Lambda maximum function timeout (1,200 s; AWS allows 900 s)" in panel
        assert "Lambda is no longer the answer for the core work" in panel
        query = "trigger=schedule&client_waits=false&duration_s=1200"
        panel = text_of(short_panel(live(client, engine, short_job, before=query).content))
        assert "limits no longer broken:" in panel and "Lambda maximum function timeout" in panel

    def test_the_same_answers_again_change_nothing(self, client, engine):
        panel = text_of(short_panel(live(client, engine, ORDER_API, before="client_waits=false&unreliable_downstream=true").content))
        assert "Nothing here changed with your last answer." in panel

    def test_it_compares_even_when_the_answers_before_are_not_in_the_cache(self, client, engine):
        cache.clear()
        panel = text_of(short_panel(live(client, engine, {**ORDER_API, "peak_rps": 20},
                                         before="client_waits=false&unreliable_downstream=true").content))
        assert "Nothing here changed with your last answer." in panel or "Cost" in panel
        assert "Change an answer to see what it changes." not in panel

    def test_without_the_page_address_there_is_nothing_to_compare_with(self, client, engine):
        panel = text_of(short_panel(live(client, engine, ORDER_API, before=None).content))
        assert "Change an answer to see what it changes." in panel
        another_page = live(client, engine, ORDER_API, before=None, HTTP_HX_CURRENT_URL="http://testserver/patterns/")
        assert "Change an answer to see what it changes." in text_of(short_panel(another_page.content))

    def test_screen_readers_hear_the_summary_and_the_changes(self, client, engine):
        content = live(client, engine, ORDER_API, before="").content.decode()
        announced = re.search(r'<div id="panel-announcer" hx-swap-oob="innerHTML">(.*?)</div>', content, re.S).group(1)
        assert announced.startswith("Best fit: Lambda + SQS worker")
        assert "Best fit is now Lambda + SQS worker (was API Gateway + Lambda)." in html.unescape(announced)

    def test_each_answer_that_moves_the_cost_moves_the_panels_total_one_after_another(self, client, engine):
        # The engine keeps each cost under the answers pricing read; one answer after another
        # changed from the same workload must each still show its own total.
        steps = [ORDER_API, {**ORDER_API, "monthly_invocations": 9_000_000}, {**ORDER_API, "payload_kb": 200},
                 {**ORDER_API, "memory_mb": 3008}, {**ORDER_API, "peak_rps": 2500}, ORDER_API]
        for answers in steps:
            panel = text_of(short_panel(live(client, engine, answers, before=None).content))
            expected = dataclasses.replace(engine.recommend(answers), costs=None).cost.monthly_usd  # priced afresh
            assert f"Per month ${expected:,.2f}" in panel, answers
        totals = {dataclasses.replace(engine.recommend(a), costs=None).cost.monthly_usd for a in steps}
        assert len(totals) == len(steps) - 1  # each change moved the total (the last is the first again)

    def test_only_the_first_changes_are_listed_and_the_rest_counted(self):
        risk = RiskLine("A risk", "high", "")
        before = Glance("One", "one", 50, "", (), "", (), 10.0, ())
        after = Glance("Two", "two", 60, "", (), "", (risk,), 20.0, (BrokenLimit("A limit", "2", "1"),))
        changes = compare(before, after)
        assert [change.tone for change in changes.items] == ["neutral", "worse", "worse", "worse"]
        assert len(changes.shown) == 3 and changes.more == 1


@pytest.mark.django_db
class TestTheFullRecommendationBelow:
    def test_a_live_update_leaves_it_to_load_when_scrolled_into_view(self, client, engine):
        content = live(client, engine, ORDER_API).content.decode()
        placeholder = re.search(r'<div class="q-full is-loading" id="below-the-form"[^>]*>', content).group(0)
        assert 'hx-swap-oob="true"' in placeholder and 'hx-trigger="intersect once"' in placeholder
        assert f'hx-get="{URL}?client_waits=false&amp;unreliable_downstream=true"' in placeholder
        assert "Ranked patterns" not in content and "Monthly cost" not in content  # not rendered on each answer
        assert 'href="/questionnaire/recommendation/?client_waits=false&amp;unreliable_downstream=true"' in content

    def test_fetched_by_htmx_it_is_the_tools_and_the_full_recommendation_alone(self, client, engine):
        response = client.get(URL, {"client_waits": "false", "unreliable_downstream": "true"}, HTTP_HX_REQUEST="true")
        content = response.content.decode()
        assert content.lstrip().startswith('<div class="q-full" id="below-the-form">')
        assert "Ranked patterns" in content and "Monthly cost" in content and "Load answers from a file" in content
        assert '<form id="questionnaire"' not in content and "HX-Request" in response["Vary"]

    def test_a_history_restore_gets_the_whole_page(self, client):
        response = client.get(URL, {"client_waits": "false"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
        assert "<html" in response.content.decode()
