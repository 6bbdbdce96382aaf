"""Starts the production stack for end-to-end tests: its own PostgreSQL database and Redis
database, migrated with manage.py, gunicorn on a free port and real Celery worker
processes. Everything talks over real sockets; nothing is mocked."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")


@dataclass
class Stack:
    database_url: str
    redis_url: str
    media_root: Path
    env: dict[str, str]
    base_url: str = ""
    web: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)
    logs: Path | None = None

    # Processes ------------------------------------------------------------------------------
    def manage(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, input=input,
                              capture_output=True, text=True, timeout=300, check=True)

    def start_web(self, workers: int = 2) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        log = open(self.logs / "gunicorn.log", "ab")
        self.web = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self._web_up, 60, "gunicorn to answer")

    def _web_up(self) -> bool:
        try:
            return requests.get(self.base_url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def start_worker(self, concurrency: int = 1, name: str | None = None) -> subprocess.Popen:
        name = name or f"w{len(self.workers)}-{uuid.uuid4().hex[:6]}"
        log = open(self.logs / f"worker-{name}.log", "ab")
        worker = subprocess.Popen(
            [str(BIN / "celery"), "--app", "advisor", "worker", "--loglevel", "INFO", "--concurrency", str(concurrency),
             "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle", "--hostname", f"{name}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(worker)
        wait_for(lambda: b"ready." in (self.logs / f"worker-{name}.log").read_bytes(), 60, "the Celery worker")
        return worker

    def worker_children(self, worker: subprocess.Popen) -> list[int]:
        done = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True)
        return [int(pid) for pid in done.stdout.split()]

    def stop(self) -> None:
        for process in [*self.workers, self.web]:
            if process and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in [*self.workers, self.web]:
            if process:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

    # HTTP -------------------------------------------------------------------------------------
    def login(self, username: str, password: str) -> requests.Session:
        session = requests.Session()
        page = session.get(self.base_url + "/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = session.post(self.base_url + "/accounts/login/", timeout=10, allow_redirects=False,
                                data={"username": username, "password": password, "csrfmiddlewaretoken": token},
                                headers={"Referer": self.base_url + "/accounts/login/"})
        assert response.status_code == 302, response.text[:500]
        session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
        session.headers["Referer"] = self.base_url + "/"
        return session


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def create_stack(tmp_path: Path, extra_env: dict[str, str] | None = None) -> Stack:
    base_db, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    name = f"advisor_e2e_{os.getpid()}_{secrets.token_hex(3)}"
    admin = with_database(base_db, "postgres")
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    # A Redis database of its own (one per test process), emptied first, so nothing from
    # other runs is delivered.
    redis_db = 10 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").lstrip("gw") or 0) % 6
    redis_url = re.sub(r"/\d*$", "", redis_url.rstrip("/")) + f"/{redis_db}"
    subprocess.run(["redis-cli", "-u", redis_url, "FLUSHDB"], check=True, capture_output=True)
    media = tmp_path / "media"
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {
        **{k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "DJANGO_ALLOW_ASYNC_UNSAFE"))},
        "DJANGO_SETTINGS_MODULE": "advisor.settings_production",
        "DATABASE_URL": with_database(base_db, name),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media),
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    stack = Stack(env["DATABASE_URL"], redis_url, media, env, logs=logs)
    stack.manage("migrate", "--noinput")
    stack.manage("collectstatic", "--noinput", "-v0")
    stack._admin_url = admin
    stack._database_name = name
    return stack


def destroy_stack(stack: Stack) -> None:
    stack.stop()
    subprocess.run(["psql", stack._admin_url, "-qc", f'DROP DATABASE IF EXISTS "{stack._database_name}" WITH (FORCE)'],
                   capture_output=True)
