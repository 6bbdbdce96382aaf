"""Composition part of orchestrator: one function combining backend services, behind the API."""

from __future__ import annotations

from generator.composition import Composition, Workload

from . import SLUG

FUNCTION = "AggregatorFunction"
BACKENDS = "Backends"


def call_timeout(w: Workload, timeout: int) -> float:
    """Each backend call's deadline: within the latency target, leaving time to answer."""
    latency_s = int(w.answer("latency_ms")) / 1000
    return round(max(0.5, min(latency_s * 0.8, timeout - 1.5)), 2)


def resources(c: Composition) -> None:
    c.api()


def functions(c: Composition) -> None:
    timeout = c.function(FUNCTION, group=SLUG, timeout=c.api_timeout())
    c.add(BACKENDS, "external", "Backend services", group=None)
    c.connect(c.api_id, FUNCTION, "invoke", "GET /summary/{id}")
    c.connect(FUNCTION, BACKENDS, "invoke", f"parallel calls ({call_timeout(c, timeout)} s timeout)")
