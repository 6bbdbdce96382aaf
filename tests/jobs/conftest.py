import pytest

from advisor.celery import app


@pytest.fixture(autouse=True)
def tasks_run_in_process(monkeypatch):
    """These tests call the actions directly; queued tasks run at once in this process,
    also when REDIS_URL is set (the real worker is exercised by tests/e2e)."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
