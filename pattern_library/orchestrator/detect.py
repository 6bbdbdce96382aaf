"""How the analyzer recognises an orchestrator: one function calling several others or services."""

from analyzer.model import AGGREGATED_TYPES, _invoked_functions


def detect(t) -> bool:
    """``t``: the analyzer's template model (analyzer.model._Template)."""
    return (any(len(_invoked_functions(t, function)) >= 2 for function in t.functions)
            or any(_aggregates(t, function) for function in t.functions))


def _aggregates(t, function: str) -> bool:
    """An API-facing function allowed to call three or more of the template's tables, buckets,
    functions, workflows or databases builds one response from several services."""
    if not any(source.kind == "api" for source in t.sources_of(function)):
        return False
    resources = [res for grant in t.grants.get(function, []) for res in grant.resources]
    called = {rid for res in resources for rid in t.referenced(res)
              if rid != function and t.type_of(rid) in AGGREGATED_TYPES}
    return len(called) >= 3
