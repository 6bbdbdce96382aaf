"""Generator part of s3-processing: its resources and functions in the SAM template."""

from __future__ import annotations

import hashlib

from generator import events
from generator.cfn import ref
from generator.project import Function, Project

from . import SLUG
from .compose import DLQ, FUNCTION, INPUT_PREFIX, OUTPUT_PREFIX, RESULTS, UPLOADS


# Our choice: an upload is read 1 MiB at a time, so memory stays the same whatever its size.
CHUNK_BYTES = 1024 * 1024


def bucket_name(p: Project, role: str) -> dict:
    """A name known before the bucket exists: the function's policy cannot Ref a bucket whose
    notification points at the function (circular dependency). The hash of the project name says
    which project it belongs to; the stack's own id (a GUID, lower case) keeps two stacks of the
    same project, in one account or many, from claiming the same name."""
    digest = hashlib.sha256(p.name.encode()).hexdigest()[:10]
    stack_guid = {"Fn::Select": [2, {"Fn::Split": ["/", ref("AWS::StackId")]}]}
    return {"Fn::Sub": [f"{role}-{digest}-${{StackGuid}}", {"StackGuid": stack_guid}]}


def bucket_properties(name: dict | None = None) -> dict:
    props = {
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
        # An overwritten or deleted object can be recovered for 30 days.
        "VersioningConfiguration": {"Status": "Enabled"},
        "LifecycleConfiguration": {"Rules": [{"Id": "ExpireOldVersions", "Status": "Enabled",
                                              "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    }
    if name:
        props = {"BucketName": name, **props}
    return props


def resources(p: Project) -> None:
    upload_name = bucket_name(p, "uploads")
    p.add_resource(UPLOADS, "AWS::S3::Bucket", bucket_properties(upload_name), group=SLUG)
    p.expose("UPLOAD_BUCKET", upload_name, {"kind": "bucket", "name": "uploads"})
    p.add_output("UploadBucketName", f"Upload files under {INPUT_PREFIX}", ref("UploadBucket"))
    if RESULTS not in p.composition:
        p.expose("OUTPUT_BUCKET", upload_name, {"kind": "bucket", "name": "uploads"})
    else:
        p.add_resource(RESULTS, "AWS::S3::Bucket", bucket_properties(), group=SLUG)
        p.expose("OUTPUT_BUCKET", ref(RESULTS), {"kind": "bucket", "name": "results"})
        p.add_output("OutputBucketName", "Processing results", ref(RESULTS))


def functions(p: Project) -> None:
    same_bucket = RESULTS not in p.composition
    upload_name = bucket_name(p, "uploads")
    output_bucket = upload_name if same_bucket else ref(RESULTS)
    p.add_dlq(DLQ, group=SLUG, label="Failed uploads")
    output = p.output_of(FUNCTION)
    starts_workflow = output is not None and output.kind == "workflow"
    timeout = p.timeout(FUNCTION)
    # Our choice: the time kept to record an upload as not finished (write the result, store it,
    # forward it): a fifth of the timeout, between 2 and 10 seconds.
    finish_margin_ms = max(2000, min(10_000, timeout * 1000 // 5))
    p.add_function(Function(
        logical_id=FUNCTION, folder="file_processor", pattern=SLUG,
        template="handlers/s3_processing.py.j2", test_template="tests/s3_processing.py.j2",
        description=f"Processes uploads under {INPUT_PREFIX} and writes results under {OUTPUT_PREFIX}",
        events={"Upload": {"Type": "S3", "Properties": {
            "Bucket": ref(UPLOADS), "Events": "s3:ObjectCreated:*",
            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": INPUT_PREFIX}]}},
        }}},
        policies=[{"S3ReadPolicy": {"BucketName": upload_name}},
                  # Writing only under the output prefix, so results can never trigger the function.
                  {"Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": {"Fn::Sub": [
                      f"arn:${{AWS::Partition}}:s3:::${{Bucket}}/{OUTPUT_PREFIX}*", {"Bucket": output_bucket}]}}]}],
        environment={"INPUT_PREFIX": INPUT_PREFIX, "OUTPUT_PREFIX": OUTPUT_PREFIX, "OUTPUT_BUCKET": output_bucket},
        properties={"EventInvokeConfig": p.function_event_invoke_config(DLQ)},
        context={"input_prefix": INPUT_PREFIX, "output_prefix": OUTPUT_PREFIX, "chunk_bytes": CHUNK_BYTES,
                 "finish_margin_ms": finish_margin_ms},
        sample_event=events.s3_event("uploads", [f"{INPUT_PREFIX}report-2026-01.csv"]),
        test_resources=("UPLOAD_BUCKET",),
    ))
    if starts_workflow:
        p.note(SLUG, "Each upload starts one workflow execution: the upload handler summarises the file and "
                     f"starts the workflow within {timeout} s, and the long work runs in the workflow's steps, "
                     "each bounded by Lambda's maximum, with retries and a visible history per file.")
    if same_bucket:
        p.note(SLUG, f"Results go back to the upload bucket, but under `{OUTPUT_PREFIX}` while the "
                     f"notification only fires for `{INPUT_PREFIX}`; the handler also ignores any other "
                     "key, so the function cannot trigger itself.")
    else:
        p.note(SLUG, "Results go to a separate bucket, so the function's writes can never trigger it.")
    p.note(SLUG, f"The handler reads each upload in {CHUNK_BYTES // (1024 * 1024)} MiB chunks, so its memory "
                 "stays the same whatever the file's size. When less than "
                 f"{finish_margin_ms / 1000:g} s of its {timeout} s timeout is left, it stops reading and records the "
                 "file as `unfinished` (with the reason, and the `UploadsUnfinished` metric) instead of timing out "
                 "half-way. A file not read whole is not done: nothing is handed on, and the invocation fails, so "
                 "S3 retries it and then puts the notification in the dead-letter queue, and a later delivery "
                 "reads the file again. Files that take longer to read need a longer timeout or a "
                 "longer-running service.")
    p.note(SLUG, "Buckets are versioned: an overwritten or deleted object can be restored for 30 days.")
    p.note(SLUG, "S3 invokes the function asynchronously: two retries, then the event goes to the "
                 "`FileProcessorDlq` queue (alarmed). Buckets are encrypted and block public access. "
                 "The upload bucket's name is derived from the project name and the stack's id, so the "
                 "function's policy can name it without a circular dependency and two stacks (dev and "
                 "prod) of the same project can be deployed side by side.")
