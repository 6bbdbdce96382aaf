"""Generator part of orchestrator: its resources and functions in the SAM template."""

from __future__ import annotations

from generator.cfn import join, ref
from generator.project import Function, Project, clamp

from . import SLUG
from .compose import FUNCTION, behind_api, call_timeout


def resources(p: Project) -> None:
    if behind_api(p.composition):
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
    api = behind_api(p.composition)
    if api:
        events = {"Summary": p.api_event("/summary/{item_id}", "GET", timeout)}
        sample = p.api_sample_event("GET", "/summary/item-1001", route="/summary/{item_id}",
                                    path_parameters={"item_id": "item-1001"})
    else:
        events, sample = {}, {"id": "item-1001"}
    p.add_function(Function(
        logical_id=FUNCTION, folder="aggregator", pattern=SLUG,
        template="handlers/orchestrator.py.j2", test_template="tests/orchestrator.py.j2",
        description="Combines several services into one response, in parallel, with timeouts",
        events=events,
        environment={"SOURCE_URLS": join(",", ref("AggregatorSourceUrls")), "CALL_TIMEOUT_S": str(deadline)},
        context={"api": api},
        sample_event=sample,
        test_settings={"SOURCE_URLS": default_urls},
    ))
    if api:
        p.note(SLUG, f"Calls run in parallel, each with a {deadline} s deadline for the whole call, inside a {timeout} s "
                     f"function timeout (under the {p.api_label}'s {p.gateway_timeout_s()} s). A source that fails or "
                     "is late is listed in `missing`; the answer is 502 only when all fail. Set the sources with the "
                     "`AggregatorSourceUrls` parameter.")
    else:
        p.note(SLUG, "Requests do not come over HTTP, so there is no API in front of the orchestrator: your systems "
                     f"invoke `{FUNCTION}` directly (`aws lambda invoke`, or the SDK's `Invoke`) with "
                     '`{"id": "..."}` and wait for the combined answer. Calls run in parallel, each with a '
                     f"{deadline} s deadline for the whole call, inside a {timeout} s function timeout. A source that "
                     "fails or is late is listed in `missing`; when all fail the invocation fails with "
                     "`SourcesUnavailable`. Set the sources with the `AggregatorSourceUrls` parameter.")
    p.note(SLUG, "Keep the orchestrator to reads and simple aggregation. Once it needs retries across steps, "
                 "branching or compensation it is becoming a distributed monolith: move that flow into Step "
                 "Functions.")
