"""The architecture the analyzer reads from templates the generator does not write: plain
CloudFormation wiring, implicit SAM APIs, monitoring topics, odd shapes. (Generated
templates are covered by tests/generator/test_round_trip.py.)"""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer_samples import run
from architecture import Architecture
from analyzer import TemplateError, analyze

FN = "{Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13%s}}"


def graph(resources: str, parameters: str = ""):
    """(components as {id: kind}, connections as {(from, to, kind)}), outside producers left out."""
    architecture = run(resources, parameters=parameters).architecture
    components, connections = architecture.shape()
    return {cid: kind for cid, kind, _ in components}, connections


def test_rules_on_a_custom_bus_deliver_to_queues_workflows_and_functions_with_their_dlq():
    kinds, edges = graph(f"""
Bus: {{Type: AWS::Events::EventBus, Properties: {{Name: orders}}}}
OrdersQueue: {{Type: AWS::SQS::Queue}}
Undelivered: {{Type: AWS::SQS::Queue}}
Flow: {{Type: AWS::StepFunctions::StateMachine, Properties: {{DefinitionString: '{{}}', RoleArn: r}}}}
Handler: {FN % ''}
Route:
  Type: AWS::Events::Rule
  Properties:
    EventBusName: !Ref Bus
    EventPattern: {{source: [shop]}}
    Targets:
    - {{Id: q, Arn: !GetAtt OrdersQueue.Arn, DeadLetterConfig: {{Arn: !GetAtt Undelivered.Arn}}}}
    - {{Id: f, Arn: !Ref Flow}}
    - {{Id: h, Arn: !GetAtt Handler.Arn}}
""")
    assert kinds == {"Bus": "event-bus", "OrdersQueue": "queue", "Undelivered": "dlq", "Flow": "state-machine",
                     "Handler": "function"}
    assert edges == {("Bus", "OrdersQueue", "event"), ("Bus", "Flow", "start"), ("Bus", "Handler", "event"),
                     ("Bus", "Undelivered", "failure")}


def test_a_scheduled_rule_is_a_schedule_and_a_default_bus_rule_has_no_source():
    kinds, edges = graph(f"""
Nightly: {{Type: AWS::Events::Rule, Properties: {{ScheduleExpression: rate(1 day), Targets: [{{Id: a, Arn: !GetAtt Job.Arn}}]}}}}
OnAnything: {{Type: AWS::Events::Rule, Properties: {{EventPattern: {{source: [x]}}, Targets: [{{Id: a, Arn: !GetAtt Other.Arn}}]}}}}
Job: {FN % ''}
Other: {FN % ''}
""")
    assert kinds["Nightly"] == "schedule"
    assert edges == {("Nightly", "Job", "event")}


def test_s3_events_through_the_default_bus_start_the_workflow_from_the_bucket():
    kinds, edges = graph("""
Uploads: {Type: AWS::S3::Bucket, Properties: {BucketName: my-uploads, NotificationConfiguration: {EventBridgeConfiguration: {EventBridgeEnabled: true}}}}
Flow: {Type: AWS::Serverless::StateMachine, Properties: {Definition: {}}}
Started:
  Type: AWS::Events::Rule
  Properties:
    EventPattern: {source: [aws.s3], detail-type: [Object Created], detail: {bucket: {name: [!Ref Uploads]}}}
    Targets: [{Id: f, Arn: !Ref Flow}]
""")
    assert edges == {("Uploads", "Flow", "start")}


def test_subscriptions_deliver_to_queues_and_functions_and_redrive_to_a_dlq():
    kinds, edges = graph(f"""
Topic: {{Type: AWS::SNS::Topic, Properties: {{Subscription: [{{Protocol: lambda, Endpoint: !GetAtt Mailer.Arn}}]}}}}
Inbox: {{Type: AWS::SQS::Queue}}
Lost: {{Type: AWS::SQS::Queue}}
ToInbox:
  Type: AWS::SNS::Subscription
  Properties: {{TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Inbox.Arn, RedrivePolicy: {{deadLetterTargetArn: !GetAtt Lost.Arn}}}}
Mailer: {FN % ''}
""")
    assert kinds == {"Topic": "topic", "Inbox": "queue", "Lost": "dlq", "Mailer": "function"}
    assert edges == {("Topic", "Inbox", "event"), ("Topic", "Mailer", "event"), ("Topic", "Lost", "failure")}


