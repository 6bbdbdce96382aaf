"""How each component of a proposed architecture was sized: what its cost depends on beyond
its kind. Composing the architecture fills it in (generator/composition.py); the cost estimate
reads it. Not part of the stored graph:
an architecture read back from JSON or a template has no sizing, and is priced by kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from architecture.model import Architecture


@dataclass(frozen=True)
class Sizing:
    # functions
    memory_mb: int = 0
    timeout_s: int = 0
    work: float = 1.0        # share of a unit of work's typical compute time one invocation runs
    calls: int = 1           # invocations per arrival (a workflow's steps)
    in_vpc: bool = False
    cpu: str = "arm64"       # the functions' instruction set architecture
    # a function reading a stream or a queue: its event source mapping's batch size and batching
    # window (0: none), and the shards of a stream it reads (each shard fills batches of its own;
    # 0: not known)
    batch_size: int = 1
    batch_window_s: float = 0.0
    shards: int = 0
    # queues, workflows, tables, APIs
    fifo: bool = False
    express: bool = False
    # what a table holds: "data" (the workload's items), "idempotency" (a record per
    # invocation of each function writing it) or "records" (a record per unit of work)
    table: str = "data"
    api: str = ""              # http | rest


@dataclass(frozen=True)
class Proposal:
    """An architecture as the generator would build it, with each component's sizing."""
    architecture: Architecture
    sizing: Mapping[str, Sizing] = field(default_factory=dict)

    def of(self, component_id: str) -> Sizing:
        return self.sizing.get(component_id) or Sizing()
