"""Patterns composed into one wired architecture: entry from the trigger, every hub fed, consumers
named and queued, no API unless requests come over HTTP, long work split into bounded steps."""

from __future__ import annotations

import json

import pytest
from gencheck import answers, generate, load_template

import generator
from architecture import Architecture
from generator.build import build_project, compose_checked
from generator.selection import GenerationError, PATTERN_SLUGS

TRIGGERS = ("http", "queue", "event", "file_upload", "data_change", "schedule")


def selection(patterns, options=None, **overrides):
    return generator.Selection(patterns=tuple(patterns), answers=answers(**overrides), render_diagrams=False,
                               **(options or {})).validated()


def compose(patterns, options=None, **overrides):
    """The composed architecture alone, as the panel and the cost estimate read it."""
    return compose_checked(selection(patterns, options, **overrides))


def project(patterns, options=None, **overrides):
    """The composed architecture rendered into template resources and functions."""
    return build_project(selection(patterns, options, **overrides))


def stored_architecture(files) -> Architecture:
    name = next(path for path in files if path.endswith("/architecture.json"))
    return Architecture.from_dict(json.loads(files[name])["architecture"])


def template_of(files) -> dict:
    return load_template(next(v for k, v in files.items() if k.endswith("/template.yaml")))


def edges(arch: Architecture) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.kind) for e in arch.connections}


def test_an_upload_starts_the_workflow_and_long_work_is_split_into_bounded_steps():
    files = generate(["s3-processing", "step-functions"], trigger="file_upload", client_waits=False,
                     duration_s=1200)
    arch = stored_architecture(files)
    assert {("UploadBucket", "FileProcessorFunction", "event"),
            ("FileProcessorFunction", "WorkflowStateMachine", "start"),
            ("WorkflowStateMachine", "WorkflowStepsFunction", "invoke")} <= edges(arch)
    assert arch.problems() == []
    resources = template_of(files)["Resources"]
    starter = resources["FileProcessorFunction"]["Properties"]
    assert {"StepFunctionsExecutionPolicy": {"StateMachineName": {"Fn::GetAtt": ["WorkflowStateMachine", "Name"]}}} \
        in starter["Policies"]
    assert starter["Environment"]["Variables"]["STATE_MACHINE_ARN"] == {"Ref": "WorkflowStateMachine"}
    # 20 minutes of compute never sits in one invocation: each step is bounded under 15 minutes.
    definition = resources["WorkflowStateMachine"]["Properties"]["Definition"]
    steps = [s for name, s in definition["States"].items() if name.startswith("Step")]
    assert len(steps) >= 2
    assert resources["WorkflowStepsFunction"]["Properties"]["Timeout"] < 900
    assert all(s["TimeoutSeconds"] <= 900 for s in steps)
    readme = next(v for k, v in files.items() if k.endswith("README.md")).decode()
    assert "bounded steps" in readme


def test_an_order_event_reaches_each_named_consumer_through_its_own_queue_and_no_api_appears():
    files = generate(["sqs-worker", "eventbridge", "rds"], trigger="event", client_waits=False, consumers=3,
                     consumer_names="billing,shipping,analytics", unreliable_downstream=True,
                     data_store="relational", downstream_max_rps=20, duration_s=1)
    arch = stored_architecture(files)
    resources = template_of(files)["Resources"]
    assert arch.problems() == []
    for name in ("Billing", "Shipping", "Analytics"):
        assert {("EventBus", f"{name}Queue", "event"), (f"{name}Queue", f"{name}Function", "poll"),
                (f"{name}Queue", f"{name}QueueDlq", "failure")} <= edges(arch)
        assert resources[f"{name}Queue"]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == \
            {"Fn::GetAtt": [f"{name}QueueDlq", "Arn"]}
        rule = resources[f"{name}Rule"]["Properties"]
        assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [f"{name}Queue", "Arn"]}
        scaling = resources[f"{name}Function"]["Properties"]["Events"]["Events"]["Properties"]["ScalingConfig"]
        # 20 requests/s at 1 s each: never more than 20 batches against the payment provider.
        assert scaling["MaximumConcurrency"] <= 20
    assert ("Producers", "EventBus", "publish") in edges(arch)
    assert not {"HttpApi", "RestApi", "WorkQueue", "DatabaseFunction"} & set(resources)
    assert not any(r["Type"] in ("AWS::Serverless::HttpApi", "AWS::Serverless::Api") for r in resources.values())
    assert ("BillingFunction", "DbProxyEndpoint", "write") in edges(arch)
    assert "billing:item-1001" in files["serverless-app/tests/unit/test_billing.py"].decode()


