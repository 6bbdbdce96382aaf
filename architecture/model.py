"""Components, connections and the architecture they form (SPEC §8.5)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping

FORMAT_VERSION = 1

COMPONENT_KINDS: tuple[str, ...] = (
    "client", "schedule", "api", "function", "queue", "topic", "event-bus", "bucket", "table",
    "stream", "delivery-stream", "state-machine", "database", "db-proxy", "secret", "dlq", "external",
)
CONNECTION_KINDS: tuple[str, ...] = (
    "invoke",   # a synchronous call: client -> API, API -> function, workflow -> function
    "event",    # an asynchronous push: bucket, topic, bus or schedule -> its target
    "poll",     # an event source mapping: queue or stream -> function
    "start",    # starts a workflow execution
    "read",
    "write",
    "publish",  # a function sends to a queue, topic or bus
    "failure",  # to a dead-letter queue or on-failure destination
)
# Components that exist without anything starting them: where work comes from, where it
# rests, and where failures wait. Every other component needs at least one incoming edge.
SELF_STARTING: frozenset[str] = frozenset({"client", "schedule", "external", "table", "database", "secret", "dlq"})
# What stands outside the stack, and how it reaches each kind of component it feeds.
PRODUCERS = "Producers"
OUTSIDE_ENTRY: dict[str, str] = {
    "queue": "publish", "topic": "publish", "event-bus": "publish", "stream": "publish",
    "delivery-stream": "publish", "state-machine": "start", "function": "event", "api": "invoke",
    "bucket": "write",
}
# Asynchronous connections: a cycle made only of these repeats work without anyone asking.
ASYNCHRONOUS: frozenset[str] = frozenset({"event", "poll", "start", "publish"})

# The words a logical id ends with for each kind; the name is what comes before them.
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "function": ("Function",),
    "queue": ("Queue",),
    "dlq": ("Dlq", "DLQ", "DeadLetterQueue", "Queue"),
    "topic": ("Topic",),
    "event-bus": ("EventBus", "Bus"),
    "bucket": ("Bucket",),
    "table": ("Table",),
    "stream": ("Stream",),
    "delivery-stream": ("DeliveryStream", "Firehose"),
    "state-machine": ("StateMachine",),
    "api": ("Api",),
    "database": ("Database", "Cluster", "Instance", "Db", "DB"),
    "db-proxy": ("Proxy",),
    "secret": ("Secret",),
    "schedule": ("Schedule",),
}
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+\d*|\d+|[A-Z]+\d*")


class ArchitectureError(ValueError):
    """Stored or sent architecture JSON that does not describe a valid graph."""


@lru_cache(maxsize=1024)  # a dozen per architecture composed on each answer; the ids repeat
def name_from_id(logical_id: str, kind: str) -> str:
    """The short name of a component from its logical id: ``BillingQueue`` -> ``billing``.

    The one naming convention shared by the generator (which names resources this way) and
    the analyzer (which reads names back from any template).
    """
    stem = logical_id
    for suffix in _SUFFIXES.get(kind, ()):
        if stem.endswith(suffix):
            if len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
            break
    words = _WORD.findall(stem) or [stem]
    return "-".join(word.lower() for word in words)


def id_from_name(name: str) -> str:
    """``order-audit`` -> ``OrderAudit``: the stem of the logical ids of a named consumer."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


@dataclass(frozen=True)
class Component:
    id: str       # logical id in the template
    kind: str     # one of COMPONENT_KINDS
    name: str     # short name, e.g. "billing"
    pattern: str | None = None  # the pattern it belongs to; None for shared parts
    label: str = field(default="", compare=False)  # caption on the diagram

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "name": self.name, "pattern": self.pattern}
        if self.label:
            data["label"] = self.label
        return data


@dataclass(frozen=True)
class Connection:
    source: str
    target: str
    kind: str     # one of CONNECTION_KINDS
    label: str = field(default="", compare=False)  # what flows, on the diagram

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"from": self.source, "to": self.target, "kind": self.kind}
        if self.label:
            data["label"] = self.label
        return data


