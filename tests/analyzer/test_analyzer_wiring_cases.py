"""Wiring that real templates use and the first analyzer versions misread: function URLs,
on-failure destinations that are functions, SAM connectors, several functions on one bucket,
policies attached to SAM's implicit roles, conditions around failure settings, and an HTTP API
event with no properties."""

from analyzer_samples import ids, run

FN = "{Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13, Tracing: Active%s}}"


def edges_of(analysis) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.kind) for e in analysis.architecture.connections}


def kinds_of(analysis) -> dict[str, str]:
    return {c.id: c.kind for c in analysis.architecture.components}


# Function URLs --------------------------------------------------------------------------------

def test_a_function_url_is_an_endpoint_clients_call_not_an_event_from_producers():
    analysis = run(f"""
Public: {FN % ', FunctionUrlConfig: {AuthType: NONE}'}
Private: {FN % ''}
PrivateLive: {{Type: AWS::Lambda::Alias, Properties: {{FunctionName: !Ref Private, FunctionVersion: '1', Name: live}}}}
PrivateUrl: {{Type: AWS::Lambda::Url, Properties: {{TargetFunctionArn: !Ref PrivateLive, AuthType: AWS_IAM}}}}
""")
    kinds, edges = kinds_of(analysis), edges_of(analysis)
    # SAM names the URL it creates <Function>Url; a URL resource is its own component.
    assert kinds["PublicUrl"] == kinds["PrivateUrl"] == "api"
    assert {("Clients", "PublicUrl", "invoke"), ("PublicUrl", "Public", "invoke"),
            ("Clients", "PrivateUrl", "invoke"), ("PrivateUrl", "Private", "invoke")} <= edges
    assert not [edge for edge in edges if edge[0] == "Producers"]
    assert ids(analysis, "public-function-url") == [("public-function-url", "Public")]


# On-failure destinations ---------------------------------------------------------------------

def test_a_function_that_receives_only_failures_is_started_by_them_not_by_outside_producers():
    analysis = run(f"""
Producer: {FN % ', EventInvokeConfig: {DestinationConfig: {OnFailure: {Type: Lambda, Destination: !GetAtt OnFailure.Arn}}}'}
OnFailure: {FN % ''}
""")
    edges = edges_of(analysis)
    assert ("Producer", "OnFailure", "failure") in edges
    assert ("Producers", "OnFailure", "event") not in edges
    assert ("Producers", "Producer", "event") in edges


# SAM connectors -------------------------------------------------------------------------------

CONNECTED = f"""
Topic: {{Type: AWS::SNS::Topic}}
Queue: {{Type: AWS::SQS::Queue, Properties: {{RedrivePolicy: {{deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3}}}}}}
Dlq: {{Type: AWS::SQS::Queue}}
Subscription:
  Type: AWS::SNS::Subscription
  Properties: {{TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn, RedrivePolicy: {{deadLetterTargetArn: !GetAtt Dlq.Arn}}}}
TopicToQueue:
  Type: AWS::Serverless::Connector
  Properties: {{Source: {{Id: Topic}}, Destination: {{Id: Queue}}, Permissions: [Write]}}
Table: {{Type: AWS::DynamoDB::Table}}
Uploads: {{Type: AWS::S3::Bucket}}
Worker:
  Type: AWS::Serverless::Function
  Connectors:
    Store: {{Properties: {{Destination: {{Id: Table}}, Permissions: [Read, Write]}}}}
  Properties: {{Handler: a.b, Runtime: python3.13, Tracing: Active, Events: {{Q: {{Type: SQS, Properties: {{Queue: !GetAtt Queue.Arn, FunctionResponseTypes: [ReportBatchItemFailures]}}}}}}}}
WorkerToUploads:
  Type: AWS::Serverless::Connector
  Properties: {{Source: {{Id: Worker}}, Destination: {{Id: Uploads}}, Permissions: [Write]}}
"""


def test_a_connector_from_a_topic_to_a_queue_is_the_queue_policy():
    assert ids(run(CONNECTED), "missing-queue-policy") == []


