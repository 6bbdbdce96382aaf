"""Generator part of orchestrator: its resources and functions in the SAM template."""

from __future__ import annotations

from generator.cfn import join, ref
from generator.project import Function, Project, clamp

from . import SLUG
from .compose import FUNCTION, call_timeout


def resources(p: Project) -> None:
    p.api()
    count = clamp(int(p.answer("aggregate_sources")), 2, 10)
    p.add_parameter("AggregatorSourceUrls", {
        "Type": "CommaDelimitedList",
        "Description": "URLs of the services to combine; {id} is replaced by the requested id",
        "Default": ",".join(f"https://service-{i}.example.com/items/{{id}}" for i in range(1, count + 1)),
    })


def functions(p: Project) -> None:
    timeout = p.timeout(FUNCTION)
    deadline = call_timeout(p, timeout)
    default_urls = p.parameters["AggregatorSourceUrls"]["Default"]
    p.add_function(Function(
        logical_id=FUNCTION, folder="aggregator", pattern=SLUG,
        template="handlers/orchestrator.py.j2", test_template="tests/orchestrator.py.j2",
        description="Combines several services into one response, in parallel, with timeouts",
        events={"Summary": p.api_event("/summary/{item_id}", "GET", timeout)},
        environment={"SOURCE_URLS": join(",", ref("AggregatorSourceUrls")), "CALL_TIMEOUT_S": str(deadline)},
        sample_event=p.api_sample_event("GET", "/summary/item-1001", route="/summary/{item_id}",
                                           path_parameters={"item_id": "item-1001"}),
        test_settings={"SOURCE_URLS": default_urls},
    ))
    p.note(SLUG, f"Calls run in parallel, each with a {deadline} s deadline for the whole call, inside a {timeout} s function "
                 f"timeout (under the {p.api_label}'s {p.gateway_timeout_s()} s). A source that fails or is late is listed in `missing`; the "
                 "answer is 502 only when all fail. Set the sources with the `AggregatorSourceUrls` parameter.")
    p.note(SLUG, "Keep the orchestrator to reads and simple aggregation. Once it needs retries across steps, "
                 "branching or compensation it is becoming a distributed monolith: move that flow into Step "
                 "Functions.")
