"""Rule changes reach saved work: re-evaluate every saved architecture in batches.

A catalogue edit asks for one pass per rules version (asking twice is harmless). The pass
walks architectures by id in batches; each batch's results are written with
ignore_conflicts, so a pass resumed after a lost worker neither repeats nor skips rows.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from advisor.architectures.evaluation import recommend_today
from advisor.architectures.models import Architecture
from patterns.store import current_engine

from .models import JobStatus, Reevaluation, ReevaluationResult

BATCH_SIZE = 200


def request_reevaluation() -> Reevaluation | None:
    """Queue a pass for the current rules, unless one exists or nothing is saved."""
    if not Architecture.objects.filter(latest__isnull=False).exists():
        return None
    version = current_engine().version
    with transaction.atomic():
        run, created = Reevaluation.objects.get_or_create(rules_version=version)
        if created:
            from .tasks import run_reevaluation

            transaction.on_commit(lambda: run_reevaluation.delay(run.pk))
    return run


def execute(run_id: int, batch_size: int = BATCH_SIZE) -> str:
    now = timezone.now()
    claimed = Reevaluation.objects.filter(pk=run_id).filter(
        Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, lease_expires__lt=now)
    ).update(status=JobStatus.RUNNING, started_at=now,
             lease_expires=now + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30))
    if not claimed:
        return "done"
    run = Reevaluation.objects.get(pk=run_id)
    engine = current_engine()
    if engine.version != run.rules_version:
        # The rules moved on while this pass waited; the newer version has its own pass.
        Reevaluation.objects.filter(pk=run_id).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now(),
                                                      error="superseded by a newer rules version")
        return "superseded"
    done_ids = set(run.results.values_list("architecture_id", flat=True))
    last_id = 0
    while True:
        batch = list(Architecture.objects.filter(pk__gt=last_id, latest__isnull=False)
                     .select_related("latest").order_by("pk")[:batch_size])
        if not batch:
            break
        last_id = batch[-1].pk
        results = []
        for architecture in batch:
            if architecture.pk in done_ids:
                continue
            today = recommend_today(engine, architecture.latest.snapshot())
            results.append(ReevaluationResult(
                reevaluation=run, architecture=architecture, revision=architecture.latest, differs=today.differs,
                differences=[d.to_dict() for d in today.differences], problems=today.problems))
        ReevaluationResult.objects.bulk_create(results, ignore_conflicts=True)
        Reevaluation.objects.filter(pk=run_id).update(
            lease_expires=timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30))
    totals = run.results.aggregate(checked=Count("pk"), changed=Count("pk", filter=Q(differs=True)))
    Reevaluation.objects.filter(pk=run_id).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now(),
                                                  checked=totals["checked"], changed=totals["changed"])
    return "done"


def catalogue_changed(sender, **kwargs) -> None:
    """After a catalogue row is saved or deleted (and the transaction commits)."""
    if kwargs.get("raw"):
        return
    transaction.on_commit(request_reevaluation)
