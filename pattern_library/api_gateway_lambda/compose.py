"""Composition part of api-gateway-lambda: the API, its function and the hub it hands work to."""

from __future__ import annotations

from generator import wiring
from generator.composition import Composition

from . import SLUG

FUNCTION = "ApiFunction"


def resources(c: Composition) -> None:
    c.api()


def functions(c: Composition) -> None:
    output = wiring.output_for(c, SLUG)
    c.function(FUNCTION, group=SLUG, timeout=c.api_timeout(), output=output, idempotent=output is not None,
               # Handing a request to a queue, workflow, bus or topic is quick: the work happens there.
               work=1.0 if output is None or output.kind == "table" else 0.0)
    c.connect(c.api_id, FUNCTION, "invoke", "invokes (sync)")
    if output and output.kind == "table":
        c.connect(FUNCTION, output.target, "read", "reads items")
