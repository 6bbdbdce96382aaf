"""Findings (SPEC 3.5): each risk found, and not found once it is handled or cannot be known."""

import json

import pytest
from analyzer_samples import SETTINGS, cloudformation, ids, risks, run, sam

from analyzer import FINDING_IDS, analyze, load_template


def worker(events: str = "", properties: str = "") -> str:
    """A traced function (so no-tracing stays quiet) with extra properties and events."""
    text = """
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Tracing: Active
"""
    if properties:
        text += "".join(f"    {line}\n" for line in properties.strip("\n").splitlines())
    if events:
        text += "    Events:\n" + "".join(f"      {line}\n" for line in events.strip("\n").splitlines())
    return text


def found(analysis, finding):
    return ids(analysis, finding)


# missing-dlq ------------------------------------------------------------------------------------

SQS_EVENT = "Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, FunctionResponseTypes: [ReportBatchItemFailures]}}"


def test_a_consumed_queue_without_redrive_policy_misses_a_dlq():
    analysis = run(worker(SQS_EVENT) + "Queue: {Type: AWS::SQS::Queue}")
    assert ids(analysis) == [("missing-dlq", "Queue")]
    assert "Queue Queue (read by Worker) has no redrive policy" in analysis.findings[0].message


def test_a_queue_with_a_redrive_policy_is_fine():
    analysis = run(worker(SQS_EVENT) + """
Queue:
  Type: AWS::SQS::Queue
  Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}
Dlq: {Type: AWS::SQS::Queue}
""")
    assert ids(analysis) == []


def test_a_queue_outside_the_template_is_not_judged():
    analysis = run(worker("Jobs: {Type: SQS, Properties: {Queue: !Ref QueueArn, FunctionResponseTypes: [ReportBatchItemFailures]}}"),
                   parameters="QueueArn: {Type: String}")
    assert analysis.patterns == ("sqs-worker",)
    assert ids(analysis) == []


def test_an_async_trigger_without_failure_destination_misses_a_dlq():
    analysis = run(worker("Topic: {Type: SNS, Properties: {Topic: !Ref Topic}}") + "Topic: {Type: AWS::SNS::Topic}")
    assert ids(analysis) == [("missing-dlq", "Worker")]


@pytest.mark.parametrize("properties", [
    "DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Dlq.Arn}",
    "EventInvokeConfig: {DestinationConfig: {OnFailure: {Type: SQS, Destination: !GetAtt Dlq.Arn}}}",
])
def test_a_function_dead_letter_queue_or_destination_is_enough(properties):
    analysis = run(worker("Rule: {Type: EventBridgeRule, Properties: {Pattern: {source: [app]}, "
                          "DeadLetterConfig: {Type: SQS}}}", properties) + "Dlq: {Type: AWS::SQS::Queue}")
    assert ids(analysis) == []


def test_the_rule_target_needs_its_own_dead_letter_queue():
    # The function's destination keeps events the function fails on; the target's dead-letter
    # queue keeps events EventBridge could not deliver to it at all.
    analysis = run(worker("Rule: {Type: EventBridgeRule, Properties: {Pattern: {source: [app]}}}",
                          "DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Dlq.Arn}") + "Dlq: {Type: AWS::SQS::Queue}")
    assert ids(analysis) == [("missing-dlq", "Worker")]
    assert analysis.findings[0].rule_ids == ("ES4000",)
    assert "The rule of event Rule delivers to Worker without a dead-letter queue" in analysis.findings[0].message


def test_an_eventbridge_target_dead_letter_config_does_not_keep_the_functions_failures():
    analysis = run(worker("Rule: {Type: EventBridgeRule, Properties: {Pattern: {source: [app]}, "
                          "DeadLetterConfig: {Type: SQS}}}"))
    assert ids(analysis) == [("missing-dlq", "Worker")]
    assert analysis.findings[0].rule_ids == ("ES1007",)
    assert "is invoked asynchronously (event Rule)" in analysis.findings[0].message


