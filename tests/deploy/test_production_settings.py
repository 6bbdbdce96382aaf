"""Production settings pass Django's deployment checklist, and every page carries a CSP."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {**os.environ, **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    done = run_manage("check", "--deploy", "--fail-level", "WARNING", "--settings", "advisor.settings_production",
                      SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="advisor.example.com")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.slow
def test_production_settings_refuse_a_missing_secret_key():
    done = run_manage("check", "--settings", "advisor.settings_production", SECRET_KEY="")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def trusted_proxies(settings_module: str, **env) -> str:
    """What the given settings make of the client address: NUM_PROXIES, DRF's, axes' callable."""
    code = ("from django.conf import settings; from rest_framework.settings import api_settings; "
            "print(settings.NUM_PROXIES, api_settings.NUM_PROXIES, settings.AXES_CLIENT_IP_CALLABLE)")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("NUM_PROXIES", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(SECRET_KEY=secrets.token_urlsafe(64), **env)
    done = subprocess.run([sys.executable, "manage.py", "shell", "--settings", settings_module, "-c", code],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_production_trusts_the_one_proxy_in_front_and_the_embedded_default_none():
    callable_ = "advisor.throttling.client_address"
    assert trusted_proxies("advisor.settings") == f"0 0 {callable_}"
    assert trusted_proxies("advisor.settings_production") == f"1 1 {callable_}"
    assert trusted_proxies("advisor.settings_production", NUM_PROXIES="0") == f"0 0 {callable_}"


def test_the_deploy_files_say_how_many_proxies_stand_in_front():
    deploy = ROOT / "deploy"
    # nginx appends the address it saw, so the last entry is the one to trust ...
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in (deploy / "nginx" / "advisor.conf").read_text()
    # ... behind it, one proxy; compose and `make production` serve gunicorn directly.
    assert "\nNUM_PROXIES=1\n" in (deploy / "production.env.example").read_text()
    assert 'NUM_PROXIES: "0"' in (deploy / "compose.yaml").read_text()
    assert "NUM_PROXIES=$${NUM_PROXIES:-0}" in (ROOT / "Makefile").read_text()
