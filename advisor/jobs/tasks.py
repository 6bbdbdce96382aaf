"""Celery tasks: thin wrappers that call the actions.

Delivery is at least once (acks late, requeued when a worker is lost), so every task is
idempotent: a job is claimed with a conditional update and finished only by the holder of
its lease.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError

from advisor.celery import app

from . import actions

logger = logging.getLogger(__name__)

TRANSIENT = (DatabaseError, actions.TransientError)


@app.task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    time_limit=settings.GENERATION_TIME_LIMIT,
    soft_time_limit=max(settings.GENERATION_TIME_LIMIT - 10, 5),
)
def run_generation(self, job_id: int) -> str:
    try:
        outcome = actions.execute(job_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            actions.mark_failed(job_id, f"gave up after repeated temporary errors: {exc}")
            return "failed"
        # Exponential backoff with a cap: 2, 4, 8 ... 120 s.
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 1), 120))
    if outcome.state == "busy":
        # Another delivery holds the lease (its worker may have died): look again when it ends.
        raise self.retry(countdown=outcome.wait_seconds, max_retries=self.max_retries + 50)
    return outcome.state


@app.task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def run_reevaluation(self, run_id: int) -> str:
    from . import reevaluation

    try:
        return reevaluation.execute(run_id)
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 1), 60))


@app.task(acks_late=True)
def expire_artifacts() -> int:
    """Remove generated files older than the retention (run hourly by Celery beat)."""
    from .artifacts import expire

    return expire()
