"""The architecture a selection composes to, decided before anything is rendered.

Each pattern folder's ``compose.py`` declares its components, connections and sizing on a
Composition, following the composition rules in ``generator/wiring.py``. The result is what
the questionnaire's panel and the cost estimate read (no template, handler or test is built
for them), and what the generator renders: a pattern's ``generate.py`` reads the composed
functions' timeouts, outputs and presence instead of deciding them again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from architecture import Architecture, Component, Connection, name_from_id
from architecture.sizing import Proposal, Sizing
from generator.selection import GenerationError, Selection

API_IDS = {"http": "HttpApi", "rest": "RestApi"}
DATA_TABLE = "DataTable"
IDEMPOTENCY_TABLE = "IdempotencyTable"
CLIENTS = "Clients"
# Our choice: deliveries of a message before its queue moves it to the dead-letter queue.
MAX_RECEIVE_COUNT = 5


@dataclass(frozen=True)
class Output:
    """Where a function sends the result of its work."""

    kind: str  # queue | workflow | bus | topic | table | stream
    target: str  # logical id of the hub
    env: str  # environment variable carrying its name/url/arn
    label: str  # what flows, for the diagram
    connection: str  # the architecture's connection kind: publish | start | write


def clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, value)))


class Workload:
    """The answers, chosen patterns and AWS limits both composing and rendering size things by."""

    def __init__(self, selection: Selection):
        self.selection = selection
        self.name = selection.name
        self.answers = selection.answers

    @property
    def event_source(self) -> str:
        """EventBridge `source` of this project's events (names never start with "aws.")."""
        return self.name

    def answer(self, key: str) -> Any:
        try:
            return self.answers[key]
        except KeyError:
            raise GenerationError(f"answers are missing the key {key!r}") from None

    def has(self, slug: str) -> bool:
        return slug in self.selection.patterns

    def limit(self, limit_id: str) -> float:
        """An AWS limit from the catalogue (see selection.LIMIT_IDS)."""
        return self.selection.limits[limit_id]

    def lambda_max_timeout(self) -> int:
        return int(self.limit("lambda-max-duration"))

    def sqs_max_visibility(self) -> int:
        return int(self.limit("sqs-max-visibility-timeout"))

    def visibility_factor(self) -> float:
        """How many times its consumer's timeout a queue keeps a message hidden, so a message is
        not handed out again while Lambda still retries its batch."""
        return self.limit("sqs-visibility-factor")

    def worker_timeout(self) -> int:
        """Timeout for asynchronous work: headroom over the worst case, within Lambda's limit."""
        worst = float(self.answer("max_duration_s"))
        return clamp(math.ceil(worst * 1.5) + 2, 10, self.lambda_max_timeout())

    def gateway_timeout_s(self) -> int:
        """How long the selected API waits for a function before it answers 504."""
        return int(self.limit("http-api-timeout" if self.selection.api == "http" else "api-gateway-timeout"))

    def api_timeout(self) -> int:
        """Function timeout behind the API: the answer's latency, a second under the gateway's
        timeout so the function's own error reaches the client rather than a 504. At least 6 s
        (our choice: room for a cold start and one slow call) when the gateway allows it."""
        ceiling = self.gateway_timeout_s() - 1
        latency_s = math.ceil(int(self.answer("latency_ms")) / 1000)
        return clamp(latency_s, min(6, ceiling), ceiling)

    @property
    def api_id(self) -> str:
        """Logical id of the API in front of the request/response functions."""
        return API_IDS[self.selection.api]

    @property
    def api_label(self) -> str:
        return "HTTP API" if self.selection.api == "http" else "REST API"


