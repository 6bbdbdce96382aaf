"""Monthly cost of an architecture, component by component, from the price rows.

Prices are data (``prices.yaml`` / the admin). What is code here is the usage model: how
much work reaches each component of the architecture in a month, and what that work is
billed as. The architecture's graph says where work flows (an API splits its requests
between the functions behind it, a topic copies every message to each subscriber queue, a
workflow invokes its function once per step); each kind of component has a pricer that turns
the work reaching it into lines. Every line carries its arithmetic (quantity x unit price =
amount) and the assumption behind the quantity. The assumptions are the named constants
below.

A component kind with no pricer (a new kind, such as a stream) costs nothing until a pricer is
registered in ``PRICERS``, or its pattern folder has a ``cost.py`` whose ``usage`` yields its
lines; until then the estimate says it was left out.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from . import formatting
from .catalogue import Price, load_files

if TYPE_CHECKING:
    from architecture import Architecture, Component
    from architecture.sizing import Proposal, Sizing

# The usage model's assumptions (not prices: those are rows).
# A function that only hands work on (to a queue, a bus, a workflow) runs about this long.
HOP_SECONDS = 0.1
LOG_KB_PER_INVOCATION = 1.0
# Initialisation of a Python function with the Powertools layer, billed for every cold start.
INIT_SECONDS = 0.5
# Cold starts: every invocation when invocations are further apart than an idle environment
# lives; otherwise this share of them (new environments as traffic grows, and recycling).
ENVIRONMENT_IDLE_S = 300
COLD_START_SHARE = 0.01
# RDS Proxy bills the vCPUs of the database behind it, with a minimum (the limit row): the
# database's size is not asked, so the minimum is what is priced.
PROXY_MIN_VCPUS = "rds-proxy-min-vcpus"
# Our convention, as AWS's pricing calculator's: a month is 730 hours.
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
# The limit rows of the memory an Express workflow is billed for, and the step its duration is
# billed in.
EXPRESS_MEMORY = "step-functions-express-billed-memory"
EXPRESS_BILLING_STEP = "step-functions-express-billing-step"
STANDARD_EXTRA_TRANSITIONS = 2  # a workflow's start and end states, beside one per step
SQS_REQUESTS_PER_MESSAGE = 3  # send, receive, delete, when nothing says how a queue is read in batches
# The limit row of the most messages one ReceiveMessage (or DeleteMessageBatch) request takes.
SQS_RECEIVE_LIMIT = "sqs-receive-max-messages"
# The limit rows of how many KB of a message or request each service meters as one.
METERED_KB = {"sqs": "sqs-metered-kb", "sns": "sns-metered-kb", "eventbridge": "eventbridge-metered-kb",
              "http": "http-api-metered-kb", "websocket": "websocket-metered-kb"}
# The limit rows of DynamoDB's units: the KB one write unit and one read unit cover, and the
# read units an eventually consistent read takes.
WRITE_UNIT_KB, READ_UNIT_KB = "dynamodb-write-unit-kb", "dynamodb-read-unit-kb"
EVENTUAL_READ = "dynamodb-eventual-read-units"
# When the advice names the container task as the alternative (SPEC §8.4), the work is also
# priced as that task, beside the total: sized by the CPU share Lambda gives the function's
# memory, billed with Fargate's minimum.
CONTAINER_ALTERNATIVE = "fargate-task"
MEMORY_PER_VCPU = "lambda-memory-per-vcpu"
FARGATE_MINIMUM = "fargate-minimum-billed-seconds"
# The price rows' suffix for a function's instruction set architecture (as a template names it).
PRICE_SUFFIX = {"arm64": "arm64", "x86_64": "x86"}
CONTAINER_PRICES = frozenset(f"fargate-{what}-hours-{cpu}" for what in ("vcpu", "gb") for cpu in PRICE_SUFFIX.values())
# Limit rows the estimate reads, beside those rules read.
LIMITS_READ = frozenset({SQS_RECEIVE_LIMIT, *METERED_KB.values(), PROXY_MIN_VCPUS, EXPRESS_MEMORY,
                         EXPRESS_BILLING_STEP, WRITE_UNIT_KB, READ_UNIT_KB, EVENTUAL_READ,
                         MEMORY_PER_VCPU, FARGATE_MINIMUM})
BOOKKEEPING_WRITES = 2  # a record written, then its outcome (Powertools idempotency: in progress, then done)
AVAILABILITY_ZONES = 2  # a NAT gateway, or an interface endpoint, in each
# Services a function in a VPC reaches through an interface endpoint, by the kind of component
# it talks to (S3 and DynamoDB have free gateway endpoints).
ENDPOINT_SERVICES = {"queue": "SQS", "dlq": "SQS", "topic": "SNS", "event-bus": "EventBridge",
                     "state-machine": "Step Functions", "secret": "Secrets Manager", "stream": "Kinesis",
                     "delivery-stream": "Firehose"}

FLOW_EDGES = frozenset({"invoke", "event", "poll", "start", "publish"})
SOURCES = frozenset({"client", "external", "schedule"})
WHOLE = ""  # the component of a line that belongs to the whole architecture
# How lines of the whole architecture are named.
LOGS, NETWORK, FREE_TIER = "Function logs", "VPC networking", "Free tier"


@dataclass(frozen=True)
class CostLine:
    """One priced quantity: ``quantity`` ``unit`` x ``unit_usd`` = ``usd``, because ``assumption``."""
    service: str
    usd: float
    basis: str
    component: str = WHOLE  # the component's id, or "" for the whole architecture
    quantity: float = 0.0
    unit: str = ""
    unit_usd: float = 0.0
    assumption: str = ""
    price: str = ""  # the price row's id
    component_name: str = ""  # the component as people read it

    @property
    def arithmetic(self) -> str:
        """``1,000,000 requests × $0.0000002``; empty for a line stored before it was recorded."""
        if not self.unit:
            return ""
        return f"{formatting.quantity(self.quantity)} {self.unit} × ${formatting.unit_usd(self.unit_usd)}"

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "usd": self.usd, "basis": self.basis, "component": self.component,
                "component_name": self.component_name, "quantity": _quantity(self.quantity), "unit": self.unit,
                "unit_usd": self.unit_usd, "price": self.price, "assumption": self.assumption}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CostLine":
        """A stored line; lines saved before the arithmetic was recorded have only the first three keys."""
        return cls(data["service"], data["usd"], data["basis"], data.get("component", WHOLE),
                   data.get("quantity", 0.0), data.get("unit", ""), data.get("unit_usd", 0.0),
                   data.get("assumption", ""), data.get("price", ""), data.get("component_name", ""))


@dataclass(frozen=True)
class Cost:
    monthly_usd: float
    lines: tuple[CostLine, ...]
    # Priced options that are not in the total (Standard beside Express, VPC endpoints beside NAT).
    alternatives: tuple[CostLine, ...] = ()
    region: str = ""
    free_tier: bool = False
    notes: tuple[str, ...] = ()

    @property
    def prices_a_container_instead(self) -> bool:
        """Whether the work is also priced as Fargate tasks, among the options beside the total."""
        return any(line.price in CONTAINER_PRICES for line in self.alternatives)

    def to_dict(self) -> dict[str, Any]:
        return {"monthly_usd": self.monthly_usd, "lines": [line.to_dict() for line in self.lines],
                "alternatives": [line.to_dict() for line in self.alternatives], "region": self.region,
                "free_tier": self.free_tier, "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Cost":
        return cls(data["monthly_usd"], tuple(CostLine.from_dict(line) for line in data["lines"]),
                   tuple(CostLine.from_dict(line) for line in data.get("alternatives", ())),
                   data.get("region", ""), data.get("free_tier", False), tuple(data.get("notes", ())))


def uses_express_workflow(answers: Mapping[str, Any], express_limit_s: float | None) -> bool:
    """Express fits work that never waits long and ends within Express's duration limit
    (the limit row; without one, the workflow is priced as Standard)."""
    return (express_limit_s is not None and not answers.get("long_waits")
            and answers.get("max_duration_s", 0) + answers.get("wait_s", 0) <= express_limit_s)


# The estimate -------------------------------------------------------------------------------
class _Estimate:
    """The state of one estimate: the work reaching each component, and the lines so far."""

    def __init__(self, answers: Mapping[str, Any], proposal: "Proposal", prices: Mapping[str, Price],
                 provisioned: bool, express_limit_s: float | None, limits: Mapping[str, float] | None = None,
                 container_instead: bool = False):
        self.answers = answers
        self.container_instead = container_instead
        self.limits = limits or {}
        self.proposal = proposal
        self.architecture: Architecture = proposal.architecture
        self.prices = prices
        self.provisioned = provisioned
        self.express_limit_s = express_limit_s
        self.units = float(answers.get("monthly_invocations", 0))
        self.lines: list[CostLine] = []
        self.alternatives: list[CostLine] = []
        self.notes: list[str] = []
        self.used: set[str] = set()
        self.log_gb = 0.0
        self.vpc_functions: list[Component] = []
        self._flow: dict[str, float] = {}
        self._visiting: set[str] = set()
        self._items: dict[str, tuple[float, list[str]]] = {}
        self._written_back: dict[str, float] = {}  # items a table's stream readers write back to it
        self._incoming: dict[str, list] = {}
        self._outgoing: dict[str, list] = {}
        for edge in self.architecture.connections:
            self._incoming.setdefault(edge.target, []).append(edge)
            self._outgoing.setdefault(edge.source, []).append(edge)
        self._components = {c.id: c for c in self.architecture.components}
        self._loops = self._closing_edges()

    # -- where work flows ---------------------------------------------------------------------
    def _carries_work(self, edge) -> bool:
        return edge.kind in FLOW_EDGES or (edge.kind == "write" and self._components[edge.target].kind == "bucket")

    def _closing_edges(self) -> set[tuple[str, str, str]]:
        """The connections that close a loop, walking from where work enters (clients, schedules,
        systems outside): work that comes round a loop again (results written into the bucket
        whose uploads trigger the function) is a risk the warnings name, not more work to price.
        Found the same way whichever component is priced first."""
        closing: set[tuple[str, str, str]] = set()
        done: set[str] = set()
        starts = sorted(c.id for c in self.architecture.components if c.kind in SOURCES)
        for start in [*starts, *sorted(self._components)]:
            if start in done:
                continue
            path, stack = {start}, [(start, iter(self._outgoing.get(start, ())))]
            while stack:
                node, edges = stack[-1]
                edge = next(edges, None)
                if edge is None:
                    stack.pop()
                    path.discard(node)
                    done.add(node)
                elif self._carries_work(edge):
                    if edge.target in path:
                        closing.add((edge.source, edge.target, edge.kind))
                    elif edge.target not in done:
                        path.add(edge.target)
                        stack.append((edge.target, iter(self._outgoing.get(edge.target, ()))))
        return closing

    def flow(self, component_id: str) -> float:
        """Arrivals per month at a component: requests, messages, executions, invocations."""
        if component_id in self._flow:
            return self._flow[component_id]
        if component_id in self._visiting:
            return 0.0  # a cycle: the loop's repeats are a risk the warnings name, not a cost to guess
        self._visiting.add(component_id)
        component = self._components[component_id]
        if component.kind in SOURCES:
            total = self.units
        elif component.kind == "table":
            # each item written is a record on its stream, but for the readers' own write-backs
            total = self.table_items(component_id)[0] - self.written_back(component_id)
        else:
            total = 0.0
            for edge in self._incoming.get(component_id, ()):
                if self._carries_work(edge) and (edge.source, edge.target, edge.kind) not in self._loops:
                    total += self.flow(edge.source) / self._fan(edge.source, edge.kind)
            if component.kind == "function":
                total *= self.proposal.of(component_id).calls
        self._visiting.discard(component_id)
        self._flow[component_id] = total
        return total

    def arrivals(self, function_id: str) -> float:
        """Units of work (or stream records) a function handles: its invocations over its calls per arrival."""
        return self.flow(function_id) / max(1, self.proposal.of(function_id).calls)

    def read_share(self) -> float:
        return float(self.a("read_percent", 50)) / 100

    def stream_fed(self, function_id: str) -> bool:
        return any(e.kind == "poll" and self._components[e.source].kind == "table"
                   for e in self._incoming.get(function_id, ()))

    def table_items(self, table_id: str) -> tuple[float, list[str]]:
        """Items written to a table of the workload's data a month, and how they add up.

        A function handling units of work writes ``items_per_unit`` items for each (only for
        the share of requests that write, when it also reads the table); a function fed by a
        table's stream writes one item per record. A table that nothing in the stack writes
        but the readers of its own stream (which write back to the items that changed) is
        changed by systems outside it, and its stream carries those changes to its readers;
        their write-backs are skipped by the readers' filters.
        """
        if table_id in self._items:
            return self._items[table_id]
        self._items[table_id] = (0.0, [])  # a cycle through streams counts once
        per_unit = int(self.a("items_per_unit", 1))
        read_share = self.read_share()
        readers = {fn.id for fn in self.readers(table_id)}
        items, parts = 0.0, []
        writers = [w for w in self.writers(table_id) if w.kind == "function"]
        writing_back = {fn.id for fn in writers
                        if any(e.kind == "poll" and e.source == table_id for e in self._incoming.get(fn.id, ()))}
        changes = 0.0  # the changes from outside the stack its stream carries
        if len(writing_back) == len(writers) and self.stream_readers(table_id):
            changes = items = self.units * per_unit
            parts.append(f"{formatting.quantity(self.units)} units of work by your systems × {per_unit:,} item"
                         f"{'s' if per_unit != 1 else ''} each")
            self._items[table_id] = (items, list(parts))  # what the stream's readers receive
        for fn in writers:
            if fn.id in writing_back and changes:
                items += changes
                self._written_back[table_id] = self._written_back.get(table_id, 0.0) + changes
                parts.append(f"{formatting.quantity(changes)} written back by {component_name(fn)}, one per change")
                continue
            arrivals = self.arrivals(fn.id)
            if self.stream_fed(fn.id):
                items += arrivals
                parts.append(f"{formatting.quantity(arrivals)} by {component_name(fn)}, one per stream record")
                continue
            share = 1 - read_share if fn.id in readers else 1.0
            items += arrivals * share * per_unit
            parts.append(f"{formatting.quantity(arrivals)} units of work by {component_name(fn)}"
                         + (f" × {share:.0%} that write" if share != 1 else "")
                         + f" × {per_unit:,} item{'s' if per_unit != 1 else ''} each")
        self._items[table_id] = (items, parts)
        return items, parts

    def written_back(self, table_id: str) -> float:
        """Items of a table its own stream's readers write back a month (counted in table_items)."""
        self.table_items(table_id)
        return self._written_back.get(table_id, 0.0)

    def _fan(self, source_id: str, kind: str) -> int:
        """An API routes each request to one of its functions; everything else copies to each target."""
        if self._components[source_id].kind != "api" or kind != "invoke":
            return 1
        return max(1, sum(1 for e in self._outgoing.get(source_id, ()) if e.kind == "invoke"))

    def queue_fed(self, function_id: str) -> bool:
        return any(e.kind == "poll" and self._components[e.source].kind == "queue"
                   for e in self._incoming.get(function_id, ()))

    def stream_readers(self, component_id: str) -> list:
        return [e for e in self._outgoing.get(component_id, ()) if e.kind == "poll"]

    def writers(self, component_id: str) -> list["Component"]:
        return [self._components[e.source] for e in self._incoming.get(component_id, ()) if e.kind == "write"]

    def readers(self, component_id: str) -> list["Component"]:
        return [self._components[e.source] for e in self._incoming.get(component_id, ()) if e.kind == "read"]

    def _outgoing_of_kind(self, component_id: str, kind: str) -> list:
        return [e for e in self._outgoing.get(component_id, ()) if e.kind == kind]

    def reaches(self, component_id: str, kinds: Iterable[str]) -> list["Component"]:
        kinds = set(kinds)
        return [self._components[e.target] for e in self._outgoing.get(component_id, ())
                if self._components[e.target].kind in kinds]

    # -- lines ----------------------------------------------------------------------------------
    def price(self, price_id: str) -> Price | None:
        return self.prices.get(price_id)

    def add(self, component: "Component | None", price_id: str, quantity: float, assumption: str,
            *, alternative: bool = False, service: str = "", name: str = "") -> CostLine | None:
        """A line for a component, or with ``name`` for a part of the whole architecture."""
        price = self.prices.get(price_id)
        if price is None:
            return None
        line = make_line(price, quantity, assumption, component, service, name)
        (self.alternatives if alternative else self.lines).append(line)
        if not alternative:
            self.used.add(price_id)
        return line

    def a(self, key: str, default: Any = 0) -> Any:
        value = self.answers.get(key, default)
        return default if value is None else value

    def limit(self, limit_id: str) -> float:
        """A limit row the estimate reads (LIMITS_READ): the catalogue's, or the shipped one for
        an estimate made without the catalogue's limits."""
        return float(self.limits[limit_id] if limit_id in self.limits else load_files().limit_map[limit_id].value)

    def chunks(self, service: str) -> tuple[int, float]:
        """How many metered units one message or request of the answered payload counts as on
        ``service`` (a key of METERED_KB), and the KB of one unit."""
        unit = self.limit(METERED_KB[service])
        return max(1, math.ceil(float(self.a("payload_kb", 0)) / unit)), unit