def test_plain_cloudformation_event_invoke_config_is_enough():
    template = """
Fn:
  Type: AWS::Lambda::Function
  Properties: {Handler: i.h, Runtime: nodejs22.x, Role: !Ref RoleArn, Code: {ZipFile: x}, TracingConfig: {Mode: Active}}
Rule:
  Type: AWS::Events::Rule
  Properties:
    ScheduleExpression: rate(1 hour)
    Targets: [{Id: fn, Arn: !GetAtt Fn.Arn, DeadLetterConfig: {Arn: !GetAtt Dlq.Arn}}]
Dlq: {Type: AWS::SQS::Queue}
"""
    assert ids(cloudformation(template)) == [("missing-dlq", "Fn")]
    config = """
Config:
  Type: AWS::Lambda::EventInvokeConfig
  Properties:
    FunctionName: !Ref Fn
    Qualifier: $LATEST
    DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}
"""
    assert ids(cloudformation(template + config)) == []


def test_a_stream_trigger_without_on_failure_destination_misses_a_dlq():
    event = ("Changes: {Type: DynamoDB, Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST, "
             "MaximumRetryAttempts: 3, FunctionResponseTypes: [ReportBatchItemFailures]%s}}")
    analysis = run(worker(event % "") + "Table: {Type: AWS::DynamoDB::Table}")
    assert ids(analysis) == [("missing-dlq", "Worker")]
    handled = run(worker(event % ", DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}")
                  + "Table: {Type: AWS::DynamoDB::Table}\nDlq: {Type: AWS::SQS::Queue}")
    assert ids(handled) == []


# no-partial-batch-response -----------------------------------------------------------------------------

QUEUE_WITH_DLQ = """
Queue:
  Type: AWS::SQS::Queue
  Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}
Dlq: {Type: AWS::SQS::Queue}
"""


def test_an_sqs_trigger_without_partial_batch_response_is_found():
    analysis = run(worker("Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}") + QUEUE_WITH_DLQ)
    assert ids(analysis) == [("no-partial-batch-response", "Worker")]


def test_a_batch_of_one_needs_no_partial_response():
    analysis = run(worker("Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, BatchSize: 1}}") + QUEUE_WITH_DLQ)
    assert ids(analysis) == []


def test_a_cloudformation_mapping_is_named_as_the_resource_to_change():
    analysis = cloudformation("""
Fn:
  Type: AWS::Lambda::Function
  Properties: {Handler: i.h, Runtime: nodejs22.x, Role: !Ref RoleArn, Code: {ZipFile: x}, TracingConfig: {Mode: Active}}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties: {FunctionName: !Ref Fn, EventSourceArn: !GetAtt Queue.Arn}
""" + QUEUE_WITH_DLQ)
    assert ids(analysis) == [("no-partial-batch-response", "Mapping")]


# visibility-timeout-too-short ---------------------------------------------------------------------------

def test_the_default_visibility_is_too_short_for_a_long_function():
    analysis = run(worker(SQS_EVENT, "Timeout: 10") + QUEUE_WITH_DLQ)
    assert ids(analysis) == [("visibility-timeout-too-short", "Queue")]
    message = analysis.findings[0].message
    assert "the default 30 s" in message and "10 s" in message and "at least 60 s" in message


def test_the_default_function_timeout_fits_the_default_visibility():
    assert ids(run(worker(SQS_EVENT) + QUEUE_WITH_DLQ)) == []


def test_globals_timeout_applies_and_a_long_enough_visibility_is_fine():
    queue = QUEUE_WITH_DLQ.replace("Properties: {", "Properties: {VisibilityTimeout: %s, ")
    assert ids(run(worker(SQS_EVENT) + queue % 60, globals_="Function: {Timeout: 20}")) == [
        ("visibility-timeout-too-short", "Queue")]
    assert ids(run(worker(SQS_EVENT) + queue % 120, globals_="Function: {Timeout: 20}")) == []


