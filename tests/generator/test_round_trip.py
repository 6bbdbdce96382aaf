"""Round trip: the analyzer reads back, from a generated template, the architecture the
generator recorded in the project's ``architecture.json``.

    analyze(template.yaml).architecture.shape() == architecture.json's shape

Same component ids, kinds and names, same connections and connection kinds. The generated
graph must also be sound: nothing left without a trigger, no dangling edge; and the template
must give the analyzer no finding.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator
from architecture import Architecture
from generator.selection import API_PATTERNS
from gencheck import generate
from analyzer import analyze


def project(patterns, api="http", **answers) -> tuple[str, Architecture]:
    files = generate(patterns, options={"api": api}, **answers)
    root = next(iter(files)).split("/", 1)[0]
    recorded = json.loads(files[f"{root}/architecture.json"])["architecture"]
    return files[f"{root}/template.yaml"].decode(), Architecture.from_dict(recorded)


def differences(template: str, recorded: Architecture) -> list[str]:
    """What the analyzer and the generator disagree on, in words; empty when they agree."""
    read = analyze(template).architecture.shape()
    wanted = recorded.shape()
    found = []
    for index, what in enumerate(("components", "connections")):
        found += [f"{what} only in the template: {item}" for item in sorted(read[index] - wanted[index])]
        found += [f"{what} only in architecture.json: {item}" for item in sorted(wanted[index] - read[index])]
    return found


def assert_round_trip(patterns, api="http", **answers) -> Architecture:
    template, recorded = project(patterns, api, **answers)
    assert recorded.components and recorded.connections
    assert recorded.problems() == []
    assert recorded.untriggered() == ()
    assert differences(template, recorded) == []
    # The generator's own output carries none of the risks the analyzer looks for.
    assert [(f.id, f.resource, f.message) for f in analyze(template).findings] == []
    return recorded


SINGLE = [(slug, api) for slug in generator.PATTERN_SLUGS
          for api in (generator.API_TYPES if slug in API_PATTERNS else ("http",))]


@pytest.mark.parametrize("slug, api", SINGLE, ids=[f"{slug}-{api}" for slug, api in SINGLE])
def test_every_single_pattern_round_trips(slug, api):
    recorded = assert_round_trip([slug], api)
    if slug in API_PATTERNS:
        assert recorded.of_kind("api")[0].id == {"http": "HttpApi", "rest": "RestApi"}[api]


COMBINATIONS = {
    "transcode-uploads-in-a-workflow": (["s3-processing", "step-functions"], "http",
                                        dict(trigger="file_upload", duration_s=1200)),
    "order-events-to-named-consumers-and-postgres": (
        ["sqs-worker", "eventbridge", "rds"], "http",
        dict(trigger="event", consumers=3, consumer_names="billing,shipping,analytics", downstream_max_rps=20,
             unreliable_downstream=True)),
    "topic-and-bus-from-events": (["sns-fanout", "eventbridge"], "http", dict(trigger="event")),
    "aggregator-invoked-directly-beside-event-consumers": (
        ["orchestrator", "eventbridge", "rds"], "http", dict(trigger="event", consumer_names="billing,shipping")),
    "topic-and-bus-on-a-schedule": (["sns-fanout", "eventbridge"], "http", dict(trigger="schedule")),
    "all-patterns-over-http": (list(generator.PATTERN_SLUGS), "http", {}),
    "all-patterns-rest-on-a-schedule": (list(generator.PATTERN_SLUGS), "rest", dict(trigger="schedule")),
    "all-patterns-from-events-with-every-option": (
        list(generator.PATTERN_SLUGS), "http",
        dict(trigger="event", consumers=3, content_routing=True, ordering=True,
             writes_back_to_source=True, data_store="dynamodb", long_waits=True, compensation=True, steps=4)),
    "scheduled-chain-by-destinations": (["chaining"], "http", dict(trigger="schedule")),
    "scheduled-chain-through-a-queue": (["chaining"], "http", dict(trigger="schedule", unreliable_downstream=True)),
    "scheduled-workflow-with-approval-and-undo": (
        ["step-functions"], "http", dict(trigger="schedule", long_waits=True, compensation=True, steps=5)),
    "api-hands-work-to-a-fifo-queue": (["api-gateway-lambda", "sqs-worker"], "rest", dict(ordering=True)),
    "api-reads-and-writes-the-data-table": (["api-gateway-lambda", "dynamodb-streams"], "http",
                                            dict(data_store="dynamodb")),
    "table-changes-published-on-the-bus": (["dynamodb-streams", "eventbridge"], "http",
                                           dict(trigger="data_change", writes_back_to_source=True)),
    "uploads-queued-for-workers": (["s3-processing", "sqs-worker"], "http",
                                   dict(trigger="file_upload", writes_back_to_source=True)),
    "routed-notifications-to-named-subscribers": (
        ["sns-fanout"], "http", dict(trigger="schedule", consumer_names="email,sms,push", content_routing=True)),
    "event-consumers-write-to-postgres": (["eventbridge", "sns-fanout", "rds"], "http",
                                          dict(trigger="event", consumers=2)),
    "scheduled-fanout-consumers-write-to-postgres": (["eventbridge", "sns-fanout", "sqs-worker", "rds"], "http",
                                                     dict(trigger="schedule")),
    "uploads-write-to-postgres": (["s3-processing", "rds"], "http", dict(trigger="file_upload")),
    "table-changes-write-to-postgres": (["dynamodb-streams", "rds"], "http", dict(trigger="data_change")),
    "stream-records-write-to-postgres": (["kinesis-stream", "rds"], "http", dict(trigger="queue", peak_rps=5000)),
    "scheduled-workflow-writes-to-postgres": (["step-functions", "rds"], "http", dict(trigger="schedule")),
    "scheduled-chain-writes-to-postgres": (["chaining", "rds"], "http", dict(trigger="schedule")),
    "uploads-queued-for-a-worker-both-write-to-postgres": (["s3-processing", "sqs-worker", "rds"], "http",
                                                           dict(trigger="file_upload")),
    "orchestrator-beside-a-crud-api": (["orchestrator", "api-gateway-lambda", "rds"], "rest",
                                       dict(aggregate_sources=4)),
    "api-puts-records-on-the-stream": (["api-gateway-lambda", "kinesis-stream"], "rest",
                                       dict(client_waits=False, peak_rps=3000, ordering=True)),
    "stream-consumer-writes-the-table": (["kinesis-stream"], "http",
                                         dict(trigger="event", peak_rps=5000, data_store="dynamodb")),
    "stream-consumer-publishes-to-the-topic": (["kinesis-stream", "sns-fanout"], "http",
                                               dict(trigger="event", peak_rps=2000, consumer_names="alerts,archive")),
    "long-job-split-into-bounded-steps": (["api-gateway-lambda", "step-functions"], "http",
                                          dict(duration_s=5, max_duration_s=3000, client_waits=False)),
}


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_named_combinations_round_trip(name):
    patterns, api, answers = COMBINATIONS[name]
    assert_round_trip(patterns, api, **answers)


def test_the_order_pipeline_reads_back_its_named_consumers():
    patterns, api, answers = COMBINATIONS["order-events-to-named-consumers-and-postgres"]
    template, _ = project(patterns, api, **answers)
    read = analyze(template).architecture
    for name in ("billing", "shipping", "analytics"):
        stem = name.capitalize()
        assert (f"{stem}Queue", "queue", name) in read.shape()[0]
        assert {e.kind for e in read.outgoing(f"{stem}Function")} >= {"write", "read", "failure"}
        assert [e.source for e in read.incoming(f"{stem}Queue")] == ["EventBus"]
    assert read.of_kind("api") == ()


def test_a_template_edited_by_hand_no_longer_round_trips():
    """The oracle has teeth: drop the worker's queue event and the connection goes missing."""
    template, recorded = project(["sqs-worker"], trigger="queue")
    edited = template.replace("Type: SQS", "Type: SQSDisabled")
    assert edited != template
    assert differences(edited, recorded) == [
        "connections only in architecture.json: ('WorkQueue', 'WorkerFunction', 'poll')"]