def make_line(price: Price, quantity: float, assumption: str, component: "Component | None" = None,
              service: str = "", name: str = "") -> CostLine:
    usd = round(quantity * price.usd / price.per, 2)
    unit_usd = price.usd / price.per
    name = component_name(component) if component is not None else name
    basis = f"{formatting.quantity(quantity)} {price.unit} × ${formatting.unit_usd(unit_usd)} = {formatting.usd(usd)}: {assumption}"
    return CostLine(service or price.service, usd, basis, component.id if component is not None else WHOLE,
                    quantity, price.unit, unit_usd, assumption, price.id, name)


def component_name(component: "Component") -> str:
    label = component.label or component.name.replace("-", " ")
    kind = component.kind.replace("-", " ")
    return label if kind in label.lower() else f"{label} ({kind})"


# Pricers, one per component kind ----------------------------------------------------------------
def _function(est: _Estimate, c: "Component") -> None:
    invocations = est.flow(c.id)
    if not invocations:
        return
    size = est.proposal.of(c.id)
    memory_mb = size.memory_mb or int(est.a("memory_mb", 512))
    memory_gb = memory_mb / 1024
    cpu = PRICE_SUFFIX.get(size.cpu, "arm64")
    typical = float(est.a("duration_s", 0))
    seconds = typical * size.work if size.work > 0 else HOP_SECONDS
    if size.work <= 0:
        why = f"hands the work on in about {HOP_SECONDS:g} s"
    elif size.work == 1:
        why = "the typical processing time"
    else:
        why = f"{typical:g} s typical processing × {size.work:.3g} of the work per invocation"
    if size.timeout_s and seconds > size.timeout_s:
        seconds = float(size.timeout_s)
        why = f"stopped at its {size.timeout_s} s timeout (the work does not fit a function)"
    per_arrival = f", {size.calls} per arrival" if size.calls > 1 else ""
    requests, requests_why = invocations, f"{formatting.quantity(invocations)} invocations a month{per_arrival}"
    queue_fed = est.queue_fed(c.id)
    if size.batch_size > 1 and queue_fed:
        requests, _, requests_why = _queue_batches(invocations, size)
    elif size.batch_size > 1:
        requests, requests_why = _stream_batches(invocations, size)
    est.add(c, "lambda-requests", requests, requests_why)
    gb_s = invocations * seconds * memory_gb
    synchronous = any(est._components[e.source].kind == "api" for e in est._incoming.get(c.id, ()))
    if est.provisioned and synchronous:
        concurrency = max(1, math.ceil(invocations / SECONDS_PER_MONTH * seconds))
        standing = concurrency * memory_gb * SECONDS_PER_MONTH
        est.add(c, f"lambda-provisioned-gb-second-{cpu}", standing,
                f"{concurrency} provisioned environment{'s' if concurrency != 1 else ''} (the average concurrency, "
                f"rounded up) × {memory_gb:g} GB × {SECONDS_PER_MONTH:,} s a month, against cold starts")
        est.add(c, f"lambda-provisioned-duration-{cpu}", gb_s,
                f"{formatting.quantity(invocations)} invocations × {seconds:g} s ({why}) × {memory_gb:g} GB on provisioned environments")
    else:
        handled = "invocations" if size.batch_size <= 1 else "messages" if queue_fed else "stream records"
        est.add(c, f"lambda-gb-second-{cpu}", gb_s,
                f"{formatting.quantity(invocations)} {handled} × {seconds:g} s ({why}) × {memory_gb:g} GB ({memory_mb} MB), {cpu}")
        gap = SECONDS_PER_MONTH / requests
        if gap >= ENVIRONMENT_IDLE_S:
            cold, cold_why = requests, f"every invocation starts cold (one every {formatting.quantity(gap)} s; an idle environment lives about {ENVIRONMENT_IDLE_S // 60} min)"
        else:
            cold, cold_why = requests * COLD_START_SHARE, f"{COLD_START_SHARE:.0%} of invocations start cold"
        est.add(c, f"lambda-gb-second-{cpu}", cold * INIT_SECONDS * memory_gb,
                f"INIT billed for cold starts: {formatting.quantity(cold)} cold starts × {INIT_SECONDS:g} s × {memory_gb:g} GB; {cold_why}",
                service="Lambda")
    _container_instead(est, c, size, memory_mb, cpu)
    est.log_gb += invocations * LOG_KB_PER_INVOCATION / (1024 * 1024)
    if size.in_vpc:
        est.vpc_functions.append(c)


