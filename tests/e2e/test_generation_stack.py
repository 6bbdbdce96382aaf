"""End to end on the production stack: gunicorn, a Celery worker, PostgreSQL, Redis."""

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from .stack import wait_for

PASSWORD = "correct horse battery staple 7"
ANSWERS = {"trigger": "http", "client_waits": False, "unreliable_downstream": True, "duration_s": 4,
           "data_store": "dynamodb"}


def create_user(stack, username):
    stack.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user({username!r}, '{username}@example.org', {PASSWORD!r})"))


def save_architecture(stack, session, name="Orders"):
    teams = session.get(stack.base_url + "/api/teams/", timeout=10).json()
    team = (teams["results"] if isinstance(teams, dict) else teams)[0]["id"]
    response = session.post(stack.base_url + "/api/architectures/", json={
        "team": team, "name": name, "description": "Orders paid through a flaky provider.", "answers": ANSWERS,
    }, timeout=20)
    assert response.status_code == 201, response.text
    return response.json()


def start_generation(stack, session, architecture):
    number = architecture["latest"]["number"] if "latest" in architecture else 1
    url = f"{stack.base_url}/architectures/{architecture['id']}/revisions/{number}/generate"
    response = session.post(url, data={"name": "orders", "runtime": "python3.13", "architecture": "arm64"},
                            timeout=20, allow_redirects=False)
    assert response.status_code == 302, response.text[:1000]
    return stack.base_url + response.headers["Location"]


def poll_until_done(session, job_url, timeout=120):
    def finished():
        response = session.get(job_url, headers={"HX-Request": "true"}, timeout=10)
        assert response.status_code in (200, 286), response.status_code
        return response if response.status_code == 286 else None
    return wait_for(finished, timeout, "the generation job", interval=0.5)


def test_log_in_save_generate_poll_download_and_lint(stack_factory, tmp_path):
    stack = stack_factory()
    stack.start_web()
    stack.start_worker(concurrency=1)
    create_user(stack, "alice")
    session = stack.login("alice", PASSWORD)

    architecture = save_architecture(stack, session)
    job_url = start_generation(stack, session, architecture)
    final = poll_until_done(session, job_url)
    assert 'data-status="succeeded"' in final.text, final.text[:2000]

    job_id = re.search(r"/jobs/(\d+)/", job_url).group(1)
    download = session.get(f"{stack.base_url}/jobs/{job_id}/download/zip", timeout=20)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    archive.extractall(tmp_path / "project")
    template = tmp_path / "project" / "orders" / "template.yaml"
    lint = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--non-zero-exit-code", "warning",
                           str(template)], capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert session.get(f"{stack.base_url}/jobs/{job_id}/download/svg", timeout=10).status_code == 200

    # The worker ran it: asking again is answered from the same job without new work.
    again = start_generation(stack, session, architecture)
    assert again == job_url
    # Another user cannot see the job or its files.
    create_user(stack, "mallory")
    outsider = stack.login("mallory", PASSWORD)
    assert outsider.get(job_url, timeout=10).status_code == 404
    assert outsider.get(f"{stack.base_url}/jobs/{job_id}/download/zip", timeout=10).status_code == 404