def test_a_queue_fed_by_a_topic_without_connector_or_policy_still_lacks_a_queue_policy():
    without = CONNECTED.replace("Type: AWS::Serverless::Connector\n  Properties: {Source: {Id: Topic}",
                                "Type: AWS::Serverless::Connector\n  Properties: {Source: {Id: Worker}")
    assert ids(run(without), "missing-queue-policy") == [("missing-queue-policy", "Queue")]


def test_connectors_from_a_function_are_its_permissions():
    analysis = run(CONNECTED)
    edges = edges_of(analysis)
    assert {("Worker", "Table", "write"), ("Worker", "Uploads", "write")} <= edges


def test_a_connector_writing_the_bucket_that_triggers_the_function_is_a_recursive_trigger():
    analysis = run(f"""
Uploads: {{Type: AWS::S3::Bucket}}
Resize: {FN % ', Events: {Up: {Type: S3, Properties: {Bucket: !Ref Uploads, Events: "s3:ObjectCreated:*"}}}'}
ResizeWrites:
  Type: AWS::Serverless::Connector
  Properties: {{Source: {{Id: Resize}}, Destination: {{Id: Uploads}}, Permissions: [Read, Write]}}
""")
    assert ids(analysis, "recursive-s3-trigger") == [("recursive-s3-trigger", "Resize")]


# Loops ------------------------------------------------------------------------------------------

def test_two_functions_each_writing_the_bucket_that_triggers_them_are_no_loop_between_them():
    analysis = run(f"""
Images: {{Type: AWS::S3::Bucket}}
Resize: {FN % ', Policies: [{S3CrudPolicy: {BucketName: !Ref Images}}], Events: {U: {Type: S3, Properties: {Bucket: !Ref Images, Events: "s3:ObjectCreated:*"}}}'}
Thumb: {FN % ', Policies: [{S3CrudPolicy: {BucketName: !Ref Images}}], Events: {U: {Type: S3, Properties: {Bucket: !Ref Images, Events: "s3:ObjectCreated:*"}}}'}
""")
    assert ids(analysis, "loop") == []
    assert sorted(ids(analysis, "recursive-s3-trigger")) == [("recursive-s3-trigger", "Resize"),
                                                             ("recursive-s3-trigger", "Thumb")]


def test_a_cycle_through_a_bucket_and_a_topic_is_still_a_loop_when_a_function_also_writes_its_own_bucket():
    analysis = run(f"""
Images: {{Type: AWS::S3::Bucket}}
Done: {{Type: AWS::SNS::Topic}}
Resize: {FN % ', Policies: [{S3CrudPolicy: {BucketName: !Ref Images}}, {SNSPublishMessagePolicy: {TopicName: !GetAtt Done.TopicName}}], Events: {U: {Type: S3, Properties: {Bucket: !Ref Images, Events: "s3:ObjectCreated:*"}}}'}
Again: {FN % ', Policies: [{S3CrudPolicy: {BucketName: !Ref Images}}], Events: {T: {Type: SNS, Properties: {Topic: !Ref Done}}}'}
""")
    assert ids(analysis, "loop") == [("loop", "Resize")]


# Policies on SAM's implicit roles ---------------------------------------------------------------

def test_a_wildcard_in_a_policy_attached_to_a_functions_implicit_role_is_reported_once_on_the_function():
    analysis = run(f"""
Api: {FN % ''}
Extra:
  Type: AWS::IAM::Policy
  Properties:
    PolicyName: extra
    Roles: [!Ref ApiRole]
    PolicyDocument: {{Statement: [{{Effect: Allow, Action: 'dynamodb:*', Resource: '*'}}]}}
""")
    assert ids(analysis, "wildcard-iam-action") == [("wildcard-iam-action", "Api")]


# Conditions around failure settings -------------------------------------------------------------