def _container_instead(est: _Estimate, c: "Component", size: "Sizing", memory_mb: int, cpu: str) -> None:
    """Beside the total: the work this function does for each arrival, run as one Fargate task
    instead, when the advice names that task. Only a function that does the work (not one
    that hands it on) has a task to price."""
    if not est.container_instead or size.work <= 0:
        return
    tasks = est.arrivals(c.id)
    if not tasks:
        return
    seconds = float(est.a("duration_s", 0)) * size.work * max(1, size.calls)
    minimum = est.limit(FARGATE_MINIMUM)
    billed = max(seconds, minimum)
    why = f"{billed:g} s each" + (f" (at least {minimum:g} s is billed)" if seconds < minimum else " (the typical processing time)")
    vcpus, memory_gb = memory_mb / est.limit(MEMORY_PER_VCPU), memory_mb / 1024
    hours = tasks * billed / 3600
    vcpu_price, memory_price = (f"fargate-{what}-hours-{cpu}" for what in ("vcpu", "gb"))
    est.add(c, vcpu_price, hours * vcpus,
            f"Fargate instead: {formatting.quantity(tasks)} tasks × {why} × {vcpus:.2g} vCPU (what Lambda gives "
            f"{memory_mb} MB; Fargate rounds a task up to a size it offers)", alternative=True)
    est.add(c, memory_price, hours * memory_gb,
            f"Fargate instead: {formatting.quantity(tasks)} tasks × {why} × {memory_gb:g} GB", alternative=True)


