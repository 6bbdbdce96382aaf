"""A small function that publishes to the bus or topic when no other pattern does."""

from __future__ import annotations

from generator import events, wiring
from generator.cfn import get_att
from generator.composition import Composition
from generator.project import Function, Project

ROUTING_CATEGORIES = ("standard", "priority", "bulk", "audit")
SCHEDULE_RATE = "5 minutes"
TIMEOUT_S = 10


def publisher_needed(c: Composition, kind: str) -> bool:
    """On a schedule, something in the stack must publish to the hub: when no other function
    sends to it, a publisher of its own does."""
    hub = wiring.HUBS[kind].logical_id
    return c.answer("trigger") == "schedule" and not any(o.target == hub for o in c.outputs.values())


def compose_publisher(c: Composition, *, pattern: str, kind: str, logical_id: str) -> None:
    stem = logical_id.removesuffix("Function")
    dlq = c.dlq(f"{stem}Dlq", group=pattern, label=f"{stem} failures")
    if c.answer("trigger") == "schedule":
        c.schedule(logical_id, group=pattern, rate=SCHEDULE_RATE, kind="event", label="every 5 minutes", dlq=dlq)
    c.function(logical_id, group=pattern, timeout=TIMEOUT_S, output=wiring.hub_output(kind), work=0.0)
    c.connect(logical_id, dlq, "failure", "failed invocations")


def add_publisher(p: Project, *, pattern: str, kind: str, logical_id: str, folder: str, event_type: str) -> None:
    dlq = f"{logical_id.removesuffix('Function')}Dlq"
    p.add_dlq(dlq, group=pattern, label=f"{logical_id.removesuffix('Function')} failures")
    scheduled = f"{logical_id}Schedule" in p.composition
    fn_events = {}
    if scheduled:
        fn_events["Schedule"] = {"Type": "Schedule", "Properties": {
            "Schedule": f"rate({SCHEDULE_RATE})",
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": get_att(dlq, "Arn")},
        }}
        p.allow_service_to_send(dlq, "events.amazonaws.com", get_att(f"{logical_id}Schedule", "Arn"))
        sample = events.scheduled_event()
    else:
        sample = {"id": "item-1001", "category": ROUTING_CATEGORIES[0], "payload": {"customerId": "cus-42"}}
    p.add_function(Function(
        logical_id=logical_id, folder=folder, pattern=pattern,
        template="handlers/publisher.py.j2", test_template="tests/publisher.py.j2",
        description=f"Publishes {event_type} {'events' if kind == 'bus' else 'notifications'}",
        events=fn_events,
        properties={"EventInvokeConfig": p.function_event_invoke_config(dlq)},
        context={"scheduled": scheduled, "event_type": event_type},
        sample_event=sample,
    ))
