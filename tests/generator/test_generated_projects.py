"""Each pattern alone and realistic combinations: lint, SAM transform, the project's own tests,
and the SPEC 5 contract checked statically.

These are slow (cfn-lint and a pytest run per project); run them in parallel with -n 2.
"""

import pytest

import generator
from gencheck import (
    cfn_lint,
    contract_problems,
    generate,
    load_template,
    run_project_tests,
    sam_transform,
    unpack,
)

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
    "all-ten": ("everything", ALL, {"consumers": 3, "steps": 4, "compensation": True, "aggregate_sources": 3,
                                    "content_routing": True, "writes_back_to_source": True}),
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    cache = {}

    def get(case):
        if case not in cache:
            name, patterns, overrides = CASES[case]
            files = generate(patterns, name=name, render_diagrams=False, **overrides)
            cache[case] = (files, unpack(files, tmp_path_factory.mktemp(case)))
        return cache[case]
    return get


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_generated_project_lints_transforms_and_passes_its_tests(projects, case):
    files, folder = projects(case)
    assert contract_problems(files) == []
    sam_transform(load_template((folder / "template.yaml").read_text()))
    lint = cfn_lint(folder / "template.yaml")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    result = run_project_tests(folder)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_contract_holds_statically(case):
    name, patterns, overrides = CASES[case]
    assert contract_problems(generate(patterns, name=name, **overrides)) == []


def test_visibility_timeout_is_at_least_six_times_the_worker_timeout():
    doc = load_template(generate(["sqs-worker"], max_duration_s=200, duration_s=100)["serverless-app/template.yaml"])
    timeout = doc["Resources"]["WorkerFunction"]["Properties"]["Timeout"]
    assert doc["Resources"]["WorkQueue"]["Properties"]["VisibilityTimeout"] >= 6 * timeout


def test_api_function_timeouts_stay_under_the_gateway_limit():
    doc = load_template(generate(["api-gateway-lambda", "orchestrator", "rds"], latency_ms=120000)
                        ["serverless-app/template.yaml"])
    for fn in ("ApiFunction", "AggregatorFunction", "DatabaseFunction"):
        assert doc["Resources"][fn]["Properties"]["Timeout"] <= 29
