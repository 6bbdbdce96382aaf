"""Generator part of dynamodb-streams: its resources and functions in the SAM template."""

from __future__ import annotations

from generator import events
from generator.cfn import get_att, json_text, ref
from generator.project import DATA_TABLE, Function, Project

from . import SLUG
from .compose import BATCH_WINDOW_S, FAILURES, FUNCTION, VIEW_TABLE, batch_size


def resources(p: Project) -> None:
    p.data_table()
    if VIEW_TABLE in p.composition:
        p.add_resource(VIEW_TABLE, "AWS::DynamoDB::Table", {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        }, group=SLUG, DeletionPolicy="Retain", UpdateReplacePolicy="Retain")
        p.expose("VIEW_TABLE", ref(VIEW_TABLE), {"kind": "table", "name": "views", "keys": ["pk", "sk"]})


def functions(p: Project) -> None:
    same_table = VIEW_TABLE not in p.composition
    view_env = "DATA_TABLE" if same_table else "VIEW_TABLE"
    view_table = DATA_TABLE if same_table else VIEW_TABLE
    p.add_dlq(FAILURES, group=SLUG, label="Stream failures")
    item = {"pk": "ITEM#item-1001", "sk": "ITEM", "id": "item-1001", "category": "standard"}
    sample = events.dynamodb_stream_event("data", [
        ("INSERT", None, {**item, "status": "new", "amount": 120.5}),
        ("MODIFY", {**item, "status": "new", "amount": 120.5}, {**item, "status": "paid", "amount": 120.5}),
    ])
    p.add_function(Function(
        logical_id=FUNCTION, folder="stream_processor", pattern=SLUG,
        template="handlers/dynamodb_streams.py.j2", test_template="tests/dynamodb_streams.py.j2",
        description="Keeps the item view current from the data table's stream",
        events={"TableStream": {"Type": "DynamoDB", "Properties": {
            "Stream": get_att(DATA_TABLE, "StreamArn"),
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": batch_size(p),
            "MaximumBatchingWindowInSeconds": BATCH_WINDOW_S,
            "BisectBatchOnFunctionError": True,
            # Our choices: 5 retries within an hour, well inside the stream's 24 h retention.
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
        sample_event=sample, stream_consumer=True,
    ))
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
