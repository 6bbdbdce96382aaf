"""How the analyzer recognises EventBridge: publishing to a bus, rules, schedules or pipes."""

from analyzer.model import _events, _get


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    kinds = {source.kind for source in t.sources}
    publishes = any(t.grant_resources(function, ["events:putevents"]) for function in t.functions)
    return bool(publishes or kinds & {"eventbridge", "schedule"} or t.of_type(
        "AWS::Events::Rule", "AWS::Events::EventBus", "AWS::Scheduler::Schedule", "AWS::Pipes::Pipe") or any(
        _get(event, "Type") in ("EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2")
        for rid in t.of_type("AWS::Serverless::StateMachine") for event in _events(t, rid)))
