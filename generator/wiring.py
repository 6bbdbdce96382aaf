"""How the chosen patterns connect into one architecture: the composition rules, in one place.

Each pattern folder composes its own part (``compose.py``); these rules decide how the parts meet: where work
enters (from the trigger), which hub a function sends its results to, when there is an API,
how consumers are named, and who feeds a hub or function that nothing inside the stack feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from architecture.names import parse_consumer_names
from generator.composition import Composition, Output
from generator.selection import GenerationError


@dataclass(frozen=True)
class Hub:
    owner: str        # the pattern that creates it
    logical_id: str
    env: str          # environment variable handlers read
    label: str        # what flows, on the diagram
    connection: str   # the architecture's connection kind from a producer


HUBS: dict[str, Hub] = {
    "queue": Hub("sqs-worker", "WorkQueue", "WORK_QUEUE_URL", "messages", "publish"),
    "workflow": Hub("step-functions", "WorkflowStateMachine", "STATE_MACHINE_ARN", "start execution", "start"),
    "bus": Hub("eventbridge", "EventBus", "EVENT_BUS_NAME", "events", "publish"),
    "topic": Hub("sns-fanout", "FanoutTopic", "TOPIC_ARN", "notifications", "publish"),
    "table": Hub("dynamodb-streams", "DataTable", "DATA_TABLE", "writes items", "write"),
    "stream": Hub("kinesis-stream", "EventStream", "EVENT_STREAM_NAME", "records", "publish"),
}


def hub_output(kind: str) -> Output:
    """A function's output to the hub of this kind."""
    hub = HUBS[kind]
    return Output(kind, hub.logical_id, hub.env, hub.label, hub.connection)

# Where each pattern's function sends its result, in order of preference. A long upload job
# starts a workflow before anything else: its steps are bounded, the upload handler is not.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "api-gateway-lambda": ("queue", "stream", "workflow", "bus", "topic", "table"),
    "s3-processing": ("workflow", "queue", "bus", "topic"),
    "sqs-worker": ("table", "bus", "topic"),
    "dynamodb-streams": ("bus", "topic"),
    "kinesis-stream": ("table", "bus", "topic"),
    "step-functions": ("table", "bus", "topic"),
}



def has_api(answers: Mapping[str, Any], patterns: tuple[str, ...]) -> bool:
    """An API only when requests come over HTTP, or when the API pattern was chosen."""
    return answers.get("trigger") == "http" or "api-gateway-lambda" in patterns


def output_for(c: Composition, pattern: str) -> Output | None:
    """The first hub in the pattern's preferences that the composition has."""
    for kind in OUTPUTS.get(pattern, ()):
        present = c.data_table() is not None if kind == "table" else HUBS[kind].logical_id in c
        if present:
            return hub_output(kind)
    return None


def work_queue_needed(c: Composition) -> bool:
    """Whether the SQS worker's own queue has someone to feed it.

    When events from outside arrive on a bus or topic that gives every consumer a queue of its
    own, those queues are the work queues; a separate one would have no producer.
    """
    fronted = c.answer("trigger") == "event" and (c.has("eventbridge") or c.has("sns-fanout"))
    if not fronted:
        return True
    return c.has("api-gateway-lambda") or (c.has("s3-processing") and not c.has("step-functions"))


def consumer_names(answers: Mapping[str, Any], low: int, high: int, prefix: str = "consumer") -> tuple[str, ...]:
    """Consumers named by the answers (`consumer_names`), else numbered from `consumers`."""
    try:
        names = parse_consumer_names(answers.get("consumer_names") or "")
    except ValueError as exc:
        raise GenerationError(str(exc)) from None
    if names:
        return tuple(names)
    count = max(low, min(high, int(answers.get("consumers") or 1)))
    return tuple(f"{prefix}-{i}" for i in range(1, count + 1))


def feed_from_outside(c: Composition) -> None:
    """Record the systems outside the stack as the producers of whatever nothing inside feeds
    (see Architecture.fed_from_outside); the README lists these entry points."""
    before = c.architecture
    fed = before.fed_from_outside()
    for component in fed.components:
        if component.id not in c:
            c.add(component.id, component.kind, component.label, group=None)
    c.connections.extend(fed.connections[len(before.connections):])
