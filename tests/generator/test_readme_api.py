"""The README's example call reaches a route the API has, as the function's sample request does,
and the README speaks of a public health check only when the API has one."""

import json
import re
import shlex

import pytest

from gencheck import generate, load_template


def routes(template: dict) -> set[tuple[str, str]]:
    found = set()
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Serverless::Function":
            for event in (res["Properties"].get("Events") or {}).values():
                if event["Type"] in ("Api", "HttpApi"):
                    found.add((event["Properties"]["Method"].upper(), event["Properties"]["Path"]))
    return found


def route_of(path: str, known: set[tuple[str, str]], method: str) -> tuple[str, str] | None:
    for m, template_path in known:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template_path)) + "$"
        if m == method and re.match(pattern, path):
            return m, template_path
    return None


@pytest.mark.parametrize("patterns,api", [
    (["api-gateway-lambda"], "http"), (["api-gateway-lambda", "sqs-worker"], "rest"),
    (["rds"], "http"), (["orchestrator"], "rest"), (["api-gateway-lambda", "dynamodb-streams"], "http"),
])
def test_the_example_call_uses_a_route_of_the_api(patterns, api):
    files = generate(patterns, name="calls", trigger="http", client_waits=False, data_store="dynamodb",
                     options={"api": api})
    template = load_template(files["calls/template.yaml"])
    readme = files["calls/README.md"].decode()
    known = routes(template)
    [line] = [l.strip() for l in readme.splitlines() if l.strip().startswith("curl ")]
    args = shlex.split(line)
    method = args[args.index("-X") + 1] if "-X" in args else "GET"
    url = args[-1]
    assert url.startswith("${API_URL}"), url
    path = "/" + url.removeprefix("${API_URL}")
    assert route_of(path, known, method), f"{method} {path} is not a route of the API: {sorted(known)}"
    if method in ("POST", "PUT"):
        body = json.loads(args[args.index("-d") + 1])
        assert isinstance(body, dict)
        assert "content-type: application/json" in [a.lower() for a in args]
    health = ("GET", "/health") in known
    assert ("`GET /health`" in readme) == health
