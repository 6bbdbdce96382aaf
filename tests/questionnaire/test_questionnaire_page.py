"""The questionnaire page: questions, sections, conditional questions, errors in place."""

import re

import pytest
from django.urls import reverse

URL = reverse("questionnaire:start")
ORDER_API = {"trigger": "http", "client_waits": "false", "unreliable_downstream": "true"}


def question_keys(content: bytes) -> list[str]:
    return re.findall(r'<div class="question[^"]*" id="q-([a-z0-9_]+)"(?![^>]*hidden)', content.decode())


@pytest.mark.django_db
class TestQuestions:
    def test_it_renders_every_visible_question_with_label_help_and_unit(self, client, engine):
        response = client.get(URL)
        assert response.status_code == 200
        content = response.content.decode()
        visible = engine.visible_questions(engine.validate({}))
        assert question_keys(response.content) == [q.key for q in visible]
        for question in visible:
            assert f'name="{question.key}"' in content
            assert question.label in content
            if question.help:
                assert f'id="help-{question.key}"' in content
            if question.unit:
                assert f'<span class="unit">{question.unit}</span>' in content

    def test_it_shows_sections_in_the_admins_order(self, client, engine):
        content = client.get(URL).content.decode()
        sections = list(dict.fromkeys(q.section for q in engine.questions))
        positions = [content.index(f"<span>{title}</span>") for title in sections]
        assert positions == sorted(positions)
        assert f"Section 1 of {len(sections)}" in content

    def test_it_shows_defaults_as_the_starting_answers(self, client):
        content = client.get(URL).content.decode()
        assert re.search(r'<input type="radio" name="trigger" value="http"[^>]*checked', content)
        assert re.search(r'<input type="number" name="memory_mb" value="512"', content)

    def test_a_bool_is_a_yes_no_choice_and_a_number_has_bounds(self, client):
        content = client.get(URL).content.decode()
        assert re.search(r'name="client_waits" value="true"[^>]*checked', content)
        assert 'name="client_waits" value="false"' in content
        field = re.search(r'<input type="number" name="latency_ms"[^>]*>', content).group(0)
        assert 'min="1"' in field and 'max="3600000"' in field and 'step="1"' in field
        assert 'step="any"' in re.search(r'<input type="number" name="duration_s"[^>]*>', content).group(0)

    def test_a_nullable_number_may_be_left_empty(self, client, error_next_to):
        response = client.get(URL, {"downstream_max_rps": ""})
        assert response.status_code == 200
        assert response.context["submission"].answers["downstream_max_rps"] is None
        assert error_next_to(response.content, "downstream_max_rps") == ""


@pytest.mark.django_db
class TestConditionalQuestions:
    @pytest.mark.parametrize("key, hidden_by, shown_by", [
        ("latency_ms", {"client_waits": "false"}, {"client_waits": "true"}),
        ("compensation", {"steps": "1"}, {"steps": "3"}),
        ("db_max_connections", {"data_store": "dynamodb"}, {"data_store": "relational"}),
        ("content_routing", {"consumers": "1"}, {"consumers": "4"}),
        ("writes_back_to_source", {"trigger": "http"}, {"trigger": "file_upload"}),
        ("client_waits", {"trigger": "event"}, {"trigger": "http"}),
        ("latency_ms", {"trigger": "file_upload"}, {"trigger": "http"}),
    ])
    def test_it_appears_only_when_its_condition_holds(self, client, key, hidden_by, shown_by):
        hidden = client.get(URL, hidden_by)
        shown = client.get(URL, shown_by)
        assert key not in question_keys(hidden.content)
        assert f'name="{key}"' not in hidden.content.decode()
        assert f'id="q-{key}" hidden' in hidden.content.decode()  # the placeholder htmx fills later
        assert key in question_keys(shown.content)

    def test_a_hidden_answer_falls_back_to_its_default(self, client, engine):
        response = client.get(URL, {"client_waits": "false", "latency_ms": "5"})
        submission = response.context["submission"]
        assert submission.answers["latency_ms"] == engine.validate({})["latency_ms"]
        assert "latency_ms" not in submission.query

    def test_work_nobody_calls_is_not_waited_for_whatever_the_form_says(self, client):
        response = client.get(URL, {"trigger": "schedule", "client_waits": "true"})
        submission = response.context["submission"]
        assert submission.answers["client_waits"] is False
        assert "client_waits" not in submission.query and "latency_ms" not in submission.visible

    def test_a_question_depending_on_a_hidden_one_hides_too(self, client):
        # react_to_changes only applies with a data store; writes_back_to_source depends on it.
        response = client.get(URL, {"data_store": "none", "react_to_changes": "true", "writes_back_to_source": "true"})
        submission = response.context["submission"]
        assert "react_to_changes" not in submission.visible
        assert "writes_back_to_source" not in submission.visible
        assert submission.answers["writes_back_to_source"] is False


