"""The client address comes from the trusted proxies only (NUM_PROXIES), for the API's
throttles and for the login lockout alike, through the whole middleware stack."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from advisor.analyzer.api import AnalyzeAnonThrottle
from tests.factories import PASSWORD, UserFactory, fresh_address
from advisor.throttling import client_address

ANALYZE = reverse("analyzer:api")
LOGIN = reverse("login")
BODY = {"template": "Resources: {T: {Type: AWS::SNS::Topic}}"}
PROXY = "127.0.0.1"  # nginx, on the same machine as gunicorn

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_one_proxy(settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def analyze(api: APIClient, **headers) -> int:
    return api.post(ANALYZE, BODY, format="json", **headers).status_code


def limit() -> int:
    return AnalyzeAnonThrottle().num_requests


def test_a_forged_forwarded_for_does_not_reset_the_api_throttle():
    api, address = APIClient(), fresh_address()
    codes = [analyze(api, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}")
             for n in range(limit() + 1)]
    assert codes == [200] * limit() + [429]


def test_behind_the_proxy_a_forged_entry_left_of_the_proxys_does_not_reset_it(behind_one_proxy):
    api, client = APIClient(), fresh_address()
    codes = [analyze(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}, {client}")
             for n in range(limit() + 1)]
    assert codes == [200] * limit() + [429]


def test_behind_the_proxy_two_clients_are_throttled_separately(behind_one_proxy):
    api, first, second = APIClient(), fresh_address(), fresh_address()
    codes = [analyze(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=first) for _ in range(limit() + 1)]
    assert codes[-1] == 429
    assert analyze(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=second) == 200


def fail_logins(client: Client, username: str, **headers) -> None:
    for _ in range(5):
        r = client.post(LOGIN, {"username": username, "password": "wrong"}, **headers)
        assert r.status_code in (200, 429)


def test_behind_the_proxy_nobody_can_lock_another_address_out_of_an_account(behind_one_proxy, settings):
    UserFactory(username="alice")
    attacker, alice = fresh_address(), fresh_address()
    fail_logins(Client(), "alice", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=attacker)
    assert settings.AXES_FAILURE_LIMIT == 5
    # The attacker's own address is locked out, whatever it claims further left ...
    r = Client().post(LOGIN, {"username": "alice", "password": PASSWORD},
                      REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.9, {attacker}")
    assert r.status_code == 429
    # ... and alice, at her own address behind the same proxy, logs in.
    r = Client().post(LOGIN, {"username": "alice", "password": PASSWORD},
                      REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=alice)
    assert r.status_code == 302


def test_without_a_proxy_the_lockout_ignores_forwarded_for():
    UserFactory(username="alice")
    attacker = fresh_address()
    for n in range(5):
        Client().post(LOGIN, {"username": "alice", "password": "wrong"},
                      REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    r = Client().post(LOGIN, {"username": "alice", "password": PASSWORD},
                      REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert r.status_code == 429


@pytest.mark.parametrize("proxies, remote, forwarded, expected", [
    (0, "192.0.2.1", None, "192.0.2.1"),
    (0, "192.0.2.1", "198.51.100.1", "192.0.2.1"),
    (1, "127.0.0.1", "198.51.100.1, 198.51.100.2", "198.51.100.2"),
    (2, "127.0.0.1", "198.51.100.1, 198.51.100.2, 10.0.0.5", "198.51.100.2"),
    (1, "127.0.0.1", None, "127.0.0.1"),
    (1, "127.0.0.1", "not an address", "127.0.0.1"),
])
def test_client_address(settings, rf, proxies, remote, forwarded, expected):
    settings.NUM_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_address(rf.get("/", REMOTE_ADDR=remote, **headers)) == expected
