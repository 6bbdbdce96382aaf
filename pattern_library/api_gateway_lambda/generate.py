"""Generator part of api-gateway-lambda: its resources and functions in the SAM template."""

from __future__ import annotations

import math

from generator.cfn import ref
from generator.project import Function, Project

from . import SLUG
from .compose import FUNCTION

STATUS = {"queue": 202, "stream": 202, "workflow": 202, "bus": 202, "topic": 202, "table": 201, None: 200}


def resources(p: Project) -> None:
    p.api()


def functions(p: Project) -> None:
    output = p.output_of(FUNCTION)
    timeout = p.timeout(FUNCTION)
    routes = {"CreateItem": p.api_event("/items", "POST", timeout), "Health": p.api_event("/health", "GET", timeout, public=True)}
    policies = []
    if output and output.kind == "table":
        routes["GetItem"] = p.api_event("/items/{item_id}", "GET", timeout)
        policies.append({"DynamoDBReadPolicy": {"TableName": ref(output.target)}})
    body = {"id": "item-1001", "category": "standard", "payload": {"customerId": "cus-42", "amount": 120.5}}
    max_body = max(1024, math.ceil(float(p.answer("payload_kb")) * 1024 * 2))
    status = STATUS[output.kind if output else None]
    p.add_function(Function(
        logical_id=FUNCTION, folder="api", pattern=SLUG,
        template="handlers/api_gateway_lambda.py.j2", test_template="tests/api_gateway_lambda.py.j2",
        description=f"{p.api_label} handler: validates requests" + (f" and sends them to the {output.kind}" if output else ""),
        events=routes, policies=policies,
        context={"max_body_bytes": min(max_body, int(p.limit("sync-payload") * 1024)), "success_status": status,
                 "api_label": p.api_label, "gateway_timeout": p.gateway_timeout_s()},
        sample_event=p.api_sample_event("POST", "/items", body=body),
    ))
    if p.selection.api == "http":
        p.note(SLUG, f"HTTP API (cheaper and faster than a REST API) with throttling at the edge; the function "
                     f"times out after {timeout} s, under the gateway's {p.gateway_timeout_s()} s. Choose a REST API instead "
                     "if you need usage plans, API keys, request validation or AWS WAF at the gateway.")
    else:
        p.note(SLUG, f"REST API (regional endpoint, stage Prod) with throttling and X-Ray tracing; the function "
                     f"times out after {timeout} s, under the gateway's {p.gateway_timeout_s()} s "
                     "integration timeout. Access logs are off until the ApiAccessLogging parameter is set to "
                     "enabled, which needs the account's API Gateway CloudWatch Logs role.")
    if output:
        p.note(SLUG, f"Accepted requests are answered with {status} and handed to the {output.kind}; the "
                     "request id is the idempotency key, so a client retry does not create a second job, "
                     "and the same id sent again with other content is refused with 409 instead of being dropped.")