def test_bus_and_topic_with_the_same_named_consumers_get_distinct_components():
    template, recorded = project(["eventbridge", "sns-fanout"], trigger="event", consumer_names="billing,shipping")
    assert differences(template, recorded) == []
    ids = {c.id for c in recorded.components}
    assert {"BillingQueue", "TopicBillingQueue", "BillingFunction", "TopicBillingFunction"} <= ids


PATTERN_SETS = st.lists(st.sampled_from(generator.PATTERN_SLUGS), min_size=1, max_size=len(generator.PATTERN_SLUGS),
                        unique=True)
NAMES = st.sampled_from(["", "billing,shipping,analytics", "audit", "email,sms", "a-1,b-2,c-3,d-4,e-5"])


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(patterns=PATTERN_SETS, api=st.sampled_from(generator.API_TYPES),
       trigger=st.sampled_from(["http", "queue", "event", "file_upload", "data_change", "schedule"]),
       consumers=st.integers(1, 6), consumer_names=NAMES, ordering=st.booleans(), content_routing=st.booleans(),
       writes_back_to_source=st.booleans(), data_store=st.sampled_from(["none", "dynamodb", "relational", "s3"]),
       long_waits=st.booleans(), compensation=st.booleans(), steps=st.integers(1, 8),
       max_duration_s=st.sampled_from([1, 30, 300, 900, 1200, 3600, 20000]),
       unreliable_downstream=st.booleans())
def test_any_selection_round_trips(patterns, api, **answers):
    assert_round_trip(patterns, api, duration_s=min(answers["max_duration_s"], 60), **answers)