def test_a_visibility_shorter_than_the_timeout_is_high():
    queue = QUEUE_WITH_DLQ.replace("Properties: {", "Properties: {VisibilityTimeout: 30, ")
    [finding] = risks(run(worker(SQS_EVENT, "Timeout: 60") + queue))
    assert (finding.id, finding.severity) == ("visibility-timeout-too-short", "high")


def test_a_parameterised_timeout_is_not_judged():
    analysis = run(worker(SQS_EVENT, "Timeout: !Ref Timeout") + QUEUE_WITH_DLQ, parameters="Timeout: {Type: Number}")
    assert ids(analysis) == []


# recursive-s3-trigger ------------------------------------------------------------------------------------

def s3_worker(filter_rules: str = "", write_resource: str = "!Sub '${Bucket.Arn}/*'") -> str:
    rules = f", Filter: {{S3Key: {{Rules: [{filter_rules}]}}}}" if filter_rules else ""
    return worker(
        f"Upload: {{Type: S3, Properties: {{Bucket: !Ref Bucket, Events: 's3:ObjectCreated:*'{rules}}}}}",
        f"""
EventInvokeConfig: {{DestinationConfig: {{OnFailure: {{Type: SQS, Destination: !GetAtt Dlq.Arn}}}}}}
Policies:
  - Statement: [{{Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource: {write_resource}}}]
""") + "Bucket: {Type: AWS::S3::Bucket}\nDlq: {Type: AWS::SQS::Queue}\n"


def test_writing_back_to_the_triggering_bucket_without_filter_is_critical():
    [finding] = risks(run(s3_worker()))
    assert (finding.id, finding.severity, finding.resource) == ("recursive-s3-trigger", "critical", "Worker")
    assert "bucket Bucket" in finding.message


def test_an_input_prefix_disjoint_from_the_written_prefix_is_fine():
    analysis = run(s3_worker("{Name: prefix, Value: uploads/}", "!Sub '${Bucket.Arn}/thumbnails/*'"))
    assert ids(analysis) == []


def test_an_input_prefix_inside_what_it_writes_is_found():
    analysis = run(s3_worker("{Name: prefix, Value: uploads/}", "!Sub '${Bucket.Arn}/*'"))
    assert [(f.id, f.severity) for f in risks(analysis)] == [("recursive-s3-trigger", "high")]


def test_a_suffix_filter_alone_is_a_weaker_protection():
    analysis = run(s3_worker("{Name: suffix, Value: .jpg}"))
    assert [(f.id, f.severity) for f in risks(analysis)] == [("recursive-s3-trigger", "medium")]


def test_s3_crud_policy_on_the_bucket_name_parameter_is_a_write():
    analysis = run("""
Bucket:
  Type: AWS::S3::Bucket
  Properties: {BucketName: !Ref BucketName}
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Tracing: Active
    DeadLetterQueue: {Type: SQS, TargetArn: !Ref DlqArn}
    Policies:
      - S3CrudPolicy: {BucketName: !Ref BucketName}
    Events:
      Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: 's3:ObjectCreated:*'}}
""", parameters="BucketName: {Type: String}\nDlqArn: {Type: String}")
    assert ids(analysis) == [("recursive-s3-trigger", "Worker")]


def test_writing_to_another_bucket_is_fine():
    analysis = run(s3_worker(write_resource="!Sub '${Output.Arn}/*'") + "Output: {Type: AWS::S3::Bucket}")
    assert ids(analysis) == []