def _stream_batches(records: float, size: "Sizing") -> tuple[float, str]:
    """Invocations of a function reading a stream: one per batch. Each shard's poller closes a
    batch when it holds the mapping's batch size or when the batching window ends, so at the
    month's average rate a batch holds what one shard receives in the window, between one
    record and the batch size."""
    shards = max(1, size.shards)
    per_shard = records / SECONDS_PER_MONTH / shards
    per_batch = min(float(size.batch_size), max(1.0, per_shard * size.batch_window_s))
    batches = records / per_batch
    spread = (f"{shards} shard{'s' if shards != 1 else ''}" if size.shards
              else "one shard assumed: the stream's shards follow the table's partitions")
    return batches, (f"{formatting.quantity(batches)} batches a month, one invocation each: "
                     f"{formatting.quantity(records)} stream records ÷ {formatting.quantity(per_batch)} per batch "
                     f"({formatting.quantity(per_shard)} records/s per shard at the month's average, {spread}, "
                     f"over the {size.batch_window_s:g} s batching window, at most the batch size of {size.batch_size})")


def _queue_batches(messages: float, size: "Sizing") -> tuple[float, float, str]:
    """Invocations of a function reading a queue (one per batch), the messages in a batch, and
    why. Lambda closes a batch when it holds the mapping's batch size or when the batching window
    ends, so at the month's average rate a batch holds what arrives in the window, between one
    message and the batch size. Without a window (a FIFO queue, or a mapping that sets none) a
    batch is taken to hold one: the estimate does not guess how often messages wait."""
    per_second = messages / SECONDS_PER_MONTH
    per_batch = min(float(size.batch_size), max(1.0, per_second * size.batch_window_s))
    batches = messages / per_batch
    if size.batch_window_s:
        fill = (f"{formatting.quantity(per_second)} messages/s at the month's average over the "
                f"{size.batch_window_s:g} s batching window, at most the batch size of {size.batch_size}; "
                "taken as gathered by one poller: spread over several, batches hold fewer")
    else:
        fill = (f"no batching window: one message per batch assumed, although a batch takes up to "
                f"{size.batch_size} when messages are waiting")
    return batches, per_batch, (f"{formatting.quantity(batches)} batches a month, one invocation each: "
                                f"{formatting.quantity(messages)} messages ÷ {formatting.quantity(per_batch)} per batch ({fill})")


