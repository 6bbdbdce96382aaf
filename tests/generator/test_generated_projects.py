"""Each pattern alone and realistic combinations: SAM transform, the project's own tests,
and the SPEC 5 contract checked statically. cfn-lint, serverless-rules and checkov run over
these same cases (and more) in test_linters.py, one process per tool; the projects of those
further cases (more combinations on both API types, 40 seeded random selections) pass their
own tests here too.

These are slow (a pytest run per project); run them in parallel with -n 2.
"""

import json

import pytest

import generator
from gencheck import (
    contract_problems,
    generate,
    load_template,
    run_project_tests,
    sam_transform,
    unpack,
)
from linters import MORE_COMBINATIONS, random_cases

ALL = list(generator.PATTERN_SLUGS)

CASES = {
    **{slug: (slug, [slug], {}) for slug in ALL},
    "web-api-with-background-jobs": ("orders-api", ["api-gateway-lambda", "sqs-worker"],
                                     {"client_waits": False, "data_store": "dynamodb", "duration_s": 30,
                                      "max_duration_s": 120, "downstream_max_rps": 20}),
    "ordered-queue-into-table-stream-bus": ("ledger", ["api-gateway-lambda", "sqs-worker", "dynamodb-streams",
                                                       "eventbridge"],
                                            {"ordering": True, "react_to_changes": True, "consumers": 2,
                                             "content_routing": True}),
    "uploads-fanout": ("media-pipeline", ["s3-processing", "sns-fanout"],
                       {"trigger": "file_upload", "consumers": 3, "content_routing": True,
                        "writes_back_to_source": True, "duration_s": 20, "max_duration_s": 60}),
    "order-workflow-with-compensation": ("checkout", ["api-gateway-lambda", "step-functions", "eventbridge"],
                                         {"steps": 5, "compensation": True, "unreliable_downstream": True}),
    "approval-workflow-scheduled": ("approvals", ["step-functions", "chaining", "eventbridge"],
                                    {"trigger": "schedule", "steps": 3, "long_waits": True,
                                     "max_duration_s": 86400, "duration_s": 60}),
    "bff-with-database": ("customer-bff", ["orchestrator", "rds", "api-gateway-lambda"],
                          {"aggregate_sources": 4, "data_store": "relational", "db_max_connections": 40,
                           "latency_ms": 800}),
    "all-patterns": ("everything", ALL, {"consumers": 3, "steps": 4, "compensation": True, "aggregate_sources": 3,
                                    "content_routing": True, "writes_back_to_source": True}),
    "clickstream-api-into-stream-and-table": ("clicks", ["api-gateway-lambda", "kinesis-stream"],
                                              {"client_waits": False, "peak_rps": 3000, "ordering": True,
                                               "data_store": "dynamodb", "duration_s": 0.01, "max_duration_s": 0.2}),
    "telemetry-stream-onto-the-bus": ("telemetry", ["kinesis-stream", "eventbridge"],
                                      {"trigger": "event", "peak_rps": 5000, "payload_kb": 2, "consumers": 2,
                                       "content_routing": True, "duration_s": 0.02}),
    # Events with no API: consumers write to PostgreSQL, the aggregator is invoked directly.
    "order-events-into-postgres-with-an-aggregator": (
        "orders", ["sqs-worker", "eventbridge", "rds", "orchestrator"],
        {"trigger": "event", "client_waits": False, "consumer_names": "billing,shipping,analytics",
         "downstream_max_rps": 20, "unreliable_downstream": True, "aggregate_sources": 3}),
    # No API: the bus's and the topic's queue consumers write what they handle to PostgreSQL.
    "queue-consumers-into-postgresql": ("records-sync", ["eventbridge", "sns-fanout", "rds"],
                                        {"trigger": "event", "data_store": "relational", "consumers": 2,
                                         "db_max_connections": 40}),
    # No API: the queue's worker stores what it handles in PostgreSQL.
    "queue-worker-into-postgresql": ("jobs-sync", ["sqs-worker", "rds"],
                                     {"trigger": "queue", "client_waits": False, "data_store": "relational",
                                      "db_max_connections": 40}),
    # No API: the function doing the work stores its result in PostgreSQL, bounded by what invokes it.
    "uploads-into-postgresql": ("uploads-sync", ["s3-processing", "rds"],
                                {"trigger": "file_upload", "data_store": "relational", "db_max_connections": 40}),
    "table-changes-into-postgresql": ("changes-sync", ["dynamodb-streams", "rds"],
                                      {"trigger": "data_change", "data_store": "relational"}),
    "stream-records-into-postgresql": ("stream-sync", ["kinesis-stream", "rds"],
                                       {"trigger": "event", "data_store": "relational", "peak_rps": 5000,
                                        "db_max_connections": 20}),
    "scheduled-workflow-into-postgresql": ("steps-sync", ["step-functions", "rds"],
                                           {"trigger": "schedule", "data_store": "relational"}),
    "scheduled-chain-into-postgresql": ("chain-sync", ["chaining", "rds"],
                                        {"trigger": "schedule", "data_store": "relational"}),
    # The same patterns behind a REST API instead of an HTTP API.
    "rest-api": ("public-api", ["api-gateway-lambda"], {"data_store": "dynamodb"}, {"api": "rest"}),
    "rest-partner-api-with-jobs-and-database": (
        "partner-api", ["api-gateway-lambda", "sqs-worker", "orchestrator", "rds"],
        {"client_waits": False, "aggregate_sources": 2, "data_store": "relational", "latency_ms": 28000,
         "duration_s": 40, "max_duration_s": 90}, {"api": "rest"}),
}