def test_a_cloudformation_bucket_notification_with_a_literal_bucket_name():
    analysis = cloudformation("""
Bucket:
  Type: AWS::S3::Bucket
  Properties:
    BucketName: media-uploads
    NotificationConfiguration:
      LambdaConfigurations: [{Event: s3:ObjectCreated:*, Function: !GetAtt Fn.Arn}]
Fn:
  Type: AWS::Lambda::Function
  Properties:
    Handler: i.h
    Runtime: nodejs22.x
    Role: !GetAtt Role.Arn
    Code: {ZipFile: x}
    TracingConfig: {Mode: Active}
    DeadLetterConfig: {TargetArn: !Ref DlqArn}
Role:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {}
    Policies:
      - PolicyName: write
        PolicyDocument:
          Statement: [{Effect: Allow, Action: s3:PutObject, Resource: arn:aws:s3:::media-uploads/*}]
""")
    assert ids(analysis) == [("recursive-s3-trigger", "Fn")]


# stream-writes-same-table, unbounded-retry ---------------------------------------------------------------

STREAM = ("Changes: {Type: DynamoDB, Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST, "
          "FunctionResponseTypes: [ReportBatchItemFailures], DestinationConfig: {OnFailure: {Destination: !Ref Dlq}}%s}}")
TABLE = "Table: {Type: AWS::DynamoDB::Table}\nDlq: {Type: AWS::SQS::Queue}\n"


def test_a_stream_handler_writing_to_its_table_is_critical():
    analysis = run(worker(STREAM % ", MaximumRetryAttempts: 2", "Policies: [{DynamoDBCrudPolicy: {TableName: !Ref Table}}]")
                   + TABLE)
    assert [(f.id, f.severity) for f in risks(analysis)] == [("stream-writes-same-table", "critical")]


def test_a_stream_handler_reading_its_table_or_filtering_is_fine():
    read_only = run(worker(STREAM % ", MaximumRetryAttempts: 2", "Policies: [{DynamoDBReadPolicy: {TableName: !Ref Table}}]")
                    + TABLE)
    filtered = run(worker(STREAM % ", MaximumRetryAttempts: 2, FilterCriteria: {Filters: [{Pattern: '{}'}]}",
                          "Policies: [{DynamoDBCrudPolicy: {TableName: !Ref Table}}]") + TABLE)
    assert ids(read_only) == ids(filtered) == []


def test_a_stream_trigger_without_maximum_retry_attempts_retries_forever():
    assert ids(run(worker(STREAM % "") + TABLE)) == [("unbounded-retry", "Worker")]
    assert ids(run(worker(STREAM % ", MaximumRetryAttempts: -1") + TABLE)) == [("unbounded-retry", "Worker")]
    assert ids(run(worker(STREAM % ", MaximumRetryAttempts: 5") + TABLE)) == []


def test_a_kinesis_mapping_without_retry_limit_names_the_mapping():
    analysis = cloudformation("""
Stream: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
Fn:
  Type: AWS::Lambda::Function
  Properties: {Handler: i.h, Runtime: nodejs22.x, Role: !Ref RoleArn, Code: {ZipFile: x}, TracingConfig: {Mode: Active}}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties:
    FunctionName: !Ref Fn
    EventSourceArn: !GetAtt Stream.Arn
    StartingPosition: LATEST
    FunctionResponseTypes: [ReportBatchItemFailures]
    DestinationConfig: {OnFailure: {Destination: !Ref FailedArn}}
""")
    assert ids(analysis) == [("unbounded-retry", "Mapping")]
    assert analysis.patterns == ("kinesis-stream",)


# direct-lambda-invoke ---------------------------------------------------------------------------------

def test_a_function_allowed_to_invoke_another_is_found():
    analysis = run(worker(properties="Policies: [{LambdaInvokePolicy: {FunctionName: !Ref Other}}]")
                   + "Other: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13, Tracing: Active}}")
    assert ids(analysis) == [("direct-lambda-invoke", "Worker")]
    assert "invoke Other directly" in analysis.findings[0].message


def test_a_function_invoking_a_function_named_by_parameter_is_found():
    analysis = run(worker(properties="Policies: [{LambdaInvokePolicy: {FunctionName: !Ref TargetName}}]"),
                   parameters="TargetName: {Type: String}")
    assert ids(analysis) == [("direct-lambda-invoke", "Worker")]