def test_an_on_failure_destination_a_condition_decides_is_not_reported_missing():
    analysis = run(f"""
Table: {{Type: AWS::DynamoDB::Table, Properties: {{StreamSpecification: {{StreamViewType: NEW_IMAGE}}}}}}
Failed: {{Type: AWS::SQS::Queue}}
Changes: {FN % ''', Events: {S: {Type: DynamoDB, Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST, MaximumRetryAttempts: 3, DestinationConfig: !If [IsProd, {OnFailure: {Destination: !GetAtt Failed.Arn}}, !Ref "AWS::NoValue"]}}}'''}
""", parameters="Env: {Type: String}").to_dict()
    assert [f for f in analysis["findings"] if f["id"] == "missing-dlq" and f["resource"] == "Changes"] == []


def test_an_on_failure_destination_that_is_missing_is_still_reported():
    analysis = run(f"""
Table: {{Type: AWS::DynamoDB::Table, Properties: {{StreamSpecification: {{StreamViewType: NEW_IMAGE}}}}}}
Changes: {FN % ', Events: {S: {Type: DynamoDB, Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST, MaximumRetryAttempts: 3}}}'}
""")
    assert ids(analysis, "missing-dlq") == [("missing-dlq", "Changes")]


# An HTTP API event with no properties ------------------------------------------------------------

def test_an_http_api_event_with_no_properties_makes_sam_create_an_api_whose_stage_is_judged():
    analysis = run(f"""
Reader: {FN % ', Events: {Any: {Type: HttpApi}}'}
""")
    assert ids(analysis, "api-access-logs-off") == [("api-access-logs-off", "Reader")]
    assert ids(analysis, "api-throttling-default") == [("api-throttling-default", "Reader")]


# EventBridge Pipes ------------------------------------------------------------------------------

def test_a_pipe_carries_its_source_through_its_enrichment_to_its_target():
    analysis = run(f"""
Orders: {{Type: AWS::DynamoDB::Table, Properties: {{StreamSpecification: {{StreamViewType: NEW_IMAGE}}}}}}
Enrich: {{Type: AWS::Serverless::StateMachine, Properties: {{Type: EXPRESS, DefinitionUri: sm.json}}}}
Handle: {FN % ''}
Work: {{Type: AWS::SQS::Queue}}
Flow: {{Type: AWS::Serverless::StateMachine, Properties: {{DefinitionUri: flow.json}}}}
ToHandler:
  Type: AWS::Pipes::Pipe
  Properties: {{RoleArn: r, Source: !GetAtt Orders.StreamArn, Enrichment: !GetAtt Enrich.Arn, Target: !GetAtt Handle.Arn}}
ToFlow:
  Type: AWS::Pipes::Pipe
  Properties: {{RoleArn: r, Source: !GetAtt Work.Arn, Target: !Ref Flow}}
""")
    edges = edges_of(analysis)
    assert {("Orders", "Enrich", "start"), ("Enrich", "Handle", "event"), ("Work", "Flow", "start")} <= edges
    # Nothing a pipe delivers to is fed from outside; the queue it reads still is.
    assert {edge[1] for edge in edges if edge[0] == "Producers"} == {"Work"}


def test_the_stage_findings_of_an_implicit_api_name_the_api_sam_creates_not_the_function():
    analysis = run(f"""
Reader: {FN % ', Events: {Get: {Type: Api, Properties: {Path: /, Method: get}}}'}
""")
    found = next(f for f in analysis.findings if f.id == "api-access-logs-off")
    assert found.resource == "Reader"
    assert "API ServerlessRestApi" in found.explanation and "API Reader" not in found.explanation
    assert "Globals Api" in found.explanation


# Workflows and default-bus rules ---------------------------------------------------------------

def test_a_workflow_invokes_the_functions_its_tasks_name_by_their_literal_function_name():
    analysis = run(f"""
Launch: {FN % ', FunctionName: media-launch'}
Check: {FN % ', FunctionName: media-check'}
Other: {FN % ', FunctionName: media-other'}
Flow:
  Type: AWS::StepFunctions::StateMachine
  Properties:
    RoleArn: r
    Definition:
      StartAt: Launch
      States:
        Launch: {{Type: Task, Resource: !Sub "arn:aws:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:media-launch", Next: Check}}
        Check: {{Type: Task, Resource: arn:aws:states:::lambda:invoke, Parameters: {{FunctionName: media-check}}, End: true}}
""")
    edges = edges_of(analysis)
    assert {("Flow", "Launch", "invoke"), ("Flow", "Check", "invoke")} <= edges
    assert ("Flow", "Other", "invoke") not in edges and ("Producers", "Other", "event") in edges


