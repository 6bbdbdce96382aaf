"""Pattern detection: each pattern from SAM events and from plain CloudFormation wiring."""

import pytest
from analyzer_samples import cloudformation, run
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.model import _NameIndex

FUNCTION = """
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
"""


@pytest.mark.parametrize("events, expected", [
    ("Get: {Type: Api, Properties: {Path: /, Method: get}}", ["api-gateway-lambda"]),
    ("Get: {Type: HttpApi}", ["api-gateway-lambda"]),
    ("Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}", ["sqs-worker"]),
    ("Topic: {Type: SNS, Properties: {Topic: !Ref Topic}}", ["sns-fanout"]),
    ("Rule: {Type: EventBridgeRule, Properties: {Pattern: {source: [app.orders]}}}", ["eventbridge"]),
    ("Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}", ["eventbridge"]),
    ("Nightly: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 day)}}", ["eventbridge"]),
    ("Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: s3:ObjectCreated:*}}", ["s3-processing"]),
    ("Changes: {Type: DynamoDB, Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST}}",
     ["dynamodb-streams"]),
    ("Clicks: {Type: Kinesis, Properties: {Stream: !GetAtt Clicks.Arn, StartingPosition: LATEST}}",
     ["kinesis-stream"]),
])
def test_it_finds_the_pattern_of_each_sam_event(events, expected):
    analysis = run(FUNCTION + f"    Events:\n      {events}\n" + """
Queue: {Type: AWS::SQS::Queue}
Topic: {Type: AWS::SNS::Topic}
Bucket: {Type: AWS::S3::Bucket}
Table: {Type: AWS::DynamoDB::Table}
Clicks: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
""")
    assert list(analysis.patterns) == expected
    assert analysis.resources == 6


def test_a_function_alone_is_no_pattern():
    analysis = run(FUNCTION)
    assert analysis.patterns == ()
    assert analysis.resources == 1


def test_patterns_come_in_catalogue_order():
    analysis = run(FUNCTION + """
    Events:
      Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: s3:ObjectCreated:*}}
      Get: {Type: Api, Properties: {Path: /, Method: get}}
Bucket: {Type: AWS::S3::Bucket}
Flow:
  Type: AWS::Serverless::StateMachine
  Properties: {DefinitionUri: flow.asl.json}
""")
    assert analysis.patterns == ("api-gateway-lambda", "s3-processing", "step-functions")


# Plain CloudFormation -----------------------------------------------------------------------------

CFN_FUNCTION = """
Fn:
  Type: AWS::Lambda::Function
  Properties:
    Handler: index.handler
    Runtime: nodejs22.x
    Role: !GetAtt FnRole.Arn
    Code: {ZipFile: "exports.handler = async () => {}"}
FnRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
"""


def cfn(resources: str):
    return cloudformation(CFN_FUNCTION + resources)


def test_an_event_source_mapping_from_a_queue_is_an_sqs_worker():
    analysis = cfn("""
Queue: {Type: AWS::SQS::Queue}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties: {FunctionName: !Ref Fn, EventSourceArn: !GetAtt Queue.Arn}
""")
    assert analysis.patterns == ("sqs-worker",)


def test_an_event_source_mapping_from_a_table_stream_is_dynamodb_streams():
    analysis = cfn("""
Table: {Type: AWS::DynamoDB::Table}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties: {FunctionName: !GetAtt Fn.Arn, EventSourceArn: !GetAtt Table.StreamArn, StartingPosition: LATEST}
""")
    assert analysis.patterns == ("dynamodb-streams",)


def test_an_event_source_mapping_from_a_kinesis_stream_or_its_fan_out_consumer_is_kinesis_stream():
    for source in ("!GetAtt Clicks.Arn", "!GetAtt Reader.ConsumerARN",
                   "!Sub 'arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/clicks'"):
        analysis = cfn(f"""
Clicks: {{Type: AWS::Kinesis::Stream, Properties: {{ShardCount: 2}}}}
Reader: {{Type: AWS::Kinesis::StreamConsumer, Properties: {{ConsumerName: reader, StreamARN: !GetAtt Clicks.Arn}}}}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties: {{FunctionName: !GetAtt Fn.Arn, EventSourceArn: {source}, StartingPosition: LATEST}}
""")
        assert analysis.patterns == ("kinesis-stream",), source