@pytest.mark.parametrize("slug", PATTERN_SLUGS)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_component_that_needs_a_trigger_has_one(slug, trigger):
    arch = compose([slug], trigger=trigger).architecture
    assert arch.problems() == []


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_all_ten_patterns_are_wired(trigger):
    arch = compose(PATTERN_SLUGS, trigger=trigger, consumers=3).architecture
    assert arch.problems() == []
    # What nothing inside the stack starts is an explicit entry point, listed in the README.
    built = project(PATTERN_SLUGS, trigger=trigger, consumers=3)
    readme = generator.build._readme(built, False)
    for edge in built.architecture.outgoing("Producers"):
        assert f"`{edge.target}`" in readme.split("## Entry points", 1)[1]


@pytest.mark.parametrize("trigger, api", [("http", True), ("event", False), ("file_upload", False),
                                          ("schedule", False), ("queue", False)])
def test_an_api_exists_only_when_requests_come_over_http(trigger, api):
    built = project(["sqs-worker", "rds", "eventbridge"], trigger=trigger)
    assert ("HttpApi" in built.resources) is api
    assert ("HttpApi" in built.composition) is api


def test_a_queue_worker_stores_in_the_database_itself_when_requests_do_not_come_over_http():
    built = project(["sqs-worker", "rds"], trigger="queue", data_store="relational")
    assert not {"HttpApi", "RestApi", "DatabaseFunction"} & set(built.resources)
    arch = built.architecture
    assert ("WorkerFunction", "DbProxyEndpoint", "write") in edges(arch)
    assert arch.of_kind("api") == () and arch.untriggered() == ()
    worker = built.resources["WorkerFunction"]["Properties"]
    assert worker["VpcConfig"] and worker["Environment"]["Variables"]["DB_PROXY_ENDPOINT"] == {"Ref": "DbProxyEndpoint"}
    # Over HTTP the records are served by the API's database function, as before.
    assert "DatabaseFunction" in project(["sqs-worker", "rds"], trigger="http", data_store="relational").resources


def test_the_api_pattern_always_brings_its_api():
    assert "HttpApi" in project(["api-gateway-lambda", "sqs-worker"], trigger="event").resources


@pytest.mark.parametrize("patterns, trigger", [(["orchestrator"], "http"),
                                               (["orchestrator", "api-gateway-lambda"], "event")])
def test_the_orchestrator_is_behind_the_api_when_the_workload_has_one(patterns, trigger):
    arch = compose(patterns, trigger=trigger).architecture
    assert ("HttpApi", "AggregatorFunction", "invoke") in edges(arch)
    assert not any(e.target == "AggregatorFunction" for e in arch.outgoing("Producers"))
    files = generate(patterns, trigger=trigger)
    aggregator = template_of(files)["Resources"]["AggregatorFunction"]["Properties"]
    assert aggregator["Events"]["Summary"]["Properties"]["Path"] == "/summary/{item_id}"
    assert b"APIGatewayHttpResolver" in files["serverless-app/src/aggregator/app.py"]


@pytest.mark.parametrize("trigger", ["queue", "event", "schedule", "file_upload", "data_change"])
def test_without_an_api_the_orchestrator_is_invoked_directly_by_its_callers(trigger):
    arch = compose(["orchestrator"], trigger=trigger).architecture
    assert arch.of_kind("api") == () and arch.of_kind("client") == ()
    assert ("Producers", "AggregatorFunction", "invoke") in edges(arch)
    assert arch.problems() == []
    files = generate(["orchestrator"], trigger=trigger)
    resources = template_of(files)["Resources"]
    assert not any(r["Type"] in ("AWS::Serverless::HttpApi", "AWS::Serverless::Api") for r in resources.values())
    assert "Events" not in resources["AggregatorFunction"]["Properties"]
    handler = files["serverless-app/src/aggregator/app.py"].decode()
    assert "event_handler" not in handler and "class SourcesUnavailable" in handler
    readme = files["serverless-app/README.md"].decode()
    assert "`AggregatorFunction`" in readme.split("## Entry points", 1)[1]
    assert 'invoke `AggregatorFunction` directly' in readme