def test_a_sam_rule_event_on_the_default_bus_matching_a_buckets_s3_events_starts_from_the_bucket():
    analysis = run("""
Uploads: {Type: AWS::S3::Bucket, Properties: {NotificationConfiguration: {EventBridgeConfiguration: {EventBridgeEnabled: true}}}}
Flow:
  Type: AWS::Serverless::StateMachine
  Properties:
    DefinitionUri: flow.json
    Events:
      Uploaded:
        Type: EventBridgeRule
        Properties:
          Pattern: {source: [aws.s3], detail: {bucket: {name: [!Ref Uploads]}}}
""")
    assert ("Uploads", "Flow", "start") in edges_of(analysis)


# Visibility with a batching window ---------------------------------------------------------------

def test_a_visibility_above_the_timeout_but_below_timeout_and_batching_window_says_the_window_counts():
    analysis = run(f"""
Queue: {{Type: AWS::SQS::Queue, Properties: {{RedrivePolicy: {{deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3}}}}}}
Dlq: {{Type: AWS::SQS::Queue}}
Processor: {FN % ', Timeout: 29, Events: {Q: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, BatchSize: 100, MaximumBatchingWindowInSeconds: 5, FunctionResponseTypes: [ReportBatchItemFailures]}}}'}
""")
    found = next(f for f in analysis.findings if f.id == "visibility-timeout-too-short")
    assert found.severity == "high"
    # 30 s is not less than 29 s: the 5 s the batch is gathered is what makes it too short.
    assert "less than the 29 s that Processor may run plus the 5 s batching window" in found.explanation


# Kafka events -----------------------------------------------------------------------------------

def test_a_sam_kafka_event_without_an_on_failure_destination_is_missing_one_like_a_kafka_mapping():
    analysis = run(f"""
Plain: {FN % ', Events: {K: {Type: MSK, Properties: {Stream: arn:aws:kafka:eu-west-1:1:cluster/c/x, StartingPosition: LATEST, Topics: [t]}}}'}
Kept: {FN % ', Events: {K: {Type: SelfManagedKafka, Properties: {KafkaBootstrapServers: [b:9092], Topics: [t], DestinationConfig: {OnFailure: {Destination: arn:aws:sqs:eu-west-1:1:failed}}}}}'}
""")
    assert ids(analysis, "missing-dlq") == [("missing-dlq", "Plain")]
    found = next(f for f in analysis.findings if f.id == "missing-dlq")
    assert "The Kafka trigger (event K of Plain)" in found.explanation and found.rule_ids == ("ES1001",)


# Failure targets a condition names, pipe dead-letter queues, imported log groups -----------------

def test_a_queue_named_as_a_failure_target_inside_a_condition_is_a_dlq_in_the_drawing_too():
    analysis = run(f"""
Table: {{Type: AWS::DynamoDB::Table, Properties: {{StreamSpecification: {{StreamViewType: NEW_IMAGE}}}}}}
Failed: {{Type: AWS::SQS::Queue}}
Changes: {FN % ', Events: {S: {Type: DynamoDB, Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST, DestinationConfig: {OnFailure: {Destination: !If [IsProd, !GetAtt Failed.Arn, !Ref "AWS::NoValue"]}}}}}'}
""")
    assert kinds_of(analysis)["Failed"] == "dlq"
    assert ("Producers", "Failed", "publish") not in edges_of(analysis)
    assert ids(analysis, "dlq-without-alarm") == [("dlq-without-alarm", "Failed")]