def test_a_topic_that_only_carries_alarms_is_monitoring_not_architecture():
    kinds, _ = graph(f"""
Alerts: {{Type: AWS::SNS::Topic, Properties: {{Subscription: [{{Protocol: email, Endpoint: ops@example.com}}]}}}}
Pager: {{Type: AWS::SNS::Subscription, Properties: {{TopicArn: !Ref Alerts, Protocol: lambda, Endpoint: !GetAtt Page.Arn}}}}
Page: {FN % ''}
Errors: {{Type: AWS::CloudWatch::Alarm, Properties: {{AlarmActions: [!Ref Alerts], OKActions: [!Ref Alerts]}}}}
Notices: {{Type: AWS::SNS::Topic}}
Sender: {FN % ', Policies: [{SNSPublishMessagePolicy: {TopicName: !GetAtt Notices.TopicName}}]'}
Again: {{Type: AWS::CloudWatch::Alarm, Properties: {{AlarmActions: [!Ref Notices]}}}}
""")
    assert "Alerts" not in kinds
    assert kinds["Notices"] == "topic"


def test_implicit_sam_apis_are_served_to_clients():
    kinds, edges = graph(f"""
Rest: {FN % ', Events: {Get: {Type: Api, Properties: {Path: /, Method: get}}}'}
Http: {FN % ', Events: {Get: {Type: HttpApi}}'}
""")
    assert kinds["ServerlessRestApi"] == kinds["ServerlessHttpApi"] == "api"
    assert kinds["Clients"] == "client"
    assert edges == {("ServerlessRestApi", "Rest", "invoke"), ("ServerlessHttpApi", "Http", "invoke"),
                     ("Clients", "ServerlessRestApi", "invoke"), ("Clients", "ServerlessHttpApi", "invoke")}


def test_cloudformation_apis_invoke_their_integrations():
    kinds, edges = graph(f"""
Rest: {{Type: AWS::ApiGateway::RestApi}}
Get:
  Type: AWS::ApiGateway::Method
  Properties:
    RestApiId: !Ref Rest
    Integration: {{Uri: !Sub 'arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{Reader.Arn}}/invocations'}}
Http: {{Type: AWS::ApiGatewayV2::Api, Properties: {{ProtocolType: HTTP}}}}
Route: {{Type: AWS::ApiGatewayV2::Integration, Properties: {{ApiId: !Ref Http, IntegrationUri: !GetAtt Writer.Arn}}}}
Reader: {FN % ''}
Writer: {FN % ''}
""")
    assert {("Rest", "Reader", "invoke"), ("Http", "Writer", "invoke"), ("Clients", "Rest", "invoke"),
            ("Clients", "Http", "invoke")} == edges


def test_mappings_streams_and_destinations():
    kinds, edges = graph(f"""
Clicks: {{Type: AWS::Kinesis::Stream}}
Orders: {{Type: AWS::DynamoDB::Table, Properties: {{StreamSpecification: {{StreamViewType: NEW_IMAGE}}}}}}
Failed: {{Type: AWS::SQS::Queue}}
Archive: {{Type: AWS::KinesisFirehose::DeliveryStream}}
ReadClicks:
  Type: AWS::Lambda::EventSourceMapping
  Properties: {{EventSourceArn: !GetAtt Clicks.Arn, FunctionName: !Ref Counter, DestinationConfig: {{OnFailure: {{Destination: !GetAtt Failed.Arn}}}}}}
Counter: {FN % ', Policies: [{FirehoseWritePolicy: {DeliveryStreamName: !Ref Archive}}]'}
Changes: {FN % ', Events: {S: {Type: DynamoDB, Properties: {Stream: !GetAtt Orders.StreamArn, StartingPosition: LATEST}}}, EventInvokeConfig: {DestinationConfig: {OnSuccess: {Type: Lambda, Destination: !GetAtt Counter.Arn}}}'}
""")
    assert kinds["Failed"] == "dlq" and kinds["Clicks"] == "stream" and kinds["Archive"] == "delivery-stream"
    assert edges == {("Clicks", "Counter", "poll"), ("Counter", "Failed", "failure"), ("Orders", "Changes", "poll"),
                     ("Counter", "Archive", "publish"), ("Changes", "Counter", "event")}


def test_iam_statements_read_and_write_by_their_actions_and_name_buckets_by_arn():
    kinds, edges = graph(f"""
Reports: {{Type: AWS::S3::Bucket, Properties: {{BucketName: !Sub 'reports-${{AWS::AccountId}}'}}}}
Items: {{Type: AWS::DynamoDB::Table}}
Both: {{Type: AWS::DynamoDB::Table}}
Job: {FN % ''', Policies: [{Statement: [
      {Effect: Allow, Action: [s3:GetObject], Resource: !Sub 'arn:aws:s3:::reports-${AWS::AccountId}/*'},
      {Effect: Allow, Action: [dynamodb:GetItem, dynamodb:Query], Resource: !GetAtt Items.Arn},
      {Effect: Allow, Action: [dynamodb:GetItem, dynamodb:PutItem], Resource: !GetAtt Both.Arn}]}]'''}
""")
    assert edges == {("Job", "Reports", "read"), ("Job", "Items", "read"), ("Job", "Both", "write")}


