"""The live panel is rendered once per catalogue and answers and served to every caller."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from patterns.models import Rule

# These tests empty the shared cache. Nothing else depends on what it holds: the throttle
# counters of every test live in a cache of that test's own (tests/conftest.py).

ANSWERS = {"trigger": "http", "client_waits": "false", "unreliable_downstream": "true"}


def live(client):
    return client.post(reverse("questionnaire:start"), ANSWERS, headers={"HX-Request": "true"})


def tokens(response):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()))


@pytest.mark.django_db
def test_the_cached_panel_holds_no_token_and_the_upload_form_below_gets_the_callers_own():
    cache.clear()
    first, second = Client(), Client()
    a, b = live(first), live(second)
    assert a.status_code == b.status_code == 200
    assert a.content == b.content and not tokens(a)  # one rendering serves everyone
    assert a["HX-Replace-Url"] == b["HX-Replace-Url"]
    # The answer tools below the form come with the caller's own token, which the upload accepts.
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(reverse("questionnaire:start"))
    assert page.status_code == 200
    below = strict.get(a["HX-Replace-Url"], headers={"HX-Request": "true"})
    token = tokens(below).pop()
    upload = strict.post(reverse("questionnaire:upload"), {"csrfmiddlewaretoken": token})
    assert upload.status_code == 400  # no file chosen: a form error, not a CSRF refusal


@pytest.mark.django_db
def test_a_rule_change_is_visible_at_once(client):
    cache.clear()
    before = live(client).content.decode()
    assert "Lambda + SQS worker" in before
    Rule.objects.filter(pattern="sqs-worker", effect="score").update(weight=-20)
    Rule.objects.get(name="api-http-entry").save()  # the admin's save bumps the catalogue version
    after = live(client).content.decode()
    assert before != after
