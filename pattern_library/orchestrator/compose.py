"""Composition part of orchestrator: one function combining backend services.

It sits behind the API when the workload has one (requests over HTTP, or an API chosen);
otherwise the callers outside the stack invoke it directly and wait for its answer, as the
composition rules say: no API unless requests come over HTTP.
"""

from __future__ import annotations

from architecture.model import PRODUCERS
from generator import wiring
from generator.composition import Composition, Workload

from . import SLUG

FUNCTION = "AggregatorFunction"
BACKENDS = "Backends"


def call_timeout(w: Workload, timeout: int) -> float:
    """Each backend call's deadline: within the latency target, leaving time to answer."""
    latency_s = int(w.answer("latency_ms")) / 1000
    return round(max(0.5, min(latency_s * 0.8, timeout - 1.5)), 2)


def behind_api(c: Composition) -> bool:
    """Whether the API invokes the aggregator, as composed."""
    return c.connected(c.api_id, FUNCTION)


def resources(c: Composition) -> None:
    if wiring.has_api(c.answers, c.selection.patterns):
        c.api()


def functions(c: Composition) -> None:
    # Its callers wait for the answer, through the API or not: the latency target bounds it.
    timeout = c.function(FUNCTION, group=SLUG, timeout=c.api_timeout())
    c.add(BACKENDS, "external", "Backend services", group=None)
    if c.api_id in c:
        c.connect(c.api_id, FUNCTION, "invoke", "GET /summary/{id}")
    else:
        c.add(PRODUCERS, "external", "Your producers", group=None)
        c.connect(PRODUCERS, FUNCTION, "invoke", "invokes it and waits for the answer")
    c.connect(FUNCTION, BACKENDS, "invoke", f"parallel calls ({call_timeout(c, timeout)} s timeout)")
