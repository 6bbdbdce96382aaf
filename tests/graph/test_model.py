"""The architecture graph: storage round trip, refusal of bad JSON, untriggered components, names."""

import json

import pytest

from architecture import Architecture, ArchitectureError, Component, Connection, name_from_id

PIPELINE = Architecture(
    components=(
        Component("Producers", "external", "producers"),
        Component("OrdersBus", "event-bus", "orders", "eventbridge", "Orders"),
        Component("BillingQueue", "queue", "billing", "eventbridge"),
        Component("BillingQueueDlq", "dlq", "billing-queue", "eventbridge"),
        Component("BillingFunction", "function", "billing", "eventbridge"),
    ),
    connections=(
        Connection("Producers", "OrdersBus", "publish"),
        Connection("OrdersBus", "BillingQueue", "event", "rule: all"),
        Connection("BillingQueue", "BillingFunction", "poll"),
        Connection("BillingQueue", "BillingQueueDlq", "failure"),
    ),
)


def test_stored_json_loads_back_into_the_same_typed_graph():
    stored = json.loads(json.dumps(PIPELINE.to_dict()))
    loaded = Architecture.from_dict(stored)
    assert loaded == PIPELINE
    assert loaded.component("OrdersBus").label == "Orders"
    assert stored["version"] == 1
    assert stored["edges"][1] == {"from": "OrdersBus", "to": "BillingQueue", "kind": "event", "label": "rule: all"}


@pytest.mark.parametrize("data, message", [
    ([], "JSON object"),
    ({"version": 2, "components": [], "edges": []}, "unsupported architecture version"),
    ({"components": [{"id": "A", "kind": "lambda", "name": "a"}], "edges": []}, "unknown kind 'lambda'"),
    ({"components": [{"id": "A", "kind": "queue", "name": "a"}],
      "edges": [{"from": "A", "to": "B", "kind": "poll"}]}, "no component B"),
    ({"components": [{"id": "A", "kind": "queue"}], "edges": []}, "'name'"),
    ({"components": "A", "edges": []}, "components must be a list"),
    ({"components": [{"id": "A", "kind": "queue", "name": "a"}] * 2, "edges": []}, "appears twice"),
])
def test_bad_architecture_json_is_refused_with_the_reason(data, message):
    with pytest.raises(ArchitectureError, match=message):
        Architecture.from_dict(data)


def test_a_queue_nobody_feeds_is_reported_and_a_dlq_is_not():
    orphan = Architecture(
        components=(Component("WorkQueue", "queue", "work"), Component("WorkQueueDlq", "dlq", "work-queue"),
                    Component("Worker", "function", "worker")),
        connections=(Connection("WorkQueue", "Worker", "poll"), Connection("WorkQueue", "WorkQueueDlq", "failure")),
    )
    assert [c.id for c in orphan.untriggered()] == ["WorkQueue"]
    assert orphan.problems() == ["queue WorkQueue has nothing that starts or feeds it"]


def test_a_failure_edge_does_not_count_as_feeding_a_queue():
    arch = Architecture(
        components=(Component("Fn", "function", "fn"), Component("Q", "queue", "q")),
        connections=(Connection("Fn", "Q", "failure"),),
    )
    assert {c.id for c in arch.untriggered()} == {"Fn", "Q"}


def test_outside_producers_feed_what_nothing_inside_starts():
    arch = Architecture(
        components=(Component("Bus", "event-bus", "bus"), Component("Machine", "state-machine", "machine"),
                    Component("Fn", "function", "fn")),
        connections=(Connection("Machine", "Fn", "invoke"),),
    )
    fed = arch.fed_from_outside()
    assert fed.untriggered() == ()
    assert {(e.source, e.target, e.kind) for e in fed.outgoing("Producers")} == {
        ("Producers", "Bus", "publish"), ("Producers", "Machine", "start")}
    assert PIPELINE.fed_from_outside() is PIPELINE


@pytest.mark.parametrize("order", [("Uploads", "Fn"), ("Fn", "Uploads")])
def test_a_loop_nothing_leads_into_is_fed_from_outside_at_its_bucket(order):
    # The function writes its results into the bucket whose uploads trigger it: each has an
    # incoming edge, yet the uploads come from outside.
    kinds = {"Uploads": "bucket", "Fn": "function"}
    arch = Architecture(
        components=tuple(Component(i, kinds[i], i.lower()) for i in order),
        connections=(Connection("Uploads", "Fn", "event"), Connection("Fn", "Uploads", "write")),
    )
    fed = arch.fed_from_outside()
    assert {(e.source, e.target, e.kind) for e in fed.outgoing("Producers")} == {("Producers", "Uploads", "write")}
    # A loop that work already reaches from a client gets nothing more.
    reached = Architecture(
        components=(*arch.components, Component("Api", "api", "api"), Component("Clients", "client", "clients")),
        connections=(*arch.connections, Connection("Clients", "Api", "invoke"), Connection("Api", "Fn", "invoke")),
    )
    assert reached.fed_from_outside() is reached


def test_shape_ignores_labels_patterns_and_outside_systems():
    relabelled = Architecture(
        tuple(Component(c.id, c.kind, c.name, None, "other") for c in PIPELINE.components
              if c.kind != "external"),
        tuple(Connection(e.source, e.target, e.kind) for e in PIPELINE.connections if e.source != "Producers"),
    )
    assert relabelled.shape() == PIPELINE.shape()
    renamed = Architecture(PIPELINE.components[:-1] + (Component("BillingFunction", "function", "bill"),),
                           PIPELINE.connections)
    assert renamed.shape() != PIPELINE.shape()


@pytest.mark.parametrize("logical_id, kind, name", [
    ("BillingQueue", "queue", "billing"),
    ("BillingQueueDlq", "dlq", "billing-queue"),
    ("OrderAuditFunction", "function", "order-audit"),
    ("EventBus", "event-bus", "event-bus"),
    ("HttpApi", "api", "http"),
    ("S3Bucket", "bucket", "s3"),
    ("Web2XFunction", "function", "web2-x"),
])
def test_names_come_from_logical_ids_by_one_rule(logical_id, kind, name):
    assert name_from_id(logical_id, kind) == name