def test_a_destination_or_a_state_machine_invoking_functions_is_not_a_direct_invoke():
    analysis = run(worker(properties="EventInvokeConfig: {DestinationConfig: {OnSuccess: {Type: Lambda, Destination: !GetAtt Other.Arn}}}")
                   + "Other: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13, Tracing: Active}}\n"
                   + "Flow: {Type: AWS::Serverless::StateMachine, Properties: {Policies: [{LambdaInvokePolicy: {FunctionName: !Ref Other}}]}}")
    assert ids(analysis, "direct-lambda-invoke") == []


# rds-without-proxy, unbounded-concurrency -------------------------------------------------------------------

DATABASE = """
Db:
  Type: AWS::RDS::DBInstance
  Properties: {Engine: postgres, DBInstanceClass: db.t4g.micro}
"""
VPC = "VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [subnet-1]}\n"


def test_a_function_connecting_to_a_database_directly_is_found():
    analysis = run(worker(properties=VPC + "Environment: {Variables: {DB_HOST: !GetAtt Db.Endpoint.Address}}") + DATABASE)
    assert ids(analysis) == [("rds-without-proxy", "Worker"), ("unbounded-concurrency", "Worker")]
    assert analysis.patterns == ("rds",)


def test_a_proxy_and_reserved_concurrency_handle_both():
    analysis = run(worker(properties=VPC + "ReservedConcurrentExecutions: 20\n"
                          "Environment: {Variables: {DB_HOST: !GetAtt Proxy.Endpoint}}") + DATABASE + """
Proxy:
  Type: AWS::RDS::DBProxy
  Properties: {DBProxyName: p, EngineFamily: POSTGRESQL, RoleArn: !Ref RoleArn, Auth: [], VpcSubnetIds: [subnet-1]}
""")
    assert ids(analysis) == []


def test_a_proxy_endpoint_given_as_parameter_counts_as_a_proxy():
    analysis = run(worker(properties=VPC + "Environment: {Variables: {RDS_ENDPOINT: !Ref RdsProxyEndpoint}}"),
                   parameters="RdsProxyEndpoint: {Type: String}")
    assert ids(analysis) == [("unbounded-concurrency", "Worker")]


def test_maximum_concurrency_on_the_queue_trigger_bounds_concurrency():
    event = ("Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, FunctionResponseTypes: [ReportBatchItemFailures], "
             "ScalingConfig: {MaximumConcurrency: 5}}}")
    analysis = run(worker(event, VPC + "Environment: {Variables: {DATABASE_URL: !Ref DatabaseUrl}}") + QUEUE_WITH_DLQ,
                   parameters="DatabaseUrl: {Type: String}")
    assert ids(analysis) == [("rds-without-proxy", "Worker")]


def test_a_stream_trigger_bounds_concurrency_by_its_shards():
    """At most shards × parallelization factor batches run at once: the stream itself is the bound."""
    event = ("Records: {Type: Kinesis, Properties: {Stream: !GetAtt Stream.Arn, StartingPosition: TRIM_HORIZON, "
             "ParallelizationFactor: 2, MaximumRetryAttempts: 3}}")
    stream = "\nStream:\n  Type: AWS::Kinesis::Stream\n  Properties: {ShardCount: 2}\n"
    analysis = run(worker(event, VPC + "Environment: {Variables: {RDS_ENDPOINT: !Ref RdsProxyEndpoint}}") + stream,
                   parameters="RdsProxyEndpoint: {Type: String}")
    assert "unbounded-concurrency" not in {finding for finding, _ in ids(analysis)}
    # The same function invoked by anything else is still found.
    analysis = run(worker(properties=VPC + "Environment: {Variables: {RDS_ENDPOINT: !Ref RdsProxyEndpoint}}"),
                   parameters="RdsProxyEndpoint: {Type: String}")
    assert ("unbounded-concurrency", "Worker") in ids(analysis)


