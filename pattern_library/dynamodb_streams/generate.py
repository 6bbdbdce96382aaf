"""Generator part of dynamodb-streams: its resources and functions in the SAM template."""

from __future__ import annotations

from generator import events
from generator.cfn import get_att, json_text, ref
from generator import wiring
from generator.project import DATA_TABLE, Function, Project

from . import SLUG

FUNCTION = "StreamProcessorFunction"
FAILURES = "StreamFailureQueue"
VIEW_TABLE = "ViewTable"


def resources(p: Project) -> None:
    p.data_table()
    if not p.answer("writes_back_to_source"):
        p.add_resource(VIEW_TABLE, "AWS::DynamoDB::Table", {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        }, group=SLUG, component=("table", "View table"), DeletionPolicy="Retain", UpdateReplacePolicy="Retain")
        p.expose("VIEW_TABLE", ref(VIEW_TABLE), {"kind": "table", "name": "views", "keys": ["pk", "sk"]})


def functions(p: Project) -> None:
    same_table = bool(p.answer("writes_back_to_source"))
    view_env = "DATA_TABLE" if same_table else "VIEW_TABLE"
    view_table = DATA_TABLE if same_table else VIEW_TABLE
    p.add_dlq(FAILURES, group=SLUG, label="Stream failures")
    output = wiring.output_for(p, SLUG)
    item = {"pk": "ITEM#item-1001", "sk": "ITEM", "id": "item-1001", "category": "standard"}
    sample = events.dynamodb_stream_event("data", [
        ("INSERT", None, {**item, "status": "new", "amount": 120.5}),
        ("MODIFY", {**item, "status": "new", "amount": 120.5}, {**item, "status": "paid", "amount": 120.5}),
    ])
    p.add_function(Function(
        logical_id=FUNCTION, folder="stream_processor", pattern=SLUG,
        template="handlers/dynamodb_streams.py.j2", test_template="tests/dynamodb_streams.py.j2",
        description="Keeps the item view current from the data table's stream",
        timeout=p.worker_timeout(),
        events={"TableStream": {"Type": "DynamoDB", "Properties": {
            "Stream": get_att(DATA_TABLE, "StreamArn"),
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": 100,
            "MaximumBatchingWindowInSeconds": 1,
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": 5,
            "MaximumRecordAgeInSeconds": 3600,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": get_att(FAILURES, "Arn")}},
            # Only source items reach the function; its own VIEW# writes are filtered out.
            "FilterCriteria": {"Filters": [{"Pattern": json_text({"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ITEM#"}]}}}})}]},
        }}},
        policies=[{"DynamoDBCrudPolicy": {"TableName": ref(view_table)}}],
        environment={view_env: ref(view_table)},
        context={"view_env": view_env, "same_table": same_table},
        sample_event=sample, idempotent=True, output=output, stream_consumer=True,
    ))
    p.connect(DATA_TABLE, FUNCTION, "poll", "stream (ITEM# changes)")
    p.connect(FUNCTION, view_table, "write", "writes VIEW# items")
    p.connect(FUNCTION, FAILURES, "failure", "after 5 retries / 1 h")
    p.note(SLUG, "Failed batches are bisected to isolate the bad record, retried at most 5 times and for at "
                 "most an hour, then described in `StreamFailureQueue` (alarmed), so one bad item cannot block "
                 "the shard. The function also alarms when it falls more than 5 minutes behind.")
    if same_table:
        p.note(SLUG, "The view is written back to the source table (as the answers asked), guarded twice: the "
                     "event filter passes only `ITEM#` keys and the handler skips anything else, so the "
                     "function's own `VIEW#` writes never re-trigger it.")
    else:
        p.note(SLUG, "The view is written to a separate table, so the function cannot trigger itself; the "
                     "event filter still passes only `ITEM#` keys.")