class Composition(Workload):
    """Components, connections, each function's timeout and output, and each component's sizing."""

    def __init__(self, selection: Selection):
        super().__init__(selection)
        self.components: dict[str, Component] = {}
        self.connections: list[Connection] = []
        self.sizing: dict[str, Sizing] = {}
        self.outputs: dict[str, Output] = {}
        self.idempotent: set[str] = set()
        # The consumer (as the answers name it, with its pattern) each consumer's component is named after.
        self.consumer_of: dict[str, tuple[str | None, str]] = {}  # id -> (pattern, consumer name)

    def __contains__(self, component_id: str) -> bool:
        return component_id in self.components

    # --- the graph -------------------------------------------------------------------

    def add(self, component_id: str, kind: str, label: str = "", *, group: str | None,
            sizing: Sizing | None = None, consumer: str | None = None) -> str:
        """A component; `group` is its pattern, "shared", or None for outside the stack.

        Components of different patterns share an id on purpose (one data table, one API), but
        a component named after a consumer (`consumer`, as the answers name it) is that
        consumer's alone: a consumer name that gives the id of another component is refused."""
        owner = self.consumer_of.get(component_id)
        claim = (group, consumer) if consumer else None
        if component_id in self.components and (claim or owner) and claim != owner:
            existing = self.components[component_id]
            named = consumer or owner[1]
            if owner and claim:
                other = f"the consumer named {owner[1]!r} ({owner[0]})"
            elif claim:
                other = f"{existing.label or existing.id} ({existing.pattern or 'shared'})"
            else:
                other = f"{label or component_id} ({group or 'shared'})"
            raise GenerationError(f"the consumer name {named!r} gives the resource {component_id}, already used by "
                                  f"{other}; choose another consumer name")
        if claim:
            self.consumer_of[component_id] = claim
        if component_id not in self.components:
            pattern = group if group in self.selection.patterns else None
            self.components[component_id] = Component(component_id, kind, name_from_id(component_id, kind),
                                                      pattern, label)
            if sizing is not None:
                self.sizing[component_id] = sizing
        return component_id

    def connect(self, source: str, target: str, kind: str, label: str = "") -> None:
        """A connection of the architecture (SPEC 8.5 kinds), shown on the diagram with `label`."""
        self.connections.append(Connection(source, target, kind, label))

    def connected(self, source: str, target: str) -> bool:
        return any(e.source == source and e.target == target for e in self.connections)

    @property
    def architecture(self) -> Architecture:
        return Architecture.build(self.components.values(), self.connections)

    @property
    def proposal(self) -> Proposal:
        return Proposal(self.architecture, dict(self.sizing))

    def functions_of(self, *patterns: str) -> list[str]:
        """The functions of these patterns, in the order they were composed."""
        return [c.id for c in self.components.values() if c.kind == "function" and c.pattern in patterns]

    # --- parts several patterns use ----------------------------------------------------

    def function(self, logical_id: str, *, group: str, timeout: int, output: Output | None = None,
                 idempotent: bool = False, work: float = 1.0, calls: int = 1, in_vpc: bool = False,
                 batch_size: int = 1, batch_window_s: float = 0.0, shards: int = 0,
                 consumer: str | None = None) -> int:
        """A function, the hub it sends to and its idempotency records; returns its timeout,
        clamped to what Lambda allows. `work` is the share of one unit of work's typical compute
        time (`duration_s`) one invocation runs, `calls` how often it runs per arrival. A function
        reading a stream or a queue gives the batch size and batching window its event source mapping
        renders, and the shards of a stream it reads (0: not known)."""
        if logical_id in self.components and not (consumer or logical_id in self.consumer_of):
            raise GenerationError(f"internal error: duplicate function {logical_id}")
        timeout = clamp(timeout, 3, self.lambda_max_timeout())
        self.add(logical_id, "function", logical_id.removesuffix("Function"), group=group, consumer=consumer,
                 sizing=Sizing(memory_mb=int(self.answer("memory_mb")), timeout_s=timeout, work=work, calls=calls,
                               in_vpc=in_vpc, cpu=self.selection.architecture, batch_size=batch_size,
                               batch_window_s=batch_window_s, shards=shards))
        if idempotent:
            self.idempotent.add(logical_id)
            self.connect(logical_id, self.idempotency_table(), "write", "idempotency records")
        if output:
            self.outputs[logical_id] = output
            self.connect(logical_id, output.target, output.connection, output.label)
        return timeout

    def timeout(self, function_id: str) -> int:
        return self.sizing[function_id].timeout_s

    def place_in_vpc(self, function_id: str) -> None:
        self.sizing[function_id] = replace(self.sizing[function_id], in_vpc=True)

    def dlq(self, logical_id: str, *, group: str, label: str, fifo: bool = False, consumer: str | None = None) -> str:
        return self.add(logical_id, "dlq", label, group=group, sizing=Sizing(fifo=fifo), consumer=consumer)

    def queue(self, logical_id: str, *, group: str, label: str, fifo: bool = False, consumer: str | None = None) -> str:
        """A queue with its dead-letter queue; `consumer` names the consumer it is named after."""
        dlq = self.dlq(f"{logical_id}Dlq", group=group, label=f"{label} DLQ", fifo=fifo, consumer=consumer)
        self.add(logical_id, "queue", label, group=group, sizing=Sizing(fifo=fifo), consumer=consumer)
        self.connect(logical_id, dlq, "failure", f"after {MAX_RECEIVE_COUNT} receives")
        return logical_id

    def table(self, logical_id: str, *, group: str, label: str, holds: str = "data") -> str:
        """A DynamoDB table; `holds` is what the cost estimate counts (see Sizing.table)."""
        return self.add(logical_id, "table", label, group=group, sizing=Sizing(table=holds))

    def idempotency_table(self) -> str:
        return self.table(IDEMPOTENCY_TABLE, group="shared", label="Idempotency records", holds="idempotency")

    def data_table(self) -> str | None:
        """The application's DynamoDB table, when the answers or patterns call for one."""
        streams = self.has("dynamodb-streams")
        if not streams and self.answer("data_store") != "dynamodb":
            return None
        return self.table(DATA_TABLE, group="dynamodb-streams" if streams else "shared", label="Data table")

    def api(self) -> str:
        """The API (HTTP or REST, as selected) that clients call."""
        if self.api_id not in self.components:
            self.add(self.api_id, "api", self.api_label, group="shared", sizing=Sizing(api=self.selection.api))
            self.add(CLIENTS, "client", "Clients", group=None)
            self.connect(CLIENTS, self.api_id, "invoke", "HTTPS requests")
        return self.api_id

    def schedule(self, target: str, *, group: str, rate: str, kind: str, label: str, dlq: str) -> str:
        """A schedule that starts `target`, with undeliverable runs going to `dlq`."""
        schedule = self.add(f"{target}Schedule", "schedule", f"rate({rate})", group=group)
        self.connect(schedule, target, kind, label)
        self.connect(schedule, dlq, "failure", "undeliverable")
        return schedule