def test_the_data_api_needs_no_proxy_but_still_a_concurrency_limit():
    analysis = run(worker(properties="Policies: [{Statement: [{Effect: Allow, Action: rds-data:ExecuteStatement, "
                          "Resource: !Ref ClusterArn}]}]"), parameters="ClusterArn: {Type: String}")
    assert ids(analysis) == [("unbounded-concurrency", "Worker")]


# api-timeout-exceeds-gateway --------------------------------------------------------------------------

@pytest.mark.parametrize("event, timeout, expected", [
    ("Get: {Type: Api, Properties: {Path: /, Method: get}}", 30, True),
    ("Get: {Type: Api, Properties: {Path: /, Method: get}}", 29, False),
    ("Get: {Type: HttpApi}", 30, False),
    ("Get: {Type: HttpApi}", 31, True),
    ("Get: {Type: Api, Properties: {Path: /, Method: get, TimeoutInMillis: 60000}}", 45, False),
])
def test_the_function_timeout_is_compared_with_the_api_limit(event, timeout, expected):
    analysis = run(worker(event, f"Timeout: {timeout}"))
    assert ids(analysis) == ([("api-timeout-exceeds-gateway", "Worker")] if expected else [])


def test_globals_timeout_counts_for_api_functions():
    analysis = run(worker("Get: {Type: HttpApi}"), globals_="Function: {Timeout: 60}")
    assert ids(analysis) == [("api-timeout-exceeds-gateway", "Worker")]
    assert "60 s" in analysis.findings[0].message and "30 s" in analysis.findings[0].message


def test_the_limits_come_from_the_catalogue_when_given():
    from analyzer_samples import sam
    text = sam(worker("Get: {Type: HttpApi}", "Timeout: 40"))
    assert ids(analyze(text)) == [("api-timeout-exceeds-gateway", "Worker")]
    assert ids(analyze(text, {"http-api-timeout": 45})) == []


def test_the_defaults_judged_by_are_the_catalogues_rows():
    from analyzer_samples import sam
    no_timeout = sam(worker("Get: {Type: HttpApi}"))
    assert "api-timeout-exceeds-gateway" not in {f.id for f in analyze(no_timeout).findings}
    longer = analyze(no_timeout, {"lambda-default-timeout": 40}).findings
    assert "api-timeout-exceeds-gateway" in {f.id for f in longer}
    assert "Lambda's default of 40 seconds" in next(f.explanation for f in longer if f.id == "default-timeout")
    fifo = sam(worker("Jobs: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn, BatchSize: 10}}", "Timeout: 5")
               + "Jobs: {Type: AWS::SQS::Queue, Properties: {FifoQueue: true, VisibilityTimeout: 60}}\n")
    assert "fifo-limits" not in {f.id for f in analyze(fifo).findings}
    (batch,) = [f for f in analyze(fifo, {"sqs-fifo-max-batch": 5}).findings if f.id == "fifo-limits"]
    assert "at most 5 messages" in batch.message + batch.fix


# no-tracing -----------------------------------------------------------------------------------------

def test_tracing_from_globals_and_from_the_function():
    bare = "Fn: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13}}"
    assert ids(run(bare)) == [("no-tracing", "Fn")]
    assert ids(run(bare, globals_="Function: {Tracing: Active}")) == []
    assert ids(run(bare.replace("}}", ", Tracing: PassThrough}}"), globals_="Function: {Tracing: Active}")) == [
        ("no-tracing", "Fn")]


def test_tracing_of_a_plain_cloudformation_function():
    fn = "Fn: {Type: AWS::Lambda::Function, Properties: {Handler: i.h, Role: r, Code: {ZipFile: x}%s}}"
    assert ids(cloudformation(fn % "")) == [("no-tracing", "Fn")]
    assert ids(cloudformation(fn % ", TracingConfig: {Mode: Active}")) == []