def _api(est: _Estimate, c: "Component") -> None:
    requests = est.flow(c.id)
    chosen = est.a("api_type", "auto")
    kind = "websocket" if chosen == "websocket" else (est.proposal.of(c.id).api or "http")
    if kind == "websocket":
        chunks, unit = est.chunks("websocket")
        est.add(c, "apigw-websocket-messages", requests * chunks,
                f"WebSocket API: {formatting.quantity(requests)} messages{_metered(chunks, unit)}; connection minutes not included")
    elif kind == "rest":
        est.add(c, "apigw-rest-requests", requests, f"REST API: {formatting.quantity(requests)} requests a month")
    else:
        chunks, unit = est.chunks("http")
        est.add(c, "apigw-http-requests", requests * chunks,
                f"HTTP API: {formatting.quantity(requests)} requests{_metered(chunks, unit, 'request')}")


def _metered(chunks: int, size_kb: float, what: str = "message") -> str:
    """How a message's size counts: nothing to add when it fits one metered unit."""
    return f" × {chunks} (each {size_kb:g} KB of a {what} is metered as one)" if chunks > 1 else ""


def _consumers_note(est: _Estimate, c: "Component", targets: int) -> None:
    consumers = int(est.a("consumers", 1))
    if consumers > targets:
        est.notes.append(f"{component_name(c)} feeds {targets} consumer queue{'s' if targets != 1 else ''} for the "
                         f"{consumers} consumers answered, as the generated project has them; name the consumers "
                         "to get a queue and function for each, and a line for each here.")


