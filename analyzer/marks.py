"""Where findings sit on the architecture: the components and connections each one concerns,
so a drawing can mark them and a page can list them.

A finding marks the components it applies to. It marks connections by what it is about: a
trigger setting marks the connection that delivers to the function (or that the queue or
stream is read through), a loop the connections around it, a direct call the call, a missing
queue policy what is sent to the queue, a database finding the connection to the database.
A finding on a resource that is not drawn (an event source mapping, a rule, a subscription)
marks nothing; the page lists it all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from architecture import Architecture, Component, Connection

from .findings import Finding
from .applies import resources_of

# Findings about how a function is triggered: the delivering connection carries them.
TRIGGER_FINDINGS = frozenset({"no-partial-batch-response", "unbounded-retry", "batch-timeout-too-short",
                              "visibility-timeout-too-short", "missing-dlq", "fifo-limits"})
DELIVERIES = frozenset({"poll", "event"})
# Findings about a cycle through the component: every connection on the way round.
CYCLE_FINDINGS = frozenset({"loop", "recursive-s3-trigger", "stream-writes-same-table"})
DATABASE_FINDINGS = frozenset({"rds-without-proxy", "unbounded-concurrency"})
# Connections that do not hand work on (a read, a failure path) are not part of a loop.
NOT_HANDING_ON = frozenset({"read", "failure"})


@dataclass(frozen=True)
class MarkedComponent:
    component: Component
    findings: tuple[str, ...]  # finding ids, in the order they are reported


@dataclass(frozen=True)
class MarkedConnection:
    connection: Connection
    findings: tuple[str, ...]


@dataclass(frozen=True)
class Marks:
    components: tuple[MarkedComponent, ...] = ()
    connections: tuple[MarkedConnection, ...] = ()

    @property
    def component_ids(self) -> frozenset[str]:
        return frozenset(m.component.id for m in self.components)

    @property
    def connection_keys(self) -> frozenset[tuple[str, str, str]]:
        return frozenset(_key(m.connection) for m in self.connections)

    def __bool__(self) -> bool:
        return bool(self.components or self.connections)

    def to_dict(self) -> dict:
        return {
            "components": [{"id": m.component.id, "findings": list(m.findings)} for m in self.components],
            "edges": [{"from": m.connection.source, "to": m.connection.target, "kind": m.connection.kind,
                       "findings": list(m.findings)} for m in self.connections],
        }


def marks_of(architecture: Architecture, findings: Iterable[Finding]) -> Marks:
    """The components and connections the findings concern, in the architecture's order."""
    graph = _Lookups(architecture)
    on_component: dict[str, list[str]] = {}
    on_connection: dict[tuple[str, str, str], list[str]] = {}
    for finding in findings:
        for resource in resources_of(finding):
            component = graph.components.get(resource)
            if component is None:
                continue
            _note(on_component, component.id, finding.id)
            for connection in _connections(graph, component, finding.id):
                _note(on_connection, _key(connection), finding.id)
    return Marks(
        tuple(MarkedComponent(c, tuple(on_component[c.id])) for c in architecture.components if c.id in on_component),
        tuple(MarkedConnection(e, tuple(on_connection[_key(e)])) for e in architecture.connections
              if _key(e) in on_connection),
    )


class _Lookups:
    """The architecture's components by id and its connections by end, built once."""

    def __init__(self, architecture: Architecture):
        self.connections = architecture.connections
        self.components = {c.id: c for c in architecture.components}
        self._in: dict[str, list[Connection]] = {}
        self._out: dict[str, list[Connection]] = {}
        for e in architecture.connections:
            self._in.setdefault(e.target, []).append(e)
            self._out.setdefault(e.source, []).append(e)

    def incoming(self, cid: str) -> list[Connection]:
        return self._in.get(cid, [])

    def outgoing(self, cid: str) -> list[Connection]:
        return self._out.get(cid, [])


def _connections(graph: _Lookups, component: Component, finding_id: str) -> list[Connection]:
    cid = component.id
    if finding_id in TRIGGER_FINDINGS:
        if component.kind == "function":
            return [e for e in graph.incoming(cid) if e.kind in DELIVERIES]
        return [e for e in graph.outgoing(cid) if e.kind in DELIVERIES]
    if finding_id in CYCLE_FINDINGS:
        return _around(graph, cid)
    if finding_id == "direct-lambda-invoke":
        return [e for e in graph.outgoing(cid) if e.kind == "invoke" and _kind(graph, e.target) == "function"]
    if finding_id == "missing-queue-policy":
        return [e for e in graph.incoming(cid) if _kind(graph, e.source) in ("topic", "event-bus")]
    if finding_id == "api-timeout-exceeds-gateway":
        return [e for e in graph.incoming(cid) if _kind(graph, e.source) == "api"]
    if finding_id in DATABASE_FINDINGS:
        return [e for e in graph.outgoing(cid) if _kind(graph, e.target) in ("database", "db-proxy")]
    return []


def _around(graph: _Lookups, cid: str) -> list[Connection]:
    """The connections on some cycle through ``cid``: from something it reaches to something reaching it."""
    handing_on = [e for e in graph.connections if e.kind not in NOT_HANDING_ON]
    reached, reaching = _reach(handing_on, cid, forward=True), _reach(handing_on, cid, forward=False)
    return [e for e in handing_on if e.source in reached and e.target in reaching]


def _reach(connections: list[Connection], start: str, *, forward: bool) -> set[str]:
    following: dict[str, list[str]] = {}
    for e in connections:
        a, b = (e.source, e.target) if forward else (e.target, e.source)
        following.setdefault(a, []).append(b)
    seen, todo = {start}, [start]
    while todo:
        for nxt in following.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _kind(graph: _Lookups, cid: str) -> str | None:
    component = graph.components.get(cid)
    return component.kind if component else None


def _key(connection: Connection) -> tuple[str, str, str]:
    return (connection.source, connection.target, connection.kind)


def _note(table: dict, key, finding_id: str) -> None:
    ids = table.setdefault(key, [])
    if finding_id not in ids:
        ids.append(finding_id)