def test_a_pipes_stream_dead_letter_queue_is_its_failure_path():
    analysis = run(f"""
Table: {{Type: AWS::DynamoDB::Table, Properties: {{StreamSpecification: {{StreamViewType: NEW_IMAGE}}}}}}
Undelivered: {{Type: AWS::SQS::Queue}}
Bus: {{Type: AWS::Events::EventBus, Properties: {{Name: b}}}}
Pipe:
  Type: AWS::Pipes::Pipe
  Properties:
    RoleArn: r
    Source: !GetAtt Table.StreamArn
    SourceParameters: {{DynamoDBStreamParameters: {{StartingPosition: LATEST, DeadLetterConfig: {{Arn: !GetAtt Undelivered.Arn}}}}}}
    Target: !GetAtt Bus.Arn
""")
    assert kinds_of(analysis)["Undelivered"] == "dlq"
    assert {("Table", "Undelivered", "failure"), ("Table", "Bus", "event")} <= edges_of(analysis)


def test_a_log_group_imported_from_another_stack_is_not_judged():
    analysis = run(f"""
Worker: {FN % ', LoggingConfig: {LogGroup: !ImportValue shared-log-group}'}
Other: {FN % ''}
""")
    assert ids(analysis, "no-log-retention") == [("no-log-retention", "Other")]


# Targets named by an ARN built with Sub ----------------------------------------------------------

def test_targets_and_endpoints_named_by_an_arn_built_with_sub_are_wired_and_judged():
    analysis = run("""
Topic:
  Type: AWS::SNS::Topic
  Properties:
    Subscription:
      - {Protocol: sqs, Endpoint: !Sub "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Orders.QueueName}"}
Orders: {Type: AWS::SQS::Queue, Properties: {QueueName: orders}}
Api: {Type: AWS::ApiGateway::RestApi}
Bus: {Type: AWS::Events::EventBus, Properties: {Name: b}}
Refresh:
  Type: AWS::Events::Rule
  Properties:
    EventBusName: !Ref Bus
    EventPattern: {source: [x]}
    Targets:
      - Id: api
        Arn: !Sub ["arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${ApiId}/Prod/GET/*", {ApiId: !Ref Api}]
""")
    assert {("Topic", "Orders", "event"), ("Bus", "Api", "event")} <= edges_of(analysis)
    assert ids(analysis, "missing-queue-policy") == [("missing-queue-policy", "Orders")]


# API Gateway service integrations ----------------------------------------------------------------

def test_an_api_sending_straight_to_a_queue_workflow_table_or_stream_is_their_producer():
    analysis = run("""
Rest: {Type: AWS::ApiGateway::RestApi}
Orders: {Type: AWS::SQS::Queue}
Flow: {Type: AWS::Serverless::StateMachine, Properties: {DefinitionUri: f.json}}
Items: {Type: AWS::DynamoDB::Table, Properties: {TableName: items}}
Send:
  Type: AWS::ApiGateway::Method
  Properties:
    RestApiId: !Ref Rest
    HttpMethod: POST
    Integration:
      Type: AWS
      IntegrationHttpMethod: POST
      Uri: !Join ['', ['arn:aws:apigateway:', !Ref 'AWS::Region', ':sqs:path/', !Ref 'AWS::AccountId', '/', !GetAtt Orders.QueueName]]
Start:
  Type: AWS::ApiGateway::Method
  Properties:
    RestApiId: !Ref Rest
    HttpMethod: POST
    Integration:
      Type: AWS
      Uri: !Sub arn:aws:apigateway:${AWS::Region}:states:action/StartExecution
      RequestTemplates: {application/json: !Sub '{"input": "$util.escapeJavaScript($input.json(''$''))", "stateMachineArn": "${Flow}"}'}
Http:
  Type: AWS::Serverless::HttpApi
  Properties:
    DefinitionBody:
      openapi: '3.0'
      paths:
        /items/{id}:
          get:
            x-amazon-apigateway-integration:
              type: aws
              httpMethod: POST
              uri: !Sub arn:aws:apigateway:${AWS::Region}:dynamodb:action/GetItem
              requestTemplates: {application/json: '{"TableName": "items", "Key": {"id": {"S": "$input.params(''id'')"}}}'}
          put:
            x-amazon-apigateway-integration:
              type: aws
              httpMethod: POST
              uri: !Sub arn:aws:apigateway:${AWS::Region}:dynamodb:action/PutItem
              requestTemplates: {application/json: !Sub '{"TableName": "${Items}"}'}
""")
    edges = edges_of(analysis)
    assert {("Rest", "Orders", "publish"), ("Rest", "Flow", "start"), ("Http", "Items", "read"),
            ("Http", "Items", "write")} <= edges
    assert not [edge for edge in edges if edge[0] == "Producers"]