def _queue(est: _Estimate, c: "Component") -> None:
    """A queue's requests: a send per message; the function reading it receives and deletes in
    batches, each request taking up to the ``SQS_RECEIVE_LIMIT`` row's count of messages. Without
    the row, or without the reader's batch size, each message is received and deleted on its own."""
    messages = est.flow(c.id)
    chunks, unit = est.chunks("sqs")
    fifo = est.proposal.of(c.id).fifo
    price_id = "sqs-fifo-requests" if fifo else "sqs-standard-requests"
    kind = " (FIFO queue)" if fifo else ""
    per_request = int(est.limits.get(SQS_RECEIVE_LIMIT, 0))
    readers = [est._components[e.target] for e in est.stream_readers(c.id)]  # the functions polling it
    if not per_request or len(readers) != 1 or est.proposal.of(readers[0].id).batch_size <= 1:
        est.add(c, price_id, messages * SQS_REQUESTS_PER_MESSAGE * chunks,
                f"{formatting.quantity(messages)} messages × {SQS_REQUESTS_PER_MESSAGE} requests (send, receive, delete)"
                f"{_metered(chunks, unit)}{kind}")
        return
    reader = readers[0]
    batches, per_batch, _ = _queue_batches(messages, est.proposal.of(reader.id))
    calls = math.ceil(per_batch / per_request)  # receives (and batched deletes) a batch takes
    payload_kb = float(est.a("payload_kb", 0))
    receive_chunks = max(calls, math.ceil(per_batch * payload_kb / unit))
    sends, receives, deletes = messages * chunks, batches * receive_chunks, batches * calls
    sent = f"{formatting.quantity(messages)} messages{_metered(chunks, unit)}" if chunks > 1 else ""
    est.add(c, price_id, sends + receives + deletes,
            f"{formatting.quantity(sends)} sends{f' ({sent})' if sent else ''} + {formatting.quantity(receives)} receives + "
            f"{formatting.quantity(deletes)} batched deletes{kind}: {component_name(reader)} takes "
            f"{formatting.quantity(batches)} batches of {formatting.quantity(per_batch)} message{'s' if per_batch != 1 else ''}, "
            f"each received in {calls} request{'s' if calls != 1 else ''} of up to {per_request} messages (each {unit:g} KB "
            f"returned counts as one) and deleted in as many; receives that return part of a batch, and the empty "
            f"receives of pollers waiting on an idle queue, are not counted")


def _topic(est: _Estimate, c: "Component") -> None:
    messages = est.flow(c.id)
    chunks, unit = est.chunks("sns")
    subscribers = len(est._outgoing_of_kind(c.id, "event"))
    _consumers_note(est, c, subscribers)
    est.add(c, "sns-publishes", messages * chunks,
            f"{formatting.quantity(messages)} publishes{_metered(chunks, unit)}; deliveries to its {subscribers} queue"
            f"{'s' if subscribers != 1 else ''} are free")


def _bus(est: _Estimate, c: "Component") -> None:
    events = est.flow(c.id)
    chunks, unit = est.chunks("eventbridge")
    targets = len(est._outgoing_of_kind(c.id, "event"))
    _consumers_note(est, c, targets)
    est.add(c, "eventbridge-custom-events", events * chunks,
            f"{formatting.quantity(events)} custom events{_metered(chunks, unit)}; its rules deliver them to {targets} "
            f"target{'s' if targets != 1 else ''} at no extra charge")
    replay_days = int(est.a("replay_days", 0))
    if replay_days:
        est.notes.append(f"{component_name(c)} archives its events for the {replay_days}-day replay window; the "
                         "archive is billed per GB stored and a replay per event replayed, neither priced here.")


def _state_machine(est: _Estimate, c: "Component") -> None:
    executions = est.flow(c.id)
    # The steps the composed workflow runs (long work is split into bounded ones), else as answered.
    steps = est.proposal.of(c.id).calls if c.id in est.proposal.sizing else int(est.a("steps", 1))
    express_fits = uses_express_workflow(est.answers, est.express_limit_s)
    express = est.proposal.of(c.id).express or (express_fits and c.id not in est.proposal.sizing)
    typical = float(est.a("duration_s", 0)) + float(est.a("wait_s", 0))
    step_s, memory_gb = est.limit(EXPRESS_BILLING_STEP) / 1000, est.limit(EXPRESS_MEMORY) / 1000
    billed = math.ceil(round(typical / step_s, 6)) * step_s
    transitions = executions * (steps + STANDARD_EXTRA_TRANSITIONS)

    def express_lines(alternative: bool) -> None:
        est.add(c, "sfn-express-requests", executions, f"Express: {formatting.quantity(executions)} executions", alternative=alternative)
        est.add(c, "sfn-express-gb-second", executions * billed * memory_gb,
                f"Express: {formatting.quantity(executions)} executions × {billed:g} s (the typical duration, in "
                f"{step_s * 1000:g} ms steps) × {memory_gb:g} GB", alternative=alternative)

    waited = float(est.a("wait_s", 0))
    unbilled_wait = f"; the {formatting.quantity(waited)} s wait costs nothing: Standard bills transitions, not time" \
        if waited else ""

    def standard_line(alternative: bool) -> None:
        est.add(c, "sfn-standard-transitions", transitions,
                f"Standard: {formatting.quantity(executions)} executions × {steps + STANDARD_EXTRA_TRANSITIONS} state transitions "
                f"({steps} step{'s' if steps != 1 else ''}, start and end){unbilled_wait}", alternative=alternative)

    if express:
        express_lines(False)
        standard_line(True)  # Standard fits whatever Express fits
    else:
        standard_line(False)
        if express_fits:
            express_lines(True)