def test_a_stream_nothing_in_the_template_reads_is_not_kinesis_stream():
    """Producers alone (a function putting records, a delivery stream reading it) are not the pattern."""
    analysis = run(FUNCTION + """    Policies: [{KinesisCrudPolicy: {StreamName: !Ref Clicks}}]
Clicks: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
""")
    assert analysis.patterns == ()


def test_an_event_source_mapping_named_by_arn_text_is_recognised():
    analysis = cfn("""
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties: {FunctionName: !Ref Fn, EventSourceArn: !Sub "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:jobs"}
""")
    assert analysis.patterns == ("sqs-worker",)


def test_a_rest_api_method_integrated_with_a_function_is_api_gateway_lambda():
    analysis = cfn("""
Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: demo}}
Method:
  Type: AWS::ApiGateway::Method
  Properties:
    RestApiId: !Ref Api
    ResourceId: !GetAtt Api.RootResourceId
    HttpMethod: GET
    AuthorizationType: NONE
    Integration:
      Type: AWS_PROXY
      IntegrationHttpMethod: POST
      Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
""")
    assert analysis.patterns == ("api-gateway-lambda",)


def test_an_http_api_integration_is_api_gateway_lambda():
    analysis = cfn("""
Api: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: demo, ProtocolType: HTTP}}
Integration:
  Type: AWS::ApiGatewayV2::Integration
  Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn, PayloadFormatVersion: "2.0"}
""")
    assert analysis.patterns == ("api-gateway-lambda",)


def test_an_api_gateway_integration_without_a_function_is_not_api_gateway_lambda():
    analysis = cfn("""
Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: demo}}
Method:
  Type: AWS::ApiGateway::Method
  Properties:
    RestApiId: !Ref Api
    ResourceId: !GetAtt Api.RootResourceId
    HttpMethod: GET
    Integration: {Type: MOCK}
""")
    assert analysis.patterns == ()


def test_sns_subscriptions_of_a_queue_are_a_fan_out():
    analysis = cfn("""
Topic: {Type: AWS::SNS::Topic}
Queue: {Type: AWS::SQS::Queue}
Subscription:
  Type: AWS::SNS::Subscription
  Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn}
""")
    assert analysis.patterns == ("sns-fanout",)


def test_a_topic_without_subscribers_is_not_a_fan_out():
    assert cfn("Topic: {Type: AWS::SNS::Topic}").patterns == ()


def test_an_inline_lambda_subscription_counts():
    analysis = cfn("""
Topic:
  Type: AWS::SNS::Topic
  Properties:
    Subscription: [{Protocol: lambda, Endpoint: !GetAtt Fn.Arn}]
""")
    assert analysis.patterns == ("sns-fanout",)


def test_an_eventbridge_rule_and_a_bucket_notification():
    analysis = cfn("""
Rule:
  Type: AWS::Events::Rule
  Properties:
    EventPattern: {source: [app.orders]}
    Targets: [{Id: fn, Arn: !GetAtt Fn.Arn}]
Bucket:
  Type: AWS::S3::Bucket
  Properties:
    NotificationConfiguration:
      LambdaConfigurations: [{Event: s3:ObjectCreated:*, Function: !GetAtt Fn.Arn}]
""")
    assert analysis.patterns == ("eventbridge", "s3-processing")


def test_s3_events_through_eventbridge_are_s3_processing():
    analysis = cfn("""
Rule:
  Type: AWS::Events::Rule
  Properties:
    EventPattern: {source: [aws.s3], detail-type: [Object Created]}
    Targets: [{Id: fn, Arn: !GetAtt Fn.Arn}]
""")
    assert analysis.patterns == ("eventbridge", "s3-processing")