@pytest.mark.django_db
class TestErrorsInPlace:
    def test_an_out_of_range_value_is_explained_next_to_its_field(self, client, error_next_to):
        response = client.post(URL, {"client_waits": "true", "latency_ms": "0"})
        assert response.status_code == 200
        assert error_next_to(response.content, "latency_ms") == "Must be between 1 and 3,600,000 ms; got 0."
        assert 'aria-invalid="true"' in response.content.decode()

    def test_text_in_a_number_field_is_explained(self, client, error_next_to):
        response = client.post(URL, {"steps": "four"})
        assert error_next_to(response.content, "steps") == "Enter a whole number."

    def test_an_emptied_field_asks_for_a_value(self, client, error_next_to):
        response = client.post(URL, {"duration_s": ""})
        assert error_next_to(response.content, "duration_s") == "Enter a value."

    def test_worst_case_below_typical_is_refused_on_the_worst_case(self, client, error_next_to):
        response = client.post(URL, {"duration_s": "60", "max_duration_s": "10"})
        assert error_next_to(response.content, "max_duration_s") == \
            "Must be at least “Typical processing time of one unit of work” (60), got 10."
        assert error_next_to(response.content, "duration_s") == ""

    def test_a_comparison_with_a_wrong_answer_does_not_quote_its_default(self, client, error_next_to):
        # The typical time is wrong (0); the worst case is not compared with the default put in its place.
        response = client.post(URL, {"duration_s": "0", "max_duration_s": "0.5"})
        assert "got 0" in error_next_to(response.content, "duration_s")
        message = error_next_to(response.content, "max_duration_s")
        assert message == "Must be at least “Typical processing time of one unit of work”; fix that answer first."

    def test_the_panel_still_answers_and_lists_what_to_fix(self, client):
        response = client.post(URL, {"trigger": "queue", "peak_rps": "-3"})
        content = response.content.decode()
        assert "1 answer needs fixing" in content
        assert '<a href="#q-peak_rps">Peak units of work per second</a>' in content
        assert response.context["panel"].ranked  # the other answers still count
        assert response.context["submission"].answers["trigger"] == "queue"

    @pytest.mark.parametrize("query", [
        {"latency_ms": "abc"},
        {"trigger": "<script>alert(1)</script>"},
        {"client_waits": "maybe"},
        {"duration_s": "nan"},
        {"duration_s": "inf"},
        {"memory_mb": "1e400"},
        {"monthly_invocations": "9" * 400},
        {"peak_rps": "1,000"},
        {"steps": "0x10"},
        {"consumers": "2.5"},
    ])
    def test_a_bad_query_string_is_a_400_with_the_message_in_place(self, client, query, error_next_to):
        response = client.get(URL, query)
        assert response.status_code == 400
        key = next(iter(query))
        assert error_next_to(response.content, key)
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_unknown_query_parameters_are_ignored(self, client):
        response = client.get(URL, {"utm_source": "mail", "trigger": "queue"})
        assert response.status_code == 200
        assert response.context["submission"].query == "trigger=queue"

    def test_other_methods_are_refused(self, client):
        assert client.put(URL).status_code == 405


@pytest.mark.django_db
class TestResult:
    def test_an_order_api_with_a_flaky_payment_provider_gets_an_sqs_worker_and_the_poison_message_warning(
        self, client, ranked
    ):
        response = client.get(URL, ORDER_API)
        assert response.status_code == 200
        assert ranked(response)[0] == "sqs-worker"
        warnings = [(row.kind.id, row.pattern.slug if row.pattern else None) for row in response.context["panel"].warnings]
        assert ("poison-message", "sqs-worker") in warnings
        content = response.content.decode()
        ranked_html = content[content.index('<ol class="ranked">'):]
        assert ranked_html.index("Lambda + SQS worker") < ranked_html.index("API Gateway + Lambda")
        assert "Unprocessable messages are retried over and over" in content or "poison" in content.lower()

    def test_the_panel_shows_what_the_engine_says(self, client, engine):
        response = client.get(URL, {"trigger": "schedule", "client_waits": "false", "duration_s": "1200"})
        expected = engine.recommend({"trigger": "schedule", "client_waits": False, "duration_s": 1200})
        panel = response.context["panel"]
        assert [row.pattern.slug for row in panel.ranked] == list(expected.patterns)
        assert [row.percent for row in panel.ranked] == [round(r.score * 100) for r in expected.recommendations]
        assert [row.check.id for row in panel.broken_limits] == [c.id for c in expected.broken_limits]
        content = response.content.decode()
        assert "Exceeded" in content and "1,200&nbsp;s" in content and "900&nbsp;s" in content
        for item in expected.checklist:
            assert item.replace("'", "&#x27;") in content
        assert f"${expected.cost.monthly_usd:,.2f}" in content
        for line in expected.cost.lines:
            assert line.service in content

    def test_each_reason_names_the_answer_behind_it(self, client):
        content = client.get(URL, ORDER_API).content.decode()
        # The question and the answer as it was offered, not the key and its raw value.
        assert '<span class="chip">Do you call third-party services that fail now and then? Yes</span>' in content
        assert "unreliable_downstream" not in _visible_text(content)

    def test_a_broken_limit_names_its_answers_as_they_were_offered(self, client, engine):
        content = client.get(URL, {"trigger": "queue", "client_waits": "false", "duration_s": "1200",
                                   "peak_rps": "10", "monthly_invocations": "2000000"}).content.decode()
        limits = content[content.index('class="limit-message"'):]
        chips = re.findall(r'<span class="chip">([^<]*)</span>', limits)
        assert "Worst-case processing time: 1,200 s" in [chip.replace("\xa0", " ") for chip in chips]
        assert not [chip for chip in chips if "1200" in chip or "2000000" in chip], chips

    def test_each_recommended_pattern_links_to_its_catalogue_page(self, client, ranked):
        response = client.get(URL, ORDER_API)
        content = response.content.decode()
        for slug in ranked(response):
            assert f'href="{reverse("questionnaire:pattern", args=[slug])}"' in content

    def test_a_warning_shows_its_severity_and_the_bad_and_better_flow(self, client, engine):
        content = client.get(URL, ORDER_API).content.decode()
        poison = engine.catalogue.warning_map["poison-message"]
        assert '<span class="severity severity-high">High</span>' in content
        assert "Without the fix" in content and "With the fix" in content
        assert poison.bad[0].replace("'", "&#x27;") in content
        assert poison.better[-1].replace("'", "&#x27;") in content


def _visible_text(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html)