def _table(est: _Estimate, c: "Component") -> None:
    role = est.proposal.of(c.id).table
    if role in ("idempotency", "records"):
        per_invocation = role == "idempotency"
        writes = sum(est.flow(fn.id) if per_invocation else est.arrivals(fn.id) for fn in est.writers(c.id))
        what = ("idempotent calls (each invocation, or each message or stream record of a batch)"
                if per_invocation else "units of work")
        est.add(c, "dynamodb-write-units", writes * BOOKKEEPING_WRITES,
                f"{formatting.quantity(writes)} {what} × {BOOKKEEPING_WRITES} writes (a record, then its outcome), each under "
                f"{est.limit(WRITE_UNIT_KB):g} KB")
        return
    item_kb = float(est.a("item_kb", 1))
    write_units = math.ceil(item_kb / est.limit(WRITE_UNIT_KB))
    items, parts = est.table_items(c.id)
    if items:
        est.add(c, "dynamodb-write-units", items * write_units,
                f"{formatting.quantity(items)} items written ({'; '.join(parts)}) × {write_units} write unit"
                f"{'s' if write_units != 1 else ''} ({item_kb:g} KB per item)")
        new_items = items - est.written_back(c.id)  # a write-back updates an item already there
        stored_gb = new_items * item_kb / (1024 * 1024)
        est.add(c, "dynamodb-storage", stored_gb,
                f"{stored_gb:,.2f} GB: one month of items written ({formatting.quantity(new_items)} × {item_kb:g} KB), "
                "if every item is new and kept; a table that keeps its items grows by this each month")
    read_share = est.read_share()
    reads = sum(est.arrivals(fn.id) for fn in est.readers(c.id)) * read_share
    if reads:
        read_units = math.ceil(item_kb / est.limit(READ_UNIT_KB)) * est.limit(EVENTUAL_READ)
        est.add(c, "dynamodb-read-units", reads * read_units,
                f"{formatting.quantity(reads)} reads ({read_share:.0%} of requests) × {read_units:g} read unit"
                f"{'s' if read_units != 1 else ''} (eventually consistent, {item_kb:g} KB per item)")


def _bucket(est: _Estimate, c: "Component") -> None:
    puts = sum(est.flow(w.id) for w in est.writers(c.id))
    gets = sum(est.flow(r.id) for r in est.readers(c.id))
    if puts:
        est.add(c, "s3-put-requests", puts, f"{formatting.quantity(puts)} objects written")
    if gets:
        est.add(c, "s3-get-requests", gets, f"{formatting.quantity(gets)} objects read")


def _db_proxy(est: _Estimate, c: "Component") -> None:
    vcpus = est.limit(PROXY_MIN_VCPUS)
    est.add(c, "rds-proxy-vcpu-hour", vcpus * HOURS_PER_MONTH,
            f"{vcpus:g} database vCPUs (the proxy's minimum; the database's size is not asked) × "
            f"{HOURS_PER_MONTH} hours")
    est.notes.append("The database instance is not priced: its class and storage are not asked. Add it from the "
                     "RDS pricing page.")


def _database(est: _Estimate, c: "Component") -> None:
    est.notes.append(f"{component_name(c)} is not priced: its class and storage are not asked.")


def _free(est: _Estimate, c: "Component") -> None:
    """Components that cost nothing of their own: callers, schedules, secrets' reads..."""


# The pricer of each component kind. A new kind is priced by adding its price rows and one
# entry here.
PRICERS: dict[str, Callable[[_Estimate, "Component"], None]] = {
    "function": _function, "api": _api, "queue": _queue, "topic": _topic, "event-bus": _bus,
    "state-machine": _state_machine, "table": _table, "bucket": _bucket, "db-proxy": _db_proxy,
    "database": _database, "dlq": _free, "client": _free, "external": _free, "schedule": _free,
    "secret": _free,
}


def _logs(est: _Estimate) -> None:
    """Lambda logs, priced on the tiers of the ``lambda-logs-ingestion-N`` rows."""
    remaining, floor, index = est.log_gb, 0.0, 1
    while remaining > 0:
        price = est.prices.get(f"lambda-logs-ingestion-{index}")
        if price is None:
            break
        span = remaining if price.up_to is None else min(remaining, price.up_to - floor)
        if span > 0:
            est.add(None, price.id, span, f"{span:,.2f} GB of function logs (about {LOG_KB_PER_INVOCATION:g} KB per "
                                          f"invocation)" + (f", the part above {floor:,.0f} GB" if floor else ""),
                    name=LOGS)
            remaining -= span
        if price.up_to is None:
            break
        floor = price.up_to
        index += 1