def test_a_tracing_mode_from_a_parameter_is_not_judged():
    analysis = run(worker(properties="Tracing: !Ref TracingMode").replace("    Tracing: Active\n", "", 1),
                   parameters="TracingMode: {Type: String}")
    assert ids(analysis) == []


# The whole report ---------------------------------------------------------------------------------------

def test_findings_are_ordered_by_severity_and_every_id_is_known():
    analysis = run(s3_worker() + "Plain: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13}}")
    assert [f.severity for f in risks(analysis)] == ["critical", "low"]
    order = ["critical", "high", "medium", "low"]
    assert [f.severity for f in analysis.findings] == sorted((f.severity for f in analysis.findings), key=order.index)
    assert {f.id for f in analysis.findings} <= set(FINDING_IDS)


def test_to_dict_has_exactly_the_documented_shape():
    data = run(worker(SQS_EVENT) + "Queue: {Type: AWS::SQS::Queue}").to_dict()
    data["findings"] = [finding for finding in data["findings"] if finding["id"] not in SETTINGS]
    assert data == {
        "patterns": ["sqs-worker"],
        "resources": 2,
        "findings": [{"id": "missing-dlq", "severity": "high", "resource": "Queue", "line": 12,
                      "title": "No dead-letter queue or failure destination",
                      "message": data["findings"][0]["message"], "explanation": data["findings"][0]["explanation"],
                      "fix": data["findings"][0]["fix"], "rule_ids": ["ES6000"]}],
        "architecture": {"version": 1, "components": [
            {"id": "Worker", "kind": "function", "name": "worker", "pattern": None},
            {"id": "Queue", "kind": "queue", "name": "queue", "pattern": None},
            {"id": "Producers", "kind": "external", "name": "producers", "pattern": None, "label": "Your producers"},
        ], "edges": [
            {"from": "Queue", "to": "Worker", "kind": "poll"},
            {"from": "Producers", "to": "Queue", "kind": "publish", "label": "sends work"},
        ]},
    }
    found = data["findings"][0]
    assert found["message"] == f"{found['explanation']} {found['fix']}"
    assert found["explanation"].startswith("Queue Queue (read by Worker) has no redrive policy")
    assert found["fix"].startswith("Add a RedrivePolicy")


def test_reading_a_cluster_arn_for_the_data_api_is_not_a_connection():
    analysis = run(worker(properties="Environment: {Variables: {CLUSTER_ARN: !GetAtt Db.DBClusterArn}}\n"
                          "Policies: [{Statement: [{Effect: Allow, Action: 'rds-data:*', Resource: !GetAtt Db.DBClusterArn}]}]")
                   + "Db: {Type: AWS::RDS::DBCluster, Properties: {Engine: aurora-postgresql, EnableHttpEndpoint: true}}")
    assert ids(analysis) == [("unbounded-concurrency", "Worker"), ("wildcard-iam-action", "Worker")]


def test_each_finding_has_the_line_of_its_property_or_else_of_its_resource():
    text = sam(worker(SQS_EVENT, "Timeout: 60") + """
Queue:
  Type: AWS::SQS::Queue
  Properties:
    VisibilityTimeout: 30
""")
    lines = text.splitlines()
    analysis = analyze(text)
    found = {(f.id, f.resource): f.line for f in analysis.findings}
    assert lines[found[("visibility-timeout-too-short", "Queue")] - 1].strip() == "VisibilityTimeout: 30"
    assert lines[found[("missing-dlq", "Queue")] - 1].strip() == "Queue:"
    # The same template as JSON: the lines of the JSON text.
    as_json = json.dumps(load_template(text), indent=2)
    json_lines = as_json.splitlines()
    found = {(f.id, f.resource): f.line for f in analyze(as_json).findings}
    assert json_lines[found[("visibility-timeout-too-short", "Queue")] - 1].strip() == '"VisibilityTimeout": 30'
    assert json_lines[found[("missing-dlq", "Queue")] - 1].strip() == '"Queue": {'
