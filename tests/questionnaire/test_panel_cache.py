"""The live panel is rendered once per catalogue and answers, and served with each caller's token."""

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
def test_each_caller_gets_a_valid_token_of_their_own_from_the_cached_panel():
    cache.clear()
    first, second = Client(enforce_csrf_checks=False), Client(enforce_csrf_checks=False)
    a, b = live(first), live(second)
    assert a.status_code == b.status_code == 200
    assert "csrf-placeholder" not in a.content.decode() + b.content.decode()
    assert tokens(a) and tokens(b) and tokens(a) != tokens(b)
    assert a["HX-Replace-Url"] == b["HX-Replace-Url"]
    # The token in the cached panel is accepted by the CSRF check.
    strict = Client(enforce_csrf_checks=True)
    strict.get(reverse("questionnaire:start"))
    response = strict.post(reverse("questionnaire:start"), ANSWERS,
                           headers={"HX-Request": "true", "X-CSRFToken": strict.cookies["csrftoken"].value})
    assert response.status_code == 200
    token = tokens(response).pop()
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
