"""Composition part of rds: PostgreSQL through RDS Proxy, behind the API or written by the consumers."""

from __future__ import annotations

from generator import wiring
from generator.composition import Composition, Workload

from . import SLUG

FUNCTION = "DatabaseFunction"
# The proxy and the secret are the stack's parameters: the database lives outside it.
PROXY = "DbProxyEndpoint"
SECRET = "DbSecretArn"
# Patterns whose queue consumers write to the database when requests do not come over HTTP.
CONSUMER_PATTERNS = ("eventbridge", "sns-fanout", "sqs-worker")


def behind_api(w: Workload) -> bool:
    """Records are served by an API when requests come over HTTP (or no consumer could write them)."""
    return wiring.has_api(w.answers, w.selection.patterns) or not any(w.has(s) for s in CONSUMER_PATTERNS)


def queue_readers(c: Composition) -> list[str]:
    """The consumer patterns' functions that read a queue: a publisher of the same pattern stores
    nothing, and only a queue's maximum concurrency keeps a consumer within the connection budget."""
    return [fn for fn in c.functions_of(*CONSUMER_PATTERNS)
            if any(e.target == fn and e.kind == "poll" for e in c.connections)]


def resources(c: Composition) -> None:
    if behind_api(c):
        c.api()


def functions(c: Composition) -> None:
    c.add(PROXY, "db-proxy", "PostgreSQL", group=SLUG)
    c.add(SECRET, "secret", "DB credentials", group=SLUG)
    if not behind_api(c):
        for consumer in queue_readers(c):
            c.place_in_vpc(consumer)
            c.connect(consumer, PROXY, "write", "upserts what it handled")
            c.connect(consumer, SECRET, "read", "read once per container")
        return
    c.function(FUNCTION, group=SLUG, timeout=c.api_timeout(), in_vpc=True)
    c.connect(c.api_id, FUNCTION, "invoke", "GET/PUT /records/{id}")
    c.connect(FUNCTION, PROXY, "write", "SQL (1 connection per container)")
    c.connect(FUNCTION, SECRET, "read", "read once per container")