def test_sns_and_eventbridge_publishers_are_not_left_unconnected():
    arch = compose(["sns-fanout", "eventbridge"], trigger="event").architecture
    assert arch.problems() == []
    assert {("Producers", "FanoutTopic", "publish"), ("Producers", "EventBus", "publish")} <= edges(arch)
    scheduled = compose(["sns-fanout", "eventbridge"], trigger="schedule").architecture
    assert {("PublisherFunctionSchedule", "PublisherFunction", "event"),
            ("PublisherFunction", "EventBus", "publish")} <= edges(scheduled)


def test_consumers_are_named_from_the_answers():
    built = project(["sns-fanout"], trigger="event", consumers=2, consumer_names="email, warehouse")
    assert {"EmailQueue", "EmailFunction", "WarehouseQueue", "WarehouseFunction"} <= set(built.resources)
    assert [c.name for c in built.architecture.of_kind("function")] == ["email", "warehouse"]


@pytest.mark.parametrize("names, message", [
    ("Billing", "consumer name 'Billing' is not valid"),
    ("ok,bad name", "consumer name 'bad name' is not valid"),
    (",".join(f"c{i}" for i in range(21)), "at most 20 consumer names"),
])
def test_bad_consumer_names_are_refused_with_the_reason(names, message):
    with pytest.raises(GenerationError, match=message):
        compose(["eventbridge"], trigger="event", consumer_names=names)


@pytest.mark.parametrize("patterns, trigger, names, message", [
    # a consumer named after a pattern's own function, or its queue
    (["sqs-worker", "sns-fanout"], "queue", "worker,audit", "the consumer name 'worker' gives the resource WorkerFunction"),
    (["sqs-worker", "sns-fanout"], "queue", "work,audit", "the consumer name 'work' gives the resource WorkQueue"),
    (["api-gateway-lambda", "eventbridge"], "http", "api,audit", "the consumer name 'api' gives the resource ApiFunction"),
    # two names that make the same resource names
    (["eventbridge"], "event", "web2,web-2", "the consumer name 'web-2' gives the resource Web2Queue"),
    # the topic's consumer beside the bus's consumer of the same resource name
    (["eventbridge", "sns-fanout"], "event", "topic-billing,billing",
     "the consumer name 'billing' gives the resource TopicBillingQueue"),
])
def test_a_consumer_name_that_another_component_already_has_is_refused(patterns, trigger, names, message):
    with pytest.raises(GenerationError) as refused:
        compose(patterns, trigger=trigger, consumer_names=names)
    assert message in str(refused.value) and "choose another consumer name" in str(refused.value)
    assert "internal error" not in str(refused.value)


def test_consumers_may_share_their_pattern_s_words():
    built = compose(["sqs-worker", "eventbridge"], trigger="event", consumer_names="queue,function,dlq,event-bus")
    assert {"QueueFunction", "FunctionQueue", "DlqFunction", "EventBusQueue"} <= {c.id for c in built.architecture.components}


def test_the_diagram_shows_connection_kinds_and_names():
    composition = compose(["sqs-worker", "eventbridge"], trigger="event", consumer_names="billing,shipping")
    from generator import diagram

    dot = diagram.dot_source(composition)
    assert 'label="poll: batches"' in dot
    assert 'BillingFunction [label="Lambda\nBilling"' in dot
    mermaid = diagram.mermaid_source(composition)
    assert 'EventBus -->|"event: rule: all project events"| BillingQueue' in mermaid


@pytest.mark.parametrize("pattern", ["eventbridge", "sns-fanout"])
def test_consumers_capped_one_by_one_are_told_to_share_the_slow_systems_capacity(pattern):
    readme = generate([pattern], trigger="event", consumers=3, downstream_max_rps=20)["serverless-app/README.md"].decode()
    assert "within the 20 requests per second the slowest system you call takes" in readme
    assert "lower their `MaximumConcurrency`" in readme



def test_a_single_consumer_has_the_slow_systems_capacity_to_itself():
    alone = generate(["eventbridge"], trigger="event", consumers=1, downstream_max_rps=20)["serverless-app/README.md"]
    assert b"lower their `MaximumConcurrency`" not in alone