def test_a_state_machine_is_step_functions():
    analysis = cfn("""
Flow:
  Type: AWS::StepFunctions::StateMachine
  Properties: {RoleArn: !GetAtt FnRole.Arn, DefinitionString: "{}"}
""")
    assert analysis.patterns == ("step-functions",)


# Chaining, orchestrator, relational -----------------------------------------------------------------

TWO_FUNCTIONS = """
Worker:
  Type: AWS::Serverless::Function
  Properties: {Handler: app.handler, Runtime: python3.13}
Reporter:
  Type: AWS::Serverless::Function
  Properties: {Handler: app.handler, Runtime: python3.13}
"""


def test_a_function_allowed_to_invoke_another_is_chaining():
    analysis = run(TWO_FUNCTIONS + """
Caller:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Policies:
      - LambdaInvokePolicy: {FunctionName: !Ref Worker}
""")
    assert analysis.patterns == ("chaining",)


def test_a_function_allowed_to_invoke_two_others_is_an_orchestrator():
    analysis = run(TWO_FUNCTIONS + """
Caller:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Policies:
      - Statement:
          - Effect: Allow
            Action: lambda:InvokeFunction
            Resource: [!GetAtt Worker.Arn, !GetAtt Reporter.Arn]
""")
    assert analysis.patterns == ("orchestrator", "chaining")


def test_an_api_function_reading_three_services_is_an_orchestrator():
    analysis = run("""
Users: {Type: AWS::DynamoDB::Table}
Orders: {Type: AWS::DynamoDB::Table}
Media: {Type: AWS::S3::Bucket}
Profile:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Policies:
      - DynamoDBReadPolicy: {TableName: !Ref Users}
      - DynamoDBReadPolicy: {TableName: !Ref Orders}
      - S3ReadPolicy: {BucketName: !Ref Media}
    Events:
      Get: {Type: HttpApi}
""")
    assert analysis.patterns == ("api-gateway-lambda", "orchestrator")


def test_an_invoke_permission_on_every_function_names_no_target():
    analysis = run("""
Caller:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Policies:
      - Statement: [{Effect: Allow, Action: "lambda:*", Resource: "*"}]
""")
    assert analysis.patterns == ()


def test_an_on_success_destination_to_another_function_is_chaining():
    analysis = run(TWO_FUNCTIONS + """
Producer:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    EventInvokeConfig:
      DestinationConfig:
        OnSuccess: {Type: Lambda, Destination: !GetAtt Worker.Arn}
""")
    assert analysis.patterns == ("chaining",)


def test_a_database_cluster_is_rds():
    assert run("Db: {Type: AWS::RDS::DBCluster, Properties: {Engine: aurora-postgresql}}").patterns == ("rds",)


def test_a_function_in_a_vpc_with_database_variables_is_rds():
    analysis = run("""
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    VpcConfig: {SecurityGroupIds: [!Ref Sg], SubnetIds: !Ref Subnets}
    Environment: {Variables: {DB_HOST: !Ref DbHost, DB_NAME: orders}}
""", parameters="""
Sg: {Type: String}
Subnets: {Type: CommaDelimitedList}
DbHost: {Type: String}
""")
    assert analysis.patterns == ("rds",)


def _mentions(text: str, name: str) -> bool:
    """The rule written out plainly: ``name`` is a whole piece of ``text`` between the ends
    and ':' or '/' separators."""
    return any(text[start:start + len(name)] == name
               and (start == 0 or text[start - 1] in ":/")
               and (start + len(name) == len(text) or text[start + len(name)] in ":/")
               for start in range(len(text) - len(name) + 1))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab:/-", min_size=1, max_size=6), min_size=1, max_size=6, unique=True),
       st.lists(st.text(alphabet="ab:/-", max_size=20), max_size=4))
def test_a_name_inside_a_text_is_found_exactly_where_it_is_a_whole_piece(names, texts):
    index = _NameIndex()
    for number, name in enumerate(names):
        index.add_text(name, f"R{number}")
    expected = {f"R{number}" for number, name in enumerate(names) if any(_mentions(text, name) for text in texts)}
    assert index.lookup(texts) == expected
