"""Sign-up, password reset and the analyzer page are throttled per client address: past the
rate in settings.THROTTLE_RATES a POST gets a 429 page saying what was refused."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from django.conf import settings

from tests.factories import PASSWORD, UserFactory, fresh_address

pytestmark = pytest.mark.django_db

TEMPLATE = "Resources: {T: {Type: AWS::SNS::Topic}}"


def limit_of(scope: str) -> int:
    return int(settings.THROTTLE_RATES[scope].split("/")[0])


def sign_up(client: Client, n: int):
    # Mismatched passwords: refused without hashing, yet every attempt counts.
    return client.post(reverse("signup"), {"username": f"spam{n}", "email": f"spam{n}@example.org",
                                           "password1": PASSWORD, "password2": "something else"})


def test_sign_ups_are_throttled_per_address():
    client, limit = Client(REMOTE_ADDR=fresh_address()), limit_of("signup")
    codes = [sign_up(client, n).status_code for n in range(limit)]
    assert codes == [400] * limit
    r = sign_up(client, limit)
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert "Too many sign-ups" in r.content.decode() and "Try again in" in r.content.decode()
    # Another address is not affected, and reading the form never counts.
    assert sign_up(Client(REMOTE_ADDR=fresh_address()), 0).status_code == 400
    assert client.get(reverse("signup")).status_code == 200


def test_password_reset_requests_are_throttled_per_address():
    UserFactory(username="alice")
    client, limit = Client(REMOTE_ADDR=fresh_address()), limit_of("password-reset")
    codes = [client.post(reverse("password_reset"), {"email": "alice@example.org"}).status_code for _ in range(limit)]
    assert codes == [302] * limit
    r = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert r.status_code == 429
    assert "Too many password reset requests" in r.content.decode()
    assert len(mail.outbox) == limit
    other = Client(REMOTE_ADDR=fresh_address()).post(reverse("password_reset"), {"email": "alice@example.org"})
    assert other.status_code == 302


def test_the_analyzer_page_is_throttled_like_its_api():
    client, limit = Client(REMOTE_ADDR=fresh_address()), limit_of("analyze-anon")
    codes = [client.post(reverse("analyzer:page"), {"template": TEMPLATE}).status_code for _ in range(limit)]
    assert codes == [200] * limit
    r = client.post(reverse("analyzer:page"), {"template": TEMPLATE})
    assert r.status_code == 429
    assert "Too many template analyses" in r.content.decode()
    # The page and the API share one budget per address.
    assert client.post(reverse("analyzer:api"), {"template": TEMPLATE},
                       content_type="application/json").status_code == 429
    assert Client(REMOTE_ADDR=fresh_address()).post(reverse("analyzer:page"), {"template": TEMPLATE}).status_code == 200


def test_a_forged_forwarded_for_does_not_reset_the_page_throttle():
    client, limit = Client(REMOTE_ADDR=fresh_address()), limit_of("analyze-anon")
    codes = [client.post(reverse("analyzer:page"), {"template": TEMPLATE},
                         HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(limit + 1)]
    assert codes == [200] * limit + [429]


def test_logged_in_users_analyze_on_their_account_budget():
    user = UserFactory(username="alice")
    client = Client(REMOTE_ADDR=fresh_address())
    client.force_login(user)
    anon_limit = limit_of("analyze-anon")
    codes = [client.post(reverse("analyzer:page"), {"template": TEMPLATE}).status_code for _ in range(anon_limit + 1)]
    assert codes == [200] * (anon_limit + 1)
