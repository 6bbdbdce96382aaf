"""Without an API, the rds pattern has the function that does the work write its result to
PostgreSQL through RDS Proxy, bounded by what invokes it, instead of adding an API nobody asked for."""

from __future__ import annotations

import json

import pytest
from gencheck import generate, load_template

# patterns, trigger, the function that does the work, what bounds its concurrency
WRITERS = {
    "upload": (["s3-processing", "rds"], "file_upload", "FileProcessorFunction", "reserved"),
    "table-change": (["dynamodb-streams", "rds"], "data_change", "StreamProcessorFunction", "stream"),
    "stream-event": (["kinesis-stream", "rds"], "event", "StreamConsumerFunction", "stream"),
    "stream-queue": (["kinesis-stream", "rds"], "queue", "StreamConsumerFunction", "stream"),
    "workflow": (["step-functions", "rds"], "schedule", "WorkflowStepsFunction", "reserved"),
    "chain": (["chaining", "rds"], "schedule", "SecondStageFunction", "reserved"),
    "chain-through-a-queue": (["chaining", "rds"], "schedule", "SecondStageFunction", "queue"),
}


def project(patterns, **answers):
    files = generate(patterns, **answers)
    root = next(iter(files)).split("/", 1)[0]
    return (load_template(files[f"{root}/template.yaml"]), json.loads(files[f"{root}/architecture.json"]),
            files[f"{root}/README.md"].decode())


@pytest.mark.parametrize("case", WRITERS)
def test_the_function_doing_the_work_writes_to_postgresql_and_no_api_appears(case):
    patterns, trigger, writer, _ = WRITERS[case]
    extra = {"unreliable_downstream": True} if case == "chain-through-a-queue" else {}
    template, architecture, _ = project(patterns, trigger=trigger, **extra)
    resources = template["Resources"]
    assert not [rid for rid, r in resources.items()
                if r["Type"] in ("AWS::Serverless::HttpApi", "AWS::Serverless::Api")]
    assert "DatabaseFunction" not in resources
    props = resources[writer]["Properties"]
    assert props["Environment"]["Variables"]["DB_PROXY_ENDPOINT"] == {"Ref": "DbProxyEndpoint"}
    assert props["VpcConfig"] == {"SubnetIds": {"Ref": "DbSubnetIds"}, "SecurityGroupIds": {"Ref": "DbSecurityGroupIds"}}
    edges = {(c["from"], c["to"], c["kind"]) for c in architecture["architecture"]["edges"]}
    assert (writer, "DbProxyEndpoint", "write") in edges and (writer, "DbSecretArn", "read") in edges
    assert not [e for e in edges if "HttpApi" in e]


@pytest.mark.parametrize("case", [c for c, w in WRITERS.items() if w[3] == "reserved"])
def test_a_writer_invoked_without_a_queue_or_stream_is_capped_by_reserved_concurrency(case):
    patterns, trigger, writer, _ = WRITERS[case]
    template, _, readme = project(patterns, trigger=trigger, db_max_connections=40)
    assert template["Resources"][writer]["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": ["DbConcurrencyReserved", {"Ref": "DbReservedConcurrency"}, {"Ref": "AWS::NoValue"}]}
    assert "suggested: 20" in template["Parameters"]["DbReservedConcurrency"]["Description"]
    assert "Set the `DbReservedConcurrency` parameter to 20" in readme


def test_the_stream_consumer_runs_within_the_connection_budget():
    template, _, readme = project(["kinesis-stream", "rds"], trigger="event", peak_rps=1000, db_max_connections=20)
    shards = template["Resources"]["EventStream"]["Properties"]["ShardCount"]
    event = template["Resources"]["StreamConsumerFunction"]["Properties"]["Events"]["StreamRecords"]["Properties"]
    # Half of the 20 connections: at most 10 batches at once, over all shards (without the
    # database, 1000 records/s would get 4 shards × 10 batches).
    assert shards == 4 and shards * event["ParallelizationFactor"] <= 10
    assert "ReservedConcurrentExecutions" not in template["Resources"]["StreamConsumerFunction"]["Properties"]
    assert f"{shards} shard(s) × {event['ParallelizationFactor']} batch(es) per shard" in readme


def test_a_stream_with_more_shards_than_connections_says_so():
    template, _, readme = project(["kinesis-stream", "rds"], trigger="event", peak_rps=5000, db_max_connections=20)
    assert template["Resources"]["EventStream"]["Properties"]["ShardCount"] > 10
    assert "more shards than the 10 connections" in readme


def test_behind_http_the_database_is_still_served_by_its_api():
    template, architecture, _ = project(["s3-processing", "rds"], trigger="http")
    assert "DatabaseFunction" in template["Resources"]
    assert "VpcConfig" not in template["Resources"]["FileProcessorFunction"]["Properties"]


def test_the_schema_names_the_functions_that_use_it():
    files = generate(["s3-processing", "sqs-worker", "rds"], trigger="file_upload")
    schema = next(v for k, v in files.items() if k.endswith("/db/schema.sql")).decode()
    # No database function is generated without an API: the table is the writers'.
    assert "src/database" not in schema
    assert schema.startswith("-- Table in which WorkerFunction, FileProcessorFunction store what they handle;")
    files = generate(["s3-processing", "rds"], trigger="file_upload")
    schema = next(v for k, v in files.items() if k.endswith("/db/schema.sql")).decode()
    assert schema.startswith("-- Table in which FileProcessorFunction stores what it handles;")
    files = generate(["s3-processing", "rds"], trigger="http")
    schema = next(v for k, v in files.items() if k.endswith("/db/schema.sql")).decode()
    assert schema.startswith("-- Table used by src/database/app.py;")
