"""A small function that publishes to the bus or topic when no other pattern does."""

from __future__ import annotations

from generator import events, wiring
from generator.cfn import get_att
from generator.project import Function, Project

ROUTING_CATEGORIES = ("standard", "priority", "bulk", "audit")


def add_publisher(p: Project, *, pattern: str, kind: str, logical_id: str, folder: str, event_type: str) -> None:
    output = _hub_output(kind)
    dlq = f"{logical_id.removesuffix('Function')}Dlq"
    p.add_dlq(dlq, group=pattern, label=f"{logical_id.removesuffix('Function')} failures")
    scheduled = p.answer("trigger") == "schedule"
    fn_events = {}
    if scheduled:
        fn_events["Schedule"] = {"Type": "Schedule", "Properties": {
            "Schedule": "rate(5 minutes)",
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": get_att(dlq, "Arn")},
        }}
        p.allow_service_to_send(dlq, "events.amazonaws.com", get_att(f"{logical_id}Schedule", "Arn"))
        p.add_component(f"{logical_id}Schedule", "schedule", "rate(5 minutes)", group=pattern)
        p.connect(f"{logical_id}Schedule", logical_id, "event", "every 5 minutes")
        p.connect(f"{logical_id}Schedule", dlq, "failure", "undeliverable")
        sample = events.scheduled_event()
    else:
        sample = {"id": "item-1001", "category": ROUTING_CATEGORIES[0], "payload": {"customerId": "cus-42"}}
    p.add_function(Function(
        logical_id=logical_id, folder=folder, pattern=pattern,
        template="handlers/publisher.py.j2", test_template="tests/publisher.py.j2",
        description=f"Publishes {event_type} {'events' if kind == 'bus' else 'notifications'}",
        timeout=10, events=fn_events,
        properties={"EventInvokeConfig": p.function_event_invoke_config(dlq)},
        context={"scheduled": scheduled, "event_type": event_type},
        sample_event=sample, output=output, work=0.0,
    ))
    p.connect(logical_id, dlq, "failure", "failed invocations")


def _hub_output(kind: str):
    from generator.project import Output

    hub = wiring.HUBS[kind]
    return Output(kind, hub.logical_id, hub.env, hub.label, hub.connection)
