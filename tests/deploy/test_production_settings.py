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
