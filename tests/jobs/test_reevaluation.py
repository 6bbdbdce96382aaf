"""A rule change re-evaluates saved architectures and records which advice changed."""

import pytest

from advisor.jobs import reevaluation
from advisor.jobs.models import JobStatus, Reevaluation, ReevaluationResult
from advisor.teams.actions import create_team
from tests.factories import make_architecture, make_user
from patterns.models import Rule
from patterns.store import current_engine


@pytest.fixture
def saved(db):
    alice = make_user("alice")
    team = create_team(alice, "Platform")
    queue = make_architecture(team, alice, name="Queue work")
    api = make_architecture(team, alice, name="Plain API", answers={"trigger": "http"})
    return queue, api


def test_saving_a_rule_re_evaluates_saved_architectures(saved, django_capture_on_commit_callbacks):
    queue, api = saved
    with django_capture_on_commit_callbacks(execute=True):
        rule = Rule.objects.get(name="api-http-entry")
        rule.weight = -20  # HTTP APIs no longer recommend API Gateway
        rule.save()
    run = Reevaluation.objects.get(rules_version=current_engine().version)
    assert run.status == JobStatus.SUCCEEDED
    assert (run.checked, run.changed) == (2, 1)
    changed = ReevaluationResult.objects.get(reevaluation=run, architecture=api)
    assert changed.differs
    assert any("API Gateway" in d["text"] for d in changed.differences)
    assert not ReevaluationResult.objects.get(reevaluation=run, architecture=queue).differs


def test_a_pass_is_asked_for_once_per_rules_version_and_resumes_without_repeating(saved, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = reevaluation.request_reevaluation()
        second = reevaluation.request_reevaluation()
    assert first.pk == second.pk and Reevaluation.objects.count() == 1
    # A worker that died after the first batch: the pass is picked up and finished.
    assert reevaluation.execute(first.pk, batch_size=1) == "done"
    assert ReevaluationResult.objects.filter(reevaluation=first).count() == 2
    assert reevaluation.execute(first.pk) == "done"  # already finished: nothing repeated
    assert ReevaluationResult.objects.filter(reevaluation=first).count() == 2


def test_nothing_is_queued_when_nothing_is_saved(db):
    assert reevaluation.request_reevaluation() is None
