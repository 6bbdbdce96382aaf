"""Composition part of step-functions: the workflow, its steps function and how it is started."""

from __future__ import annotations

import math

from architecture.sizing import Sizing
from generator import wiring
from generator.composition import Composition, Workload, clamp

from . import SLUG

MACHINE = "WorkflowStateMachine"
FUNCTION = "WorkflowStepsFunction"
SCHEDULE_DLQ = "WorkflowScheduleDlq"
MAX_STEPS = 20
APPROVAL_TABLE = "ApprovalTable"


def is_express(w: Workload) -> bool:
    """Express when the flow fits its time limit, waits for nobody, and may run a step twice."""
    return (float(w.answer("max_duration_s")) + wait_s(w) <= express_max_s(w) and not waits_for_callback(w)
            and duplicates_harmless(w))


def wait_s(w: Workload) -> float:
    # Answers saved before the question existed waited for nothing beyond what they said.
    return float(w.answers.get("wait_s") or 0)


def waits_for_callback(w: Workload) -> bool:
    """The execution pauses for a person, a partner or a timer: said outright, or a wait
    answered that is longer than an Express workflow may run."""
    return bool(w.answer("long_waits")) or (
        wait_s(w) > 0 and float(w.answer("max_duration_s")) + wait_s(w) > express_max_s(w))


def duplicates_harmless(w: Workload) -> bool:
    # Answers saved before the question existed did not say otherwise.
    return w.answers.get("duplicates_ok", True) is not False


def express_max_s(w: Workload) -> float:
    return w.limit("step-functions-express-duration")


def bounded_steps(w: Workload) -> int:
    """Steps enough that none runs longer than a function may: work longer than Lambda's
    maximum is split across bounded steps, never placed in one invocation."""
    # step_timeout() gives a step 1.5 x its share + 2 s; the share must leave that within the limit.
    per_step = (w.lambda_max_timeout() - 2) / 1.5
    return math.ceil(float(w.answer("max_duration_s")) / per_step)


def step_names(w: Workload) -> list[str]:
    count = clamp(max(int(w.answer("steps")), bounded_steps(w)), 2, MAX_STEPS)
    return [f"step_{i:02d}" for i in range(1, count + 1)]


def step_timeout(w: Workload) -> int:
    """Timeout of one step: its share of the worst case, with headroom, within Lambda's limit."""
    share = float(w.answer("max_duration_s")) / max(1, bounded_steps(w))
    return clamp(math.ceil(share * 1.5) + 2, 10, w.lambda_max_timeout())


def resources(c: Composition) -> None:
    express = is_express(c)
    if waits_for_callback(c):
        c.table(APPROVAL_TABLE, group=SLUG, label="Approval requests", holds="records")
    if c.answer("trigger") == "schedule" and not c.has("api-gateway-lambda"):
        c.dlq(SCHEDULE_DLQ, group=SLUG, label="Schedule failures")
        c.schedule(MACHINE, group=SLUG, rate="1 hour", kind="start", label="every hour", dlq=SCHEDULE_DLQ)
    c.add(MACHINE, "state-machine", f"Workflow ({'Express' if express else 'Standard'})", group=SLUG,
          sizing=Sizing(express=express, calls=len(step_names(c))))  # one task state per step


def functions(c: Composition) -> None:
    steps = len(step_names(c))
    c.function(FUNCTION, group=SLUG, timeout=step_timeout(c), output=wiring.output_for(c, SLUG), idempotent=True,
               work=1 / steps, calls=steps)
    c.connect(MACHINE, FUNCTION, "invoke", "one task per step")
    if APPROVAL_TABLE in c:
        c.connect(FUNCTION, APPROVAL_TABLE, "write", "approval requests")