def test_a_database_behind_parameters_is_a_proxy_and_a_secret():
    kinds, edges = graph(f"""
Store: {FN % ''', VpcConfig: {SubnetIds: [a], SecurityGroupIds: [b]},
        Environment: {Variables: {DB_PROXY_HOST: !Ref ProxyHost, NAME: !Ref DbName}},
        Policies: [{AWSSecretsManagerGetSecretValuePolicy: {SecretArn: !Ref Credentials}}]'''}
""", parameters="ProxyHost: {Type: String}\nDbName: {Type: String}\nCredentials: {Type: String}\n")
    assert kinds == {"Store": "function", "ProxyHost": "db-proxy", "Credentials": "secret"}
    assert edges == {("Store", "ProxyHost", "write"), ("Store", "Credentials", "read")}


def test_the_architecture_loads_back_from_the_analysis_json():
    analysis = run(f"Queue: {{Type: AWS::SQS::Queue}}\nWorker: {FN % ', Events: {Q: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}}'}")
    loaded = Architecture.from_dict(json.loads(json.dumps(analysis.to_dict()))["architecture"])
    assert loaded.shape() == analysis.architecture.shape()
    assert ("Queue", "Worker", "poll") in loaded.shape()[1]


KEYS = ["Type", "Properties", "Events", "E", "Queue", "Stream", "Topic", "Targets", "Arn", "Id", "DeadLetterConfig",
        "RedrivePolicy", "deadLetterTargetArn", "EventBusName", "ScheduleExpression", "EventPattern", "source",
        "detail", "bucket", "name", "Subscription", "Protocol", "Endpoint", "TopicArn", "EventInvokeConfig",
        "DestinationConfig", "OnFailure", "OnSuccess", "Destination", "DeadLetterQueue", "TargetArn", "ApiId",
        "RestApiId", "Integration", "Uri", "IntegrationUri", "DefinitionBody", "DefinitionSubstitutions",
        "Definition", "Policies", "SQSSendMessagePolicy", "QueueName", "Statement", "Action", "Resource",
        "Environment", "Variables", "DB_PROXY", "VpcConfig", "AlarmActions", "OKActions", "FunctionName",
        "EventSourceArn", "NotificationConfiguration", "QueueConfigurations", "Ref", "Fn::GetAtt", "Fn::Sub"]
WORDS = ["A", "B", "C", "Q", "P", "Api", "HttpApi", "Schedule", "EventBridgeRule", "SNS", "SQS", "DynamoDB", "sqs",
         "lambda", "aws.s3", "sqs:SendMessage", "sns:Publish", "*", "${A.Arn}", "arn:aws:s3:::b/*",
         "AWS::Serverless::Function", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::SNS::Subscription",
         "AWS::Events::Rule", "AWS::Events::EventBus", "AWS::Serverless::StateMachine", "AWS::S3::Bucket",
         "AWS::CloudWatch::Alarm", "AWS::ApiGateway::Method", "AWS::Lambda::EventInvokeConfig",
         "AWS::Scheduler::Schedule", "AWS::Lambda::EventSourceMapping"]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 100) | st.sampled_from(WORDS),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    max_leaves=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dictionaries(st.sampled_from(["A", "B", "C", "Q"]), st.fixed_dictionaries(
    {"Type": st.sampled_from(WORDS[20:])}, optional={"Properties": VALUES}), min_size=1, max_size=4),
    st.dictionaries(st.sampled_from(["P", "A"]), st.just({"Type": "String"}), max_size=2))
def test_odd_wiring_gives_a_consistent_architecture(resources, parameters):
    try:
        analysis = analyze(json.dumps({"Parameters": parameters, "Resources": resources}))
    except TemplateError:
        return
    architecture = analysis.architecture
    assert [p for p in architecture.problems() if "nothing that starts" not in p] == []
    assert {c.id for c in architecture.components} <= {*resources, *parameters, "Clients", "Producers",
                                                        "ServerlessRestApi", "ServerlessHttpApi"} | {
        c.id for c in architecture.of_kind("schedule")}
    assert Architecture.from_dict(analysis.to_dict()["architecture"]).shape() == architecture.shape()
