"""Risks the generated projects were once checked for on their own, now findings for any
template: a dead-letter queue no alarm watches, Lambda's loop detection turned off, a workflow
step that is not retried and a state machine that is not traced."""

import json

from analyzer_samples import cloudformation, ids, run

WORKER = """
Queue:
  Type: AWS::SQS::Queue
  Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}
Dlq: {Type: AWS::SQS::Queue}
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Tracing: Active
    Events:
      Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, FunctionResponseTypes: [ReportBatchItemFailures]}}
"""
ALARM = """
DlqAlarm:
  Type: AWS::CloudWatch::Alarm
  Properties:
    Namespace: AWS/SQS
    MetricName: ApproximateNumberOfMessagesVisible
    Dimensions: [{Name: QueueName, Value: %s}]
    Statistic: Maximum
    Period: 60
    EvaluationPeriods: 1
    Threshold: 0
    ComparisonOperator: GreaterThanThreshold
"""


def test_a_dead_letter_queue_no_alarm_watches_is_found():
    analysis = run(WORKER)
    assert ids(analysis, "dlq-without-alarm") == [("dlq-without-alarm", "Dlq")]
    (found,) = [f for f in analysis.findings if f.id == "dlq-without-alarm"]
    assert (found.severity, found.title, found.line) == ("medium", "Nobody is told when something fails", 7)
    assert found.explanation.startswith("Queue Dlq receives what failed elsewhere, but no alarm")


def test_an_alarm_on_the_queue_or_an_alarm_that_cannot_be_read_leaves_it_alone():
    assert ids(run(WORKER + ALARM % "!GetAtt Dlq.QueueName"), "dlq-without-alarm") == []
    # The alarm names its queue through a parameter: which queue it watches cannot be told.
    assert ids(run(WORKER + ALARM % "!Ref WatchedQueue", parameters="WatchedQueue: {Type: String}"),
               "dlq-without-alarm") == []
    # An alarm on another queue does not watch this one.
    assert ids(run(WORKER + ALARM % "!GetAtt Queue.QueueName"), "dlq-without-alarm") == [("dlq-without-alarm", "Dlq")]


def test_an_on_failure_queue_of_a_stream_needs_an_alarm_too():
    analysis = cloudformation("""
Stream: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
Fn: {Type: AWS::Lambda::Function, Properties: {Handler: i.h, Role: r, Code: {ZipFile: x}}}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties:
    FunctionName: !Ref Fn
    EventSourceArn: !GetAtt Stream.Arn
    StartingPosition: LATEST
    DestinationConfig: {OnFailure: {Destination: !GetAtt Failed.Arn}}
Failed: {Type: AWS::SQS::Queue}
""")
    assert ids(analysis, "dlq-without-alarm") == [("dlq-without-alarm", "Failed")]


def test_turning_lambdas_loop_detection_off_is_found():
    analysis = run(WORKER.replace("    Tracing: Active\n", "    Tracing: Active\n    RecursiveLoop: Allow\n"))
    assert ids(analysis) == [("recursive-loop-allowed", "Worker")]
    assert next(f.line for f in analysis.findings if f.id == "recursive-loop-allowed") == 14
    assert ids(run(WORKER.replace("    Tracing: Active\n", "    Tracing: Active\n    RecursiveLoop: Terminate\n"))) == []


def state_machine(definition: dict, tracing: str = "Tracing: {Enabled: true}") -> str:
    return f"""
Flow:
  Type: AWS::Serverless::StateMachine
  Properties:
    {tracing}
    Definition: {json.dumps(definition)}
"""


RETRY = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}]


def test_a_task_without_retry_is_found_unless_a_state_around_it_retries():
    definition = {"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": RETRY, "Next": "Both"},
        "Both": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Ship", "States": {"Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                                    "End": True}}},
            {"StartAt": "Mail", "States": {"Mail": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                                    "End": True}}},
        ]},
    }}
    analysis = run(state_machine(definition))
    assert ids(analysis) == [("task-without-retry", "Flow")]
    assert "In state machine Flow, Mail and Ship have no Retry" in analysis.findings[0].explanation
    definition["States"]["Both"]["Retry"] = RETRY
    assert ids(run(state_machine(definition))) == []


def test_a_definition_string_is_read_and_a_definition_in_a_file_is_not_judged():
    definition = {"StartAt": "Go", "States": {"Go": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                                                     "End": True}}}
    analysis = cloudformation(f"""
Flow:
  Type: AWS::StepFunctions::StateMachine
  Properties:
    RoleArn: arn:aws:iam::123456789012:role/flow
    TracingConfiguration: {{Enabled: true}}
    DefinitionString: !Sub '{json.dumps(definition)}'
""")
    assert ids(analysis) == [("task-without-retry", "Flow")]
    in_a_file = "Flow: {Type: AWS::Serverless::StateMachine, Properties: {DefinitionUri: flow.asl.json, " \
                "Tracing: {Enabled: true}}}"
    assert ids(run(in_a_file)) == []


def test_a_state_machine_without_tracing_is_found():
    definition = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 5, "End": True}}}
    analysis = run(state_machine(definition, tracing="Type: EXPRESS"))
    assert ids(analysis) == [("no-tracing", "Flow")]
    assert analysis.findings[0].explanation.startswith("State machine Flow does not send traces to X-Ray")
    assert ids(run(state_machine(definition, tracing="Tracing: {Enabled: !Ref On}"), parameters="On: {Type: String}")) == []


def test_a_wildcard_in_a_state_machine_policy_or_a_role_no_function_uses_is_found():
    definition = {"StartAt": "Go", "States": {"Go": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                                     "Retry": RETRY, "End": True}}}
    flow = state_machine(definition) + "    Policies: [{Statement: [{Effect: Allow, Action: 'lambda:*', Resource: '*'}]}]\n"
    analysis = run(flow + """
PipeRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: pipes.amazonaws.com}, Action: 'sts:AssumeRole'}]}
    Policies: [{PolicyName: all, PolicyDocument: {Statement: [{Effect: Allow, Action: ['sqs:*', 's3:GetObject'], Resource: '*'}]}}]
""")
    assert ids(analysis) == [("wildcard-iam-action", "Flow"), ("wildcard-iam-action", "PipeRole")]
    assert [f.explanation.split(":")[0] for f in analysis.findings] == ["Flow allows lambda", "PipeRole allows sqs"]


def test_a_wildcard_in_a_functions_role_is_reported_once_on_the_function():
    analysis = cloudformation("""
Fn:
  Type: AWS::Lambda::Function
  Properties: {Handler: i.h, Role: !GetAtt FnRole.Arn, Code: {ZipFile: x}, TracingConfig: {Mode: Active}}
FnRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}
FnPolicy:
  Type: AWS::IAM::Policy
  Properties:
    PolicyName: all
    Roles: [!Ref FnRole]
    PolicyDocument: {Statement: [{Effect: Allow, Action: 'dynamodb:*', Resource: '*'}]}
""")
    assert ids(analysis) == [("wildcard-iam-action", "Fn")]