def case_args(case):
    name, patterns, overrides, *options = CASES[case]
    return patterns, {"name": name, "options": options[0] if options else None, **overrides}


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    cache = {}

    def get(case):
        if case not in cache:
            patterns, kwargs = case_args(case)
            files = generate(patterns, render_diagrams=False, **kwargs)
            cache[case] = (files, unpack(files, tmp_path_factory.mktemp(case)))
        return cache[case]
    return get


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_generated_project_transforms_and_passes_its_tests(projects, case):
    files, folder = projects(case)
    assert contract_problems(files) == []
    sam_transform(load_template((folder / "template.yaml").read_text()))
    result = run_project_tests(folder)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


# The rest of the linted matrix: its templates are checked in test_linters.py, its projects here.
LINTED_CASES = {**MORE_COMBINATIONS, **random_cases()}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(LINTED_CASES))
def test_every_project_of_the_linted_matrix_passes_its_own_tests(tmp_path, case):
    name, patterns, overrides, *options = LINTED_CASES[case]
    files = generate(patterns, name=name, options=options[0] if options else None, **overrides)
    result = run_project_tests(unpack(files, tmp_path))
    assert result.returncode == 0, (f"generate({patterns!r}, name={name!r}, options={(options or [None])[0]!r}, "
                                    f"**{overrides!r})\n" + result.stdout[-5000:] + result.stderr[-2000:])


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_contract_holds_statically(case):
    patterns, kwargs = case_args(case)
    assert contract_problems(generate(patterns, **kwargs)) == []


def test_visibility_timeout_is_at_least_six_times_the_worker_timeout():
    doc = load_template(generate(["sqs-worker"], max_duration_s=200, duration_s=100)["serverless-app/template.yaml"])
    timeout = doc["Resources"]["WorkerFunction"]["Properties"]["Timeout"]
    assert doc["Resources"]["WorkQueue"]["Properties"]["VisibilityTimeout"] >= 6 * timeout


@pytest.mark.parametrize("api, ceiling", [("http", 29), ("rest", 28)])
def test_api_function_timeouts_stay_under_the_gateway_limit(api, ceiling):
    doc = load_template(generate(["api-gateway-lambda", "orchestrator", "rds"], latency_ms=120000,
                                 options={"api": api})["serverless-app/template.yaml"])
    for fn in ("ApiFunction", "AggregatorFunction", "DatabaseFunction"):
        props = doc["Resources"][fn]["Properties"]
        assert props["Timeout"] == ceiling
        for event in props["Events"].values():
            # The gateway waits a second longer than the function, never past its own limit.
            assert event["Properties"]["TimeoutInMillis"] == (ceiling + 1) * 1000


def test_a_rest_api_has_a_stage_tracing_throttling_and_opt_in_access_logs():
    doc = load_template(generate(["api-gateway-lambda"], options={"api": "rest"})["serverless-app/template.yaml"])
    api = doc["Resources"]["RestApi"]
    assert api["Type"] == "AWS::Serverless::Api" and "HttpApi" not in doc["Resources"]
    props = api["Properties"]
    assert props["StageName"] == "Prod" and props["TracingEnabled"] is True
    assert props["MethodSettings"][0]["ThrottlingRateLimit"] >= 10
    assert doc["Parameters"]["ApiAccessLogging"]["Default"] == "disabled"
    assert props["AccessLogSetting"]["Fn::If"][0] == "ApiAccessLogsEnabled"
    assert doc["Resources"]["RestApiAccessLogs"]["Condition"] == "ApiAccessLogsEnabled"
    events = doc["Resources"]["ApiFunction"]["Properties"]["Events"]
    assert {e["Type"] for e in events.values()} == {"Api"}
    assert all(e["Properties"]["RestApiId"] == {"Ref": "RestApi"} for e in events.values())
    assert "/Prod/" in json.dumps(doc["Outputs"]["ApiUrl"])


def test_limits_come_from_the_catalogue_not_from_code():
    # An edited limit row changes what is generated: here a shorter Express limit and REST timeout.
    limits = {"step-functions-express-duration": 60, "api-gateway-timeout": 15}
    files = generate(["api-gateway-lambda", "step-functions"], max_duration_s=120, latency_ms=60000,
                     options={"limits": limits, "api": "rest"})
    doc = load_template(files["serverless-app/template.yaml"])
    assert doc["Resources"]["WorkflowStateMachine"]["Properties"]["Type"] == "STANDARD"
    assert doc["Resources"]["ApiFunction"]["Properties"]["Timeout"] == 14
    assert "Express's 60 s limit" in files["serverless-app/README.md"].decode()
    # The HTTP API's 30 s is AWS's fixed ceiling, not the REST row.
    http = load_template(generate(["api-gateway-lambda"], latency_ms=60000, options={"limits": limits})
                         ["serverless-app/template.yaml"])
    assert http["Resources"]["ApiFunction"]["Properties"]["Timeout"] == 29
    default = load_template(generate(["api-gateway-lambda", "step-functions"], max_duration_s=120, latency_ms=60000)
                            ["serverless-app/template.yaml"])
    assert default["Resources"]["WorkflowStateMachine"]["Properties"]["Type"] == "EXPRESS"