# What a workflow's permissions let it do -----------------------------------------------------------

def test_a_workflow_sends_to_the_queues_topics_and_workflows_its_policies_allow():
    analysis = run("""
Orders: {Type: AWS::SQS::Queue}
Alerts: {Type: AWS::SNS::Topic}
Child: {Type: AWS::Serverless::StateMachine, Properties: {DefinitionUri: child.json}}
Parent:
  Type: AWS::Serverless::StateMachine
  Properties:
    DefinitionUri: parent.json
    DefinitionSubstitutions: {QueueUrl: !Ref Orders, ChildArn: !Ref Child}
    Policies:
      - SQSSendMessagePolicy: {QueueName: !GetAtt Orders.QueueName}
      - StepFunctionsExecutionPolicy: {StateMachineName: !GetAtt Child.Name}
Role:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: states.amazonaws.com}, Action: sts:AssumeRole}]}
    Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: !Ref Alerts}]}}]
Notify:
  Type: AWS::StepFunctions::StateMachine
  Properties:
    RoleArn: !GetAtt Role.Arn
    Definition: {StartAt: N, States: {N: {Type: Task, Resource: arn:aws:states:::sns:publish, Parameters: {TopicArn: !Ref Alerts}, End: true}}}
""")
    edges = edges_of(analysis)
    assert {("Parent", "Orders", "publish"), ("Parent", "Child", "start"), ("Notify", "Alerts", "publish")} <= edges
    assert {edge[1] for edge in edges if edge[0] == "Producers"} == {"Parent", "Notify"}


# Resources known by the name they are given --------------------------------------------------------

def test_a_bus_stream_and_database_cluster_are_known_by_the_names_they_are_given():
    analysis = run(f"""
Bus: {{Type: AWS::Events::EventBus, Properties: {{Name: orders}}}}
Clicks: {{Type: AWS::Kinesis::Stream, Properties: {{Name: !Ref StreamName}}}}
Cluster: {{Type: AWS::RDS::DBCluster, Properties: {{DBClusterIdentifier: !Ref ClusterName, Engine: aurora-postgresql}}}}
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: a.b
    Runtime: python3.13
    Policies:
      - Statement:
          - {{Effect: Allow, Action: events:PutEvents, Resource: !Sub "arn:aws:events:${{AWS::Region}}:${{AWS::AccountId}}:event-bus/orders"}}
          - {{Effect: Allow, Action: kinesis:PutRecord, Resource: !Sub "arn:aws:kinesis:${{AWS::Region}}:${{AWS::AccountId}}:stream/${{StreamName}}"}}
          - {{Effect: Allow, Action: rds-data:ExecuteStatement, Resource: !Sub "arn:aws:rds:${{AWS::Region}}:${{AWS::AccountId}}:cluster:${{ClusterName}}"}}
""", parameters="StreamName: {Type: String}\nClusterName: {Type: String}")
    assert {("Worker", "Bus", "publish"), ("Worker", "Clicks", "publish"), ("Worker", "Cluster", "write")} <= edges_of(analysis)


def test_a_sam_scheduler_event_without_a_dead_letter_queue_is_judged_like_a_scheduler_schedule():
    analysis = run(f"""
Hourly: {FN % ', EventInvokeConfig: {DestinationConfig: {OnFailure: {Type: SQS, Destination: arn:aws:sqs:eu-west-1:1:f}}}, Events: {S: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 hour)}}}'}
Kept: {FN % ', EventInvokeConfig: {DestinationConfig: {OnFailure: {Type: SQS, Destination: arn:aws:sqs:eu-west-1:1:f}}}, Events: {S: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 hour), DeadLetterConfig: {Type: SQS}}}}'}
""")
    assert ids(analysis, "missing-dlq") == [("missing-dlq", "Hourly")]
    assert "The schedule of event S" in next(f for f in analysis.findings if f.id == "missing-dlq").explanation