def _vpc(est: _Estimate) -> None:
    """Functions in a VPC reach AWS services through NAT gateways, or through interface endpoints."""
    if not est.vpc_functions:
        return
    payload_kb = float(est.a("payload_kb", 0))
    invocations = sum(est.flow(fn.id) for fn in est.vpc_functions)
    gb = invocations * payload_kb * 2 / (1024 * 1024)
    names = ", ".join(component_name(fn) for fn in est.vpc_functions)
    est.add(None, "nat-gateway-hours", AVAILABILITY_ZONES * HOURS_PER_MONTH,
            f"{AVAILABILITY_ZONES} NAT gateways (one per Availability Zone) × {HOURS_PER_MONTH} hours, for {names} in a VPC",
            name=NETWORK)
    est.add(None, "nat-gateway-gb", gb, f"{gb:,.2f} GB: {formatting.quantity(invocations)} invocations × {payload_kb:g} KB in and out",
            name=NETWORK)
    services = sorted({ENDPOINT_SERVICES[t.kind] for fn in est.vpc_functions
                       for t in est.reaches(fn.id, ENDPOINT_SERVICES)})
    if services:
        count = len(services)
        est.add(None, "vpc-endpoint-hours", count * AVAILABILITY_ZONES * HOURS_PER_MONTH,
                f"instead of NAT: {count} interface endpoint{'s' if count != 1 else ''} ({', '.join(services)}) × "
                f"{AVAILABILITY_ZONES} Availability Zones × {HOURS_PER_MONTH} hours", alternative=True, name=NETWORK)
        est.add(None, "vpc-endpoint-gb", gb, f"instead of NAT: {gb:,.2f} GB through the endpoints", alternative=True,
                name=NETWORK)


def _free_tier(est: _Estimate) -> None:
    """The monthly free quantities of the rows used, deducted once per row.

    The deduction is what the row's lines then cost less, so a row never costs less than
    nothing however its lines were rounded to the cent."""
    totals: dict[str, tuple[float, float]] = {}
    for line in est.lines:
        quantity, usd = totals.get(line.price, (0.0, 0.0))
        totals[line.price] = (quantity + line.quantity, usd + line.usd)
    for price_id, (quantity, usd) in totals.items():
        price = est.prices.get(price_id)
        if price is None or not price.free or quantity <= 0:
            continue
        free = min(price.free, quantity)
        billed = round((quantity - free) * price.usd / price.per, 2)
        line = make_line(price, -free, f"free tier: {formatting.quantity(price.free)} {price.unit} a month", None, "", FREE_TIER)
        est.lines.append(dataclasses.replace(line, usd=round(min(0.0, billed - usd), 2)))


def pattern_cost_part(slug: str) -> Any:
    """A pattern folder's ``cost.py``, when it has one: ``usage(answers, limits)`` yields
    (service, price id, quantity, assumption) for what only that pattern has."""
    from pattern_library import registry  # the registry imports no cost code

    return registry.get(slug).part("cost") if registry.is_known(slug) else None


def _pattern_parts(est: _Estimate, limits: Mapping[str, float]) -> set[str]:
    """Lines from the pattern folders' own cost parts, each on the pattern's component of a
    kind no pricer knows (its stream, say); returns the ids of the components so priced."""
    covered: set[str] = set()
    for slug in sorted(est.architecture.patterns):
        part = pattern_cost_part(slug)
        if part is None or not hasattr(part, "usage"):
            continue
        own = [c for c in est.architecture.components if c.pattern == slug and c.kind not in PRICERS]
        for service, price_id, quantity, assumption in part.usage(est.answers, limits):
            est.add(own[0] if own else None, price_id, quantity, assumption, service=service,
                    name="" if own else slug)
        covered.update(c.id for c in own)
    return covered


def estimate(answers: Mapping[str, Any], proposal: "Proposal | None", prices: Mapping[str, Price], *,
             provisioned: bool = False, express_limit_s: float | None = None,
             limits: Mapping[str, float] | None = None, unavailable: str | None = None,
             container_instead: bool = False) -> Cost:
    """The monthly cost of a proposed architecture for these (validated) answers.

    ``unavailable``: why there is no proposal, when there is none (said in the note).
    ``provisioned``: the advice recommends provisioned concurrency for functions behind an API.
    ``limits``: the catalogue's limit values, for a pattern whose usage depends on one.
    ``container_instead``: the advice names the container task (CONTAINER_ALTERNATIVE) instead
    of the functions doing the work, which are then also priced as such tasks, beside the total.
    """
    if proposal is None:
        why = f" ({unavailable})" if unavailable else ""
        return Cost(0.0, (), notes=(f"These patterns cannot be composed into one architecture for these answers{why}, "
                                    "so nothing was priced.",))
    est = _Estimate(answers, proposal, prices, provisioned, express_limit_s, limits, container_instead)
    for component in est.architecture.components:
        pricer = PRICERS.get(component.kind)
        if pricer is not None:
            pricer(est, component)
    covered = _pattern_parts(est, limits or {})
    unpriced = [component_name(c) for c in est.architecture.components
                if c.kind not in PRICERS and c.id not in covered]
    _logs(est)
    _vpc(est)
    free_tier = bool(answers.get("free_tier"))
    if free_tier:
        _free_tier(est)
    if unpriced:
        est.notes.append(f"Not priced yet: {', '.join(unpriced)}.")
    regions = sorted({prices[line.price].region for line in est.lines if line.price in prices})
    total = round(sum(line.usd for line in est.lines), 2)
    return Cost(total, tuple(est.lines), tuple(est.alternatives), ", ".join(regions), free_tier, tuple(est.notes))


def _quantity(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


