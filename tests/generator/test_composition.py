"""The architecture is composed first, without any template or handler, and the generated project
renders exactly what was composed."""

from __future__ import annotations

import json

import pytest
from gencheck import answers, load_template

import generator
from generator import build
from generator.build import compose_checked, propose
from generator.project import Project
from patterns.catalogue import load_files
from patterns.engine import Engine

SELECTIONS = {
    "api-to-queue": (["api-gateway-lambda", "sqs-worker"], dict(trigger="http")),
    "order-events-into-postgres": (["sqs-worker", "eventbridge", "rds"],
                                   dict(trigger="event", consumer_names="billing,shipping,analytics")),
    "upload-starts-a-long-workflow": (["s3-processing", "step-functions"],
                                      dict(trigger="file_upload", duration_s=1200)),
    "topic-and-bus-on-a-schedule": (["sns-fanout", "eventbridge", "chaining"], dict(trigger="schedule")),
    "every-pattern-from-events": (list(generator.PATTERN_SLUGS),
                                  dict(trigger="event", ordering=True, long_waits=True, data_store="dynamodb")),
}


def selection(patterns, **overrides):
    return generator.Selection(patterns=tuple(patterns), answers=answers(**overrides),
                               render_diagrams=False).validated()


@pytest.mark.parametrize("name", SELECTIONS)
def test_the_project_renders_the_composed_architecture_and_sizing(name):
    patterns, overrides = SELECTIONS[name]
    composed = compose_checked(selection(patterns, **overrides))
    files = generator.generate_files(selection(patterns, **overrides))
    assert json.loads(files["serverless-app/architecture.json"])["architecture"] == composed.architecture.to_dict()
    resources = load_template(files["serverless-app/template.yaml"])["Resources"]
    functions = [c.id for c in composed.architecture.of_kind("function")]
    assert functions and sorted(functions) == sorted(
        rid for rid, r in resources.items() if r["Type"] == "AWS::Serverless::Function")
    for function_id in functions:
        properties = resources[function_id]["Properties"]
        size = composed.proposal.of(function_id)
        assert properties["Timeout"] == size.timeout_s, function_id
        assert ("VpcConfig" in properties) is size.in_vpc, function_id
        # The cost estimate prices a queue or stream reader per batch of the mapping it gets.
        for event in properties.get("Events", {}).values():
            if event["Type"] in ("SQS", "Kinesis", "DynamoDB"):
                mapping = event["Properties"]
                assert (mapping["BatchSize"], mapping.get("MaximumBatchingWindowInSeconds", 0)) == \
                    (size.batch_size, size.batch_window_s), function_id


def test_consumers_that_write_to_the_database_are_sized_inside_the_vpc():
    proposal = propose(answers(trigger="event", consumer_names="billing,shipping"),
                       ("eventbridge", "rds"), {})
    assert proposal.of("BillingFunction").in_vpc and proposal.of("ShippingFunction").in_vpc


def test_the_panel_and_the_cost_estimate_build_no_template_or_handler(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a project was rendered")

    monkeypatch.setattr(Project, "__init__", refuse)
    monkeypatch.setattr(build, "render_project", refuse)
    advice = Engine(load_files()).recommend({"trigger": "event", "consumers": 3, "client_waits": False,
                                             "consumer_names": "billing,shipping,analytics"})
    assert advice.selected
    assert advice.architecture is not None and advice.architecture.problems() == []
    assert advice.cost.monthly_usd > 0
    with pytest.raises(AssertionError, match="rendered"):
        generator.generate_files(selection(advice.selected, trigger="event"))
