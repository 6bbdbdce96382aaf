"""The live panel (htmx) and the shareable URL."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

URL = reverse("questionnaire:start")
ORDER_API = {"trigger": "http", "client_waits": "false", "unreliable_downstream": "true"}


def visible_form(engine, **answers) -> dict[str, str]:
    """What the browser posts: every visible question's current value (typed answers in)."""
    typed = engine.validate(answers)
    visible = {q.key for q in engine.visible_questions(typed)}
    data = {}
    for question in engine.questions:
        if question.key not in visible:
            continue
        value = typed[question.key]
        if question.default_from and question.key not in answers:
            value = None  # shown empty: it follows the answer it defaults from
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[question.key] = "" if value is None else str(value)
    return data


def panel_html(content: bytes) -> str:
    """The short panel, without what changed since the answers before (which a shared link
    opened afresh has nothing to compare with)."""
    html = content.decode()
    start = html.index('<section class="panel" id="panel"')
    panel = html[start:html.index("</section>", start)]
    panel = re.sub(r'<div class="glance-changes">.*?</div>', "", panel, flags=re.S)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", panel)


@pytest.mark.django_db
class TestLivePanel:
    def test_an_htmx_request_gets_only_the_panel(self, client, htmx, engine):
        response = client.post(URL, visible_form(engine, client_waits=False, unreliable_downstream=True), **htmx)
        content = response.content.decode()
        assert response.status_code == 200
        assert content.lstrip().startswith('<section class="panel" id="panel"')
        assert "<html" not in content and "<form id=\"questionnaire\"" not in content
        assert "Lambda + SQS worker" in content
        assert "HX-Request" in response["Vary"]

    def test_it_updates_the_browser_url_to_the_shareable_one(self, client, htmx, engine):
        response = client.post(URL, visible_form(engine, client_waits=False, unreliable_downstream=True), **htmx)
        assert response["HX-Replace-Url"] == f"{URL}?client_waits=false&unreliable_downstream=true"

    def test_a_question_that_becomes_relevant_is_swapped_in(self, client, htmx, engine):
        data = visible_form(engine, steps=1)
        data["steps"] = "3"  # the user just changed this; compensation is not on the page yet
        content = client.post(URL, data, **htmx).content.decode()
        assert re.search(r'<div class="question follow-up" id="q-compensation" hx-swap-oob="true">', content)
        assert 'name="compensation"' in content

    def test_a_question_that_stops_applying_is_removed(self, client, htmx, engine):
        data = visible_form(engine)  # latency_ms is on the page while the caller waits
        data["client_waits"] = "false"
        content = client.post(URL, data, **htmx).content.decode()
        assert '<div class="question follow-up" id="q-latency_ms" hidden hx-swap-oob="true">' in content
        assert 'name="latency_ms"' not in content

    def test_questions_that_stay_on_the_page_are_not_re_rendered(self, client, htmx, engine):
        # The user may still be typing in them.
        content = client.post(URL, visible_form(engine, duration_s=5), **htmx).content.decode()
        assert 'name="duration_s"' not in content
        assert 'id="q-' not in content

    def test_an_invalid_value_updates_its_error_slot_and_keeps_the_url(self, client, htmx, engine):
        data = visible_form(engine)
        data["latency_ms"] = "0"
        response = client.post(URL, data, **htmx)
        content = response.content.decode()
        assert response.status_code == 200  # htmx only swaps 2xx responses
        assert '<p id="error-latency_ms" hx-swap-oob="innerHTML">Must be between 1 and 3,600,000 ms; got 0.</p>' in content
        assert '<p id="error-trigger" hx-swap-oob="innerHTML"></p>' in content  # clears old messages
        assert "HX-Replace-Url" not in response

    def test_section_progress_is_updated(self, client, htmx, engine):
        content = client.post(URL, visible_form(engine, steps=3, long_waits=True), **htmx).content.decode()
        # steps, compensation, long waits, the waiting time they bring up, services combined
        assert '<span id="meta-section-the-process" hx-swap-oob="innerHTML">5 questions · 2 changed</span>' in content

    def test_screen_readers_hear_a_one_line_summary(self, client, htmx, engine):
        content = client.post(URL, visible_form(engine, client_waits=False, unreliable_downstream=True), **htmx).content.decode()
        assert re.search(r'<div id="panel-announcer" hx-swap-oob="innerHTML">Best fit: Lambda \+ SQS worker \(\d+%\)', content)


@pytest.mark.django_db
class TestSharing:
    def test_a_plain_form_post_redirects_to_the_shareable_url(self, client, engine):
        response = client.post(URL, visible_form(engine, client_waits=False, unreliable_downstream=True))
        assert response.status_code == 302
        assert response["Location"] == f"{URL}?client_waits=false&unreliable_downstream=true#recommendation"

    def test_the_shared_url_holds_only_answers_that_differ_from_the_defaults(self, client, engine):
        data = visible_form(engine, client_waits=False, duration_s=30, max_duration_s=30)
        location = client.post(URL, data)["Location"]
        assert dict(parse_qsl(urlsplit(location).query)) == {"client_waits": "false", "duration_s": "30"}

    @pytest.mark.parametrize("answers", [
        {"client_waits": False, "unreliable_downstream": True},
        {"trigger": "file_upload", "client_waits": False, "data_store": "s3", "writes_back_to_source": True},
        {"steps": 5, "compensation": True, "long_waits": True, "payload_kb": 300.5},
        {"data_store": "relational", "db_max_connections": 40, "peak_rps": 250, "downstream_max_rps": 20},
    ])
    def test_the_shared_url_reproduces_the_same_result(self, client, htmx, engine, answers):
        posted = client.post(URL, visible_form(engine, **answers))
        live = client.post(URL, visible_form(engine, **answers), **htmx)
        shared = client.get(posted["Location"].split("#")[0])
        assert live["HX-Replace-Url"] == posted["Location"].split("#")[0]
        assert shared.status_code == 200
        expected = engine.recommend(answers).to_dict()
        assert engine.recommend(shared.context["submission"].answers).to_dict() == expected
        assert panel_html(shared.content) == panel_html(live.content)
        assert shared.context["share_url"] == "http://testserver" + posted["Location"].split("#")[0]

    def test_without_answers_the_url_is_the_plain_questionnaire(self, client, engine):
        response = client.post(URL, visible_form(engine))
        assert response["Location"] == f"{URL}#recommendation"