# Custom resource handlers ---------------------------------------------------------------------------

def test_a_function_only_a_custom_resource_calls_is_deployment_machinery_not_architecture():
    analysis = run(f"""
Seed: {FN % ', Policies: [{S3CrudPolicy: {BucketName: !Ref Data}}]'}
SeedData: {{Type: Custom::Seed, Properties: {{ServiceToken: !GetAtt Seed.Arn}}}}
Data: {{Type: AWS::S3::Bucket}}
Both: {FN % ', Events: {Get: {Type: HttpApi}}'}
BothSetup: {{Type: AWS::CloudFormation::CustomResource, Properties: {{ServiceToken: !GetAtt Both.Arn}}}}
""")
    kinds, edges = kinds_of(analysis), edges_of(analysis)
    assert "Seed" not in kinds and not [edge for edge in edges if "Seed" in edge[:2]]
    assert kinds["Both"] == "function" and ("ServerlessHttpApi", "Both", "invoke") in edges
    # Its findings are reported all the same.
    assert ("no-log-retention", "Seed") in ids(analysis, "no-log-retention")


def test_an_http_api_integration_subtype_sends_to_the_queue_its_parameters_name():
    analysis = run("""
Jobs: {Type: AWS::SQS::Queue}
Http:
  Type: AWS::Serverless::HttpApi
  Properties:
    DefinitionBody:
      openapi: '3.0'
      paths:
        /jobs:
          post:
            x-amazon-apigateway-integration:
              type: aws_proxy
              integrationSubtype: SQS-SendMessage
              credentials: !GetAtt Role.Arn
              requestParameters: {QueueUrl: !Ref Jobs, MessageBody: $request.body}
Cfn: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: HTTP}}
CfnJobs:
  Type: AWS::ApiGatewayV2::Integration
  Properties: {ApiId: !Ref Cfn, IntegrationType: AWS_PROXY, IntegrationSubtype: SQS-SendMessage, RequestParameters: {QueueUrl: !Ref Jobs}}
""")
    assert {("Http", "Jobs", "publish"), ("Cfn", "Jobs", "publish")} <= edges_of(analysis)


def test_a_workflow_whose_events_come_back_to_it_through_a_bus_is_a_loop():
    analysis = run(f"""
Bus: {{Type: AWS::Events::EventBus, Properties: {{Name: orders}}}}
Flow:
  Type: AWS::Serverless::StateMachine
  Properties:
    DefinitionUri: flow.json
    Policies: [{{LambdaInvokePolicy: {{FunctionName: !Ref Step}}}}]
    Events: {{E: {{Type: EventBridgeRule, Properties: {{EventBusName: !Ref Bus, Pattern: {{source: [orders]}}, DeadLetterConfig: {{Type: SQS}}}}}}}}
Step: {FN % ', Policies: [{EventBridgePutEventsPolicy: {EventBusName: !Ref Bus}}]'}
Quiet:
  Type: AWS::Serverless::StateMachine
  Properties:
    DefinitionUri: quiet.json
    Events: {{E: {{Type: EventBridgeRule, Properties: {{EventBusName: !Ref Bus, Pattern: {{source: [x]}}, DeadLetterConfig: {{Type: SQS}}}}}}}}
""")
    assert ids(analysis, "loop") == [("loop", "Flow")]


def test_a_trigger_whose_queue_a_condition_chooses_is_drawn_from_both_queues():
    analysis = run(f"""
Fast: {{Type: AWS::SQS::Queue}}
Slow: {{Type: AWS::SQS::Queue}}
Worker: {FN % ', Events: {Q: {Type: SQS, Properties: {Queue: !If [IsProd, !GetAtt Fast.Arn, !GetAtt Slow.Arn]}}}'}
""")
    edges = edges_of(analysis)
    assert {("Fast", "Worker", "poll"), ("Slow", "Worker", "poll")} <= edges
    assert ("Producers", "Worker", "event") not in edges
