"""The catalogue in the database: seeded from the files, same content, reloadable."""

import pytest
from django.core.management import call_command

from patterns.catalogue import load_files
from patterns.models import ChecklistItem, Pattern, Rule
from patterns.store import catalogue_from_db, current_engine


@pytest.mark.django_db
def test_the_database_holds_the_shipped_catalogue():
    assert catalogue_from_db().version == load_files().version
    assert current_engine().version == load_files().version


@pytest.mark.django_db
def test_load_adds_missing_rows_and_keeps_edits():
    Rule.objects.filter(name="api-http-entry").update(weight=1)
    ChecklistItem.objects.first().delete()
    call_command("load_catalogue", stdout=None)
    assert Rule.objects.get(name="api-http-entry").weight == 1
    assert ChecklistItem.objects.count() == len(load_files().checklist)


@pytest.mark.django_db
def test_reset_restores_the_files():
    Rule.objects.filter(name="api-http-entry").update(weight=1)
    call_command("load_catalogue", "--reset")
    assert Rule.objects.get(name="api-http-entry").weight == 4
    assert catalogue_from_db().version == load_files().version


@pytest.mark.django_db
def test_a_broken_data_folder_is_refused_and_nothing_changes(tmp_path, capsys):
    (tmp_path / "patterns.yaml").write_text("- slug: not-a-pattern\n  name: X\n  summary: Y\n")
    before = Pattern.objects.count()
    with pytest.raises(SystemExit) as exit_:
        call_command("load_catalogue", "--dir", str(tmp_path), "--reset")
    assert exit_.value.code == 2
    assert "not one of the known slugs" in capsys.readouterr().err
    assert Pattern.objects.count() == before


def test_the_shipped_texts_are_complete():
    catalogue = load_files()
    assert {p.slug for p in catalogue.patterns} == {
        "api-gateway-lambda", "sqs-worker", "sns-fanout", "eventbridge", "s3-processing",
        "dynamodb-streams", "step-functions", "orchestrator", "chaining", "rds", "kinesis-stream"}
    for pattern in catalogue.patterns:
        assert pattern.summary and pattern.when_to_use and pattern.tradeoffs and pattern.rule_of_thumb
        assert pattern.services and pattern.warnings and pattern.alternatives and pattern.best_for and pattern.main_risk
    # SPEC §3.3's sixteen, kinesis-stream's hot-partition-key, SPEC §8.3's seven and replay-window
    assert len(catalogue.warnings) == 25
    assert {"express-at-least-once", "fifo-throughput", "api-account-throttle", "dual-write", "scaling-rate",
            "stream-readers", "vpc-egress-cost"} <= set(catalogue.warning_map)
    assert {a.id for a in catalogue.alternatives} == {
        "fargate-task", "aws-batch", "mediaconvert", "websocket-api", "kinesis-firehose", "sfn-distributed-map",
        "dynamodb-zero-etl", "service-integration"}
    for alternative in catalogue.alternatives:
        assert alternative.title and alternative.why and alternative.lambda_role, alternative.id
    for warning in catalogue.warnings:
        assert warning.bad and warning.better and warning.advice
    required_limits = {"lambda-max-duration", "api-gateway-timeout", "sync-payload", "async-payload",
                       "sqs-message-size", "sns-message-size", "eventbridge-event-size", "step-functions-payload",
                       "step-functions-express-duration", "lambda-concurrency", "lambda-memory"}
    assert required_limits <= set(catalogue.limit_map)
    for row in (*catalogue.limits, *catalogue.prices):
        assert row.source.startswith("https://") and row.as_of, row.id
    limits = catalogue.limit_map
    assert (limits["lambda-max-duration"].value, limits["api-gateway-timeout"].value) == (900, 29)
    assert limits["sqs-message-size"].value == 1024 and limits["async-payload"].value == 1024
