"""How the analyzer recognises chaining: a function that invokes another, or Lambda destinations."""

from analyzer.model import _get, _invoked_functions


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    return (any(_invoked_functions(t, function) for function in t.functions)
            or any(_destination_functions(t, function) for function in t.functions))


def _destination_functions(t, function: str) -> set[str]:
    """Functions Lambda itself invokes with this function's result (on-success/on-failure
    destinations): chaining set up in configuration rather than in code."""
    configs = [_get(t.props(function), "EventInvokeConfig", "DestinationConfig")]
    configs += [config.get("DestinationConfig") for config in t.invoke_configs_of(function)]
    return {target for config in configs for outcome in ("OnSuccess", "OnFailure")
            if (target := t.function_of(_get(config, outcome, "Destination"))) and target != function}
