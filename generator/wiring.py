"""How the chosen patterns connect into one architecture: the composition rules, in one place.

Each pattern module builds its own part; these rules decide how the parts meet: where work
enters (from the trigger), which hub a function sends its results to, when there is an API,
how consumers are named, and who feeds a hub or function that nothing inside the stack feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from architecture.names import parse_consumer_names

if TYPE_CHECKING:  # project imports this module
    from generator.project import Output, Project


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


def output_for(p: "Project", pattern: str) -> "Output | None":
    """The first hub in the pattern's preferences that this project has."""
    from generator.project import Output

    for kind in OUTPUTS.get(pattern, ()):
        hub = HUBS[kind]
        present = p.data_table() is not None if kind == "table" else hub.logical_id in p.resources
        if present:
            return Output(kind, hub.logical_id, hub.env, hub.label, hub.connection)
    return None


def work_queue_needed(p: "Project") -> bool:
    """Whether the SQS worker's own queue has someone to feed it.

    When events from outside arrive on a bus or topic that gives every consumer a queue of its
    own, those queues are the work queues; a separate one would have no producer.
    """
    fronted = p.answer("trigger") == "event" and (p.has("eventbridge") or p.has("sns-fanout"))
    if not fronted:
        return True
    return p.has("api-gateway-lambda") or (p.has("s3-processing") and not p.has("step-functions"))


def consumer_names(answers: Mapping[str, Any], low: int, high: int, prefix: str = "consumer") -> tuple[str, ...]:
    """Consumers named by the answers (`consumer_names`), else numbered from `consumers`."""
    from generator.selection import GenerationError

    try:
        names = parse_consumer_names(answers.get("consumer_names") or "")
    except ValueError as exc:
        raise GenerationError(str(exc)) from None
    if names:
        return tuple(names)
    count = max(low, min(high, int(answers.get("consumers") or 1)))
    return tuple(f"{prefix}-{i}" for i in range(1, count + 1))


def feed_from_outside(p: "Project") -> None:
    """Record the systems outside the stack as the producers of whatever nothing inside feeds
    (see Architecture.fed_from_outside); the README lists these entry points."""
    before = p.architecture
    fed = before.fed_from_outside()
    for component in fed.components:
        if component.id not in p.components:
            p.add_component(component.id, component.kind, component.label, group=None)
    p.connections.extend(fed.connections[len(before.connections):])
