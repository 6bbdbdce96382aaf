"""Generator part of kinesis-stream: the stream, its consumer and the consumer's failure queue."""

from __future__ import annotations

import base64
import json

from generator import events
from generator.cfn import get_att, ref
from generator.project import Function, Project

from . import SLUG
from .compose import BATCH_WINDOW_S, FAILURES, FUNCTION, MAX_RETRIES, STREAM
from .sizing import WRITE_KB, WRITE_RECORDS, consumer_sizing, shard_count

RETENTION_HOURS = 24  # the stream's default (and cheapest) retention
RETENTION_LIMIT = "kinesis-max-retention"  # days a stream can keep its records


def retention_hours(p: Project) -> int:
    """The default day, or the replay window answered, up to what a stream can keep."""
    wanted = max(RETENTION_HOURS, int(p.answers.get("replay_days") or 0) * 24)
    most = p.selection.limits.get(RETENTION_LIMIT)
    return int(min(wanted, most * 24)) if most else wanted


# Records older than this are sent to the failure queue instead of being retried again: well
# inside the retention period, so what the failure queue describes can still be read.
MAX_RECORD_AGE_S = 6 * 3600
STARTING_SEQUENCE = 49650000000000000000000000000000000000000000000000000001


def kinesis_event(stream: str, records: list[tuple[str, object]]) -> dict:
    """A Kinesis event as Lambda delivers it: (partition key, JSON body or raw text) per record."""
    out = []
    for i, (key, body) in enumerate(records):
        raw = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
        sequence = str(STARTING_SEQUENCE + i)
        out.append({
            "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": key, "sequenceNumber": sequence,
                        "data": base64.b64encode(raw.encode()).decode(),
                        "approximateArrivalTimestamp": int(events.EPOCH_MS) / 1000 + i},
            "eventSource": "aws:kinesis", "eventVersion": "1.0",
            "eventID": f"shardId-000000000000:{sequence}", "eventName": "aws:kinesis:record",
            "invokeIdentityArn": f"arn:aws:iam::{events.ACCOUNT}:role/stream-consumer",
            "awsRegion": events.REGION,
            "eventSourceARN": f"arn:aws:kinesis:{events.REGION}:{events.ACCOUNT}:stream/{stream}",
        })
    return {"Records": out}


def resources(p: Project) -> None:
    shards = shard_count(p.answers, p.selection.limits)
    p.add_resource(STREAM, "AWS::Kinesis::Stream", {
        "StreamModeDetails": {"StreamMode": "PROVISIONED"},
        "ShardCount": shards,
        "RetentionPeriodHours": retention_hours(p),
        "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
    }, group=SLUG)
    p.add_output("EventStreamName", "Kinesis stream producers put records on", ref(STREAM))
    # Producers that outrun the shards get records refused; one not retried by its producer never
    # reaches the consumer, so no Lambda metric shows it.
    p.add_alarm(f"{STREAM}WriteThrottledAlarm",
                description=f"{STREAM} refused records written faster than its shards take: producers must "
                            "retry them, and a rate that lasts needs more shards.",
                namespace="AWS/Kinesis", metric="WriteProvisionedThroughputExceeded",
                dimensions={"StreamName": ref(STREAM)}, statistic="Sum", threshold=0, period=300)
    p.expose("EVENT_STREAM_NAME", ref(STREAM), {"kind": "stream", "name": "events"})


def functions(p: Project) -> None:
    sizing = consumer_sizing(p.answers, p.selection.limits, p.lambda_max_timeout())
    shards = shard_count(p.answers, p.selection.limits)
    p.add_dlq(FAILURES, group=SLUG, label="Stream record failures")
    sample = kinesis_event("events", [
        ("device-7", {"id": "reading-1001", "device": "device-7", "category": "standard", "value": 21.5}),
        ("device-7", {"id": "reading-1002", "device": "device-7", "category": "standard", "value": 21.9}),
        ("device-9", {"id": "reading-1003", "device": "device-9", "category": "standard", "value": 19.0}),
    ])
    p.add_function(Function(
        logical_id=FUNCTION, folder="stream_consumer", pattern=SLUG,
        template="handlers/kinesis_stream.py.j2", test_template="tests/kinesis_stream.py.j2",
        description="Processes the event stream's records in order per partition key",
        events={"StreamRecords": {"Type": "Kinesis", "Properties": {
            "Stream": get_att(STREAM, "Arn"),
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": sizing.batch_size,
            "MaximumBatchingWindowInSeconds": BATCH_WINDOW_S,
            "ParallelizationFactor": sizing.parallelization,
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": MAX_RETRIES,
            "MaximumRecordAgeInSeconds": MAX_RECORD_AGE_S,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": get_att(FAILURES, "Arn")}},
        }}},
        policies=[{"SQSSendMessagePolicy": {"QueueName": get_att(FAILURES, "QueueName")}}],
        environment={"FAILURE_QUEUE_URL": ref(FAILURES)},
        sample_event=sample, stream_consumer=True,
    ))
    p.expose("FAILURE_QUEUE_URL", ref(FAILURES), {"kind": "queue", "name": "stream-record-failures"})
    per_records, per_kb = p.limit(WRITE_RECORDS), p.limit(WRITE_KB)
    p.note(SLUG, f"`{STREAM}` has {shards} shard{'s' if shards != 1 else ''}, enough for the peak of "
                 f"{float(p.answer('peak_rps')):,g} records/s (a shard takes {per_records:,g} records or "
                 f"{per_kb:,g} KB per second), "
                 f"and keeps records for {retention_hours(p)} hours. Producers choose the partition key: records "
                 "of one key stay in order, and no single key may exceed one shard's rate. Records refused for "
                 "exceeding it raise an alarm: producers must retry them.")
    p.note(SLUG, f"The consumer reads up to {sizing.batch_size} records per batch with a {sizing.timeout} s timeout "
                 f"(a full batch at the worst case) and runs {sizing.parallelization} batch"
                 f"{'es' if sizing.parallelization != 1 else ''} per shard at once (ParallelizationFactor); "
                 "records of one partition key are still processed in order.")
    p.note(SLUG, "When a record fails, the consumer stops the batch there and reports that record and the ones "
                 "after it, so they are retried in order; failing batches are split to isolate the record. After "
                 f"{MAX_RETRIES} retries, or once a record is {MAX_RECORD_AGE_S // 3600} hours old, Lambda puts a "
                 f"description (shard and sequence numbers) in `{FAILURES}` (alarmed) and moves on; read the "
                 f"records back from the stream before they expire. Records that are not JSON objects with an "
                 "`id` go to the same queue at once, with their data, instead of blocking the shard.")