@dataclass(frozen=True)
class Architecture:
    components: tuple[Component, ...] = ()
    connections: tuple[Connection, ...] = ()

    # -- lookups -----------------------------------------------------------------------
    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    def of_kind(self, *kinds: str) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.kind in kinds)

    def incoming(self, component_id: str) -> tuple[Connection, ...]:
        return tuple(e for e in self.connections if e.target == component_id)

    def outgoing(self, component_id: str) -> tuple[Connection, ...]:
        return tuple(e for e in self.connections if e.source == component_id)

    @property
    def patterns(self) -> frozenset[str]:
        return frozenset(c.pattern for c in self.components if c.pattern)

    def _feeding_connections(self) -> list[Connection]:
        """The connections that start their target: not reads, and not the failure path into
        a queue or DLQ (a function, topic, bus or workflow that is an on-failure destination
        is started by what fails)."""
        kinds = {c.id: c.kind for c in self.components}
        return [e for e in self.connections
                if e.kind != "read" and not (e.kind == "failure" and kinds.get(e.target) in ("queue", "dlq"))]

    def untriggered(self) -> tuple[Component, ...]:
        """Components that need something to start them and have nothing."""
        targets = {e.target for e in self._feeding_connections()}
        return tuple(c for c in self.components if c.kind not in SELF_STARTING and c.id not in targets)

    def problems(self) -> list[str]:
        """What makes this graph invalid, in words; empty when it is sound."""
        found: list[str] = []
        seen: set[str] = set()
        for c in self.components:
            if c.kind not in COMPONENT_KINDS:
                found.append(f"component {c.id}: unknown kind {c.kind!r}")
            if c.id in seen:
                found.append(f"component {c.id} appears twice")
            seen.add(c.id)
        for e in self.connections:
            if e.kind not in CONNECTION_KINDS:
                found.append(f"connection {e.source} -> {e.target}: unknown kind {e.kind!r}")
            for end in (e.source, e.target):
                if end not in seen:
                    found.append(f"connection {e.source} -> {e.target}: no component {end}")
        for c in self.untriggered():
            found.append(f"{c.kind} {c.id} has nothing that starts or feeds it")
        return found

    def shape(self) -> tuple[frozenset, frozenset]:
        """What two architectures must share to be the same: component ids, kinds and names,
        and connections with their kinds. Labels and patterns are left out, and so are systems
        outside the stack (a template names the URLs it calls only as parameters)."""
        outside = {c.id for c in self.components if c.kind == "external"}
        return (frozenset((c.id, c.kind, c.name) for c in self.components if c.id not in outside),
                frozenset((e.source, e.target, e.kind) for e in self.connections
                          if e.source not in outside and e.target not in outside))

    def fed_from_outside(self) -> "Architecture":
        """This architecture with the systems outside the stack feeding what nothing inside starts.

        Events from other systems arrive on a bus, topic, queue or stream; a workflow or
        function that nothing in the stack starts is started by them. A loop that nothing
        starting work leads into (a function writing results into the bucket whose uploads
        trigger it) is fed from outside too, at its bucket, queue, topic, bus or stream. The
        generator and the analyzer both apply this, so the entry points are explicit on both sides.
        """
        entries = [(c.id, OUTSIDE_ENTRY[c.kind]) for c in self.untriggered() if c.kind in OUTSIDE_ENTRY]
        entries += self._loop_entries([target for target, _ in entries])
        if not entries:
            return self
        producers = self.component(PRODUCERS) or Component(PRODUCERS, "external", name_from_id(PRODUCERS, "external"),
                                                           None, "Your producers")
        components = self.components if self.component(PRODUCERS) else (*self.components, producers)
        added = tuple(Connection(PRODUCERS, target, kind, "uploads files" if kind == "write" else "sends work")
                      for target, kind in entries)
        return Architecture(components, (*self.connections, *added))

    def _loop_entries(self, fed: list[str]) -> list[tuple[str, str]]:
        """Where work from outside enters each loop that nothing starting work reaches: one
        component per loop, a hub before a function, the first by id (so the order the
        components were listed in does not matter)."""
        feeding: dict[str, list[str]] = {}
        for e in self._feeding_connections():
            feeding.setdefault(e.source, []).append(e.target)
        reached: set[str] = set()

        def reach(start: str) -> None:
            pending = [start]
            while pending:
                node = pending.pop()
                if node not in reached:
                    reached.add(node)
                    pending.extend(feeding.get(node, ()))

        for c in self.components:
            if c.kind in SELF_STARTING:
                reach(c.id)
        for target in fed:
            reach(target)
        entries: list[tuple[str, str]] = []
        while True:
            cut_off = sorted((c.kind == "function", c.id, c.kind) for c in self.components
                             if c.id not in reached and c.kind in OUTSIDE_ENTRY)
            if not cut_off:
                return entries
            _, target, kind = cut_off[0]
            entries.append((target, OUTSIDE_ENTRY[kind]))
            reach(target)

    # -- storage -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION,
                "components": [c.to_dict() for c in self.components],
                "edges": [e.to_dict() for e in self.connections]}

    @classmethod
    def from_dict(cls, data: Any) -> "Architecture":
        """Load stored JSON back into the typed graph; raises ArchitectureError."""
        if not isinstance(data, Mapping):
            raise ArchitectureError("an architecture must be a JSON object with components and edges")
        version = data.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise ArchitectureError(f"unsupported architecture version {version!r}")
        components = tuple(_component(item) for item in _list(data, "components"))
        connections = tuple(_connection(item) for item in _list(data, "edges"))
        architecture = cls(components, connections)
        wrong = [p for p in architecture.problems() if "nothing that starts" not in p]
        if wrong:
            raise ArchitectureError("; ".join(wrong[:5]))
        return architecture

    @classmethod
    def build(cls, components: Iterable[Component], connections: Iterable[Connection]) -> "Architecture":
        """An architecture with duplicate connections dropped and connections to absent
        components left out, in a stable order."""
        components = tuple(components)
        ids = {c.id for c in components}
        unique: dict[tuple[str, str, str], Connection] = {}
        for e in connections:
            if e.source in ids and e.target in ids:
                unique.setdefault((e.source, e.target, e.kind), e)
        return cls(components, tuple(unique.values()))


def _list(data: Mapping, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ArchitectureError(f"{key} must be a list")
    return value


def _text(item: Mapping, key: str, *, optional: bool = False) -> str | None:
    value = item.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > 255:
        raise ArchitectureError(f"each entry needs {key!r} as a non-empty string")
    return value


def _component(item: Any) -> Component:
    if not isinstance(item, Mapping):
        raise ArchitectureError("each component must be an object")
    return Component(id=_text(item, "id"), kind=_text(item, "kind"), name=_text(item, "name"),
                     pattern=_text(item, "pattern", optional=True),
                     label=_text(item, "label", optional=True) or "")


def _connection(item: Any) -> Connection:
    if not isinstance(item, Mapping):
        raise ArchitectureError("each edge must be an object")
    return Connection(source=_text(item, "from"), target=_text(item, "to"), kind=_text(item, "kind"),
                      label=_text(item, "label", optional=True) or "")
