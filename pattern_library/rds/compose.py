"""Composition part of rds: PostgreSQL through RDS Proxy, behind the API or written by the functions doing the work."""

from __future__ import annotations

from generator import wiring
from pattern_library import registry
from generator.composition import Composition, Workload

from . import SLUG

FUNCTION = "DatabaseFunction"
# The proxy and the secret are the stack's parameters: the database lives outside it.
PROXY = "DbProxyEndpoint"
SECRET = "DbSecretArn"

# What keeps a writer within the connection budget, by what invokes it.
QUEUE, STREAM, RESERVED = "queue", "stream", "reserved"


def behind_api(w: Workload) -> bool:
    """Records are served by an API when requests come over HTTP (or no function could write them)."""
    return wiring.has_api(w.answers, w.selection.patterns) or not any(
        w.has(s) for s in (*registry.storing("polled"), *registry.storing("idempotent")))


def cap(c: Composition, function: str) -> str:
    """QUEUE: a queue's maximum concurrency; STREAM: shards × parallelization factor; RESERVED:
    the function's reserved concurrency (an S3 notification, a workflow or a destination invokes it)."""
    feeds = [e.source for e in c.connections if e.target == function and e.kind == "poll"]
    if not feeds:
        return RESERVED
    return QUEUE if all(c.components[s].kind == "queue" for s in feeds) else STREAM


def writers(c: Composition) -> dict[str, str]:
    """The functions that store what they handled, each with what bounds its concurrency: the
    consumer patterns' queue readers (a publisher of the same pattern stores nothing) and the
    work patterns' functions that do each unit of work once."""
    found = [fn for fn in c.functions_of(*registry.storing("polled"))
             if any(e.target == fn and e.kind == "poll" for e in c.connections)]
    found += [fn for fn in c.functions_of(*registry.storing("idempotent")) if fn in c.idempotent and fn not in found]
    return {fn: cap(c, fn) for fn in found}


def queue_readers(c: Composition) -> list[str]:
    """The writers whose queue's maximum concurrency keeps them within the connection budget."""
    return [fn for fn, bound in writers(c).items() if bound == QUEUE]


def resources(c: Composition) -> None:
    if behind_api(c):
        c.api()


def functions(c: Composition) -> None:
    c.add(PROXY, "db-proxy", "PostgreSQL", group=SLUG)
    c.add(SECRET, "secret", "DB credentials", group=SLUG)
    if not behind_api(c):
        for writer in writers(c):
            c.place_in_vpc(writer)
            c.connect(writer, PROXY, "write", "upserts what it handled")
            c.connect(writer, SECRET, "read", "read once per container")
        return
    c.function(FUNCTION, group=SLUG, timeout=c.api_timeout(), in_vpc=True)
    c.connect(c.api_id, FUNCTION, "invoke", "GET/PUT /records/{id}")
    c.connect(FUNCTION, PROXY, "write", "SQL (1 connection per container)")
    c.connect(FUNCTION, SECRET, "read", "read once per container")
