"""Findings beyond the first set: every asynchronous hand-over without a place for failures,
settings left to defaults, queue policies, FIFO limits and loops (SPEC 8.6), each with the
serverless-rules id it matches where there is one."""

from analyzer_samples import cloudformation, ids, run

def function(name: str = "Worker", extra: str = "") -> str:
    """A traced SAM function with extra property lines."""
    lines = [f"{name}:", "  Type: AWS::Serverless::Function", "  Properties:", "    Handler: app.handler",
             "    Runtime: python3.13", "    Tracing: Active", *(f"    {line}" for line in extra.strip("\n").splitlines())]
    return "\n".join(lines) + "\n"


def finding(analysis, finding_id, resource):
    return next(f for f in analysis.findings if (f.id, f.resource) == (finding_id, resource))


# missing-dlq for every asynchronous target ---------------------------------------------------------

def test_a_queue_nothing_in_the_template_reads_still_needs_a_redrive_policy():
    analysis = cloudformation("Queue: {Type: AWS::SQS::Queue}")
    found = finding(analysis, "missing-dlq", "Queue")
    assert (found.severity, found.rule_ids) == ("medium", ("ES6000",))


def test_a_queue_that_is_itself_a_dead_letter_queue_is_left_alone():
    analysis = cloudformation("""
Rule:
  Type: AWS::Events::Rule
  Properties:
    EventPattern: {source: [app]}
    Targets: [{Id: t, Arn: !Ref TopicArn, DeadLetterConfig: {Arn: !GetAtt Dlq.Arn}}]
Dlq: {Type: AWS::SQS::Queue}
""")
    assert ids(analysis) == []


def test_a_rule_target_of_any_kind_without_a_dead_letter_queue_is_found():
    analysis = cloudformation("""
Rule:
  Type: AWS::Events::Rule
  Properties:
    EventPattern: {source: [app]}
    Targets: [{Id: Jobs, Arn: !GetAtt Jobs.Arn}]
Jobs:
  Type: AWS::SQS::Queue
  Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}
Dlq: {Type: AWS::SQS::Queue}
Policy:
  Type: AWS::SQS::QueuePolicy
  Properties: {Queues: [!Ref Jobs], PolicyDocument: {Statement: []}}
""")
    assert ids(analysis) == [("missing-dlq", "Rule")]
    assert analysis.findings[0].rule_ids == ("ES4000",)
    assert "Rule Rule delivers to Jobs without a dead-letter queue" in analysis.findings[0].message


def test_an_sns_subscription_of_any_protocol_without_redrive_policy_is_found():
    analysis = cloudformation("""
Topic: {Type: AWS::SNS::Topic}
Mail:
  Type: AWS::SNS::Subscription
  Properties: {TopicArn: !Ref Topic, Protocol: email, Endpoint: ops@example.com}
""")
    found = finding(analysis, "missing-dlq", "Mail")
    assert found.rule_ids == ("ES7000",) and "email from Topic" in found.message


def test_the_e_mail_subscription_of_an_alarm_topic_is_left_alone():
    analysis = cloudformation("""
Alarms: {Type: AWS::SNS::Topic}
Mail:
  Type: AWS::SNS::Subscription
  Properties: {TopicArn: !Ref Alarms, Protocol: email, Endpoint: ops@example.com}
Alarm:
  Type: AWS::CloudWatch::Alarm
  Properties: {AlarmActions: [!Ref Alarms], MetricName: Errors, Namespace: AWS/Lambda, Statistic: Sum,
               Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}
""")
    assert ids(analysis) == []


def test_a_function_a_service_may_invoke_asynchronously_needs_a_destination():
    analysis = cloudformation("""
Fn:
  Type: AWS::Lambda::Function
  Properties: {Handler: i.h, Runtime: python3.13, Role: !Ref RoleArn, Code: {ZipFile: x}, TracingConfig: {Mode: Active}}
Permission:
  Type: AWS::Lambda::Permission
  Properties: {FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com}
""")
    found = finding(analysis, "missing-dlq", "Fn")
    assert found.rule_ids == ("ES1007",) and "(permission Permission)" in found.message


def test_a_kafka_mapping_without_an_on_failure_destination_is_found():
    analysis = cloudformation("""
Fn:
  Type: AWS::Lambda::Function
  Properties: {Handler: i.h, Runtime: python3.13, Role: !Ref RoleArn, Code: {ZipFile: x}, TracingConfig: {Mode: Active}}
Mapping:
  Type: AWS::Lambda::EventSourceMapping
  Properties: {FunctionName: !Ref Fn, EventSourceArn: !Ref ClusterArn, Topics: [orders]}
""".replace("!Ref ClusterArn", "arn:aws:kafka:eu-west-1:123456789012:cluster/c/abc"))
    assert finding(analysis, "missing-dlq", "Mapping").rule_ids == ("ES1001",)


# Settings ---------------------------------------------------------------------------------------------

def test_settings_left_to_their_defaults_are_found_with_their_rule_ids():
    analysis = run(function("Worker", "Runtime: python3.8\nPolicies: [{Statement: [{Effect: Allow, Action: 's3:*', "
                            "Resource: '*'}]}]\nFunctionUrlConfig: {AuthType: NONE}").replace(
                                "    Runtime: python3.13\n", ""))
    found = {f.id: f.rule_ids for f in analysis.findings}
    assert found["default-timeout"] == ("ES1006",) and found["default-memory"] == ("ES1005",)
    assert found["no-log-retention"] == ("WS1004",) and found["wildcard-iam-action"] == ("WS1003",)
    assert "deprecated-runtime" in found and "public-function-url" in found


def test_set_values_and_a_log_group_with_retention_are_fine():
    analysis = run(function("Worker", "Timeout: 10\nMemorySize: 512\nLoggingConfig: {LogGroup: !Ref Logs}") +
                   "Logs: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 30}}")
    assert ids(analysis, "default-timeout") == ids(analysis, "default-memory") == []
    assert ids(analysis, "no-log-retention") == []


def test_an_api_without_access_logs_or_throttling_is_found_and_a_condition_is_not_judged():
    analysis = run("Api: {Type: AWS::Serverless::Api, Properties: {StageName: prod}}")
    assert {(f.id, f.rule_ids) for f in analysis.findings} == {
        ("api-access-logs-off", ("ES2000",)), ("api-throttling-default", ("ES2003",))}
    decided = run("Api: {Type: AWS::Serverless::Api, Properties: {StageName: prod, "
                  "AccessLogSetting: !If [Logs, {DestinationArn: x, Format: y}, !Ref AWS::NoValue], "
                  "MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 10}]}}")
    assert decided.findings == ()


# Values ----------------------------------------------------------------------------------------------

def test_the_visibility_allows_for_the_batching_window():
    events = "Events:\n  Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, MaximumBatchingWindowInSeconds: 20, " \
             "FunctionResponseTypes: [ReportBatchItemFailures]}}"
    queue = ("Queue: {Type: AWS::SQS::Queue, Properties: {VisibilityTimeout: %d, "
             "RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}}\nDlq: {Type: AWS::SQS::Queue}")
    short = run(function("Worker", "Timeout: 10\n" + events) + queue % 70)
    assert "at least 80 s (6 x the function timeout plus the 20 s batching window)" in finding(
        short, "visibility-timeout-too-short", "Queue").message
    assert ids(run(function("Worker", "Timeout: 10\n" + events) + queue % 80), "visibility-timeout-too-short") == []


def test_sns_or_eventbridge_to_a_queue_without_a_queue_policy_is_found():
    template = """
Topic: {Type: AWS::SNS::Topic}
Queue: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}}
Dlq: {Type: AWS::SQS::Queue}
Subscription:
  Type: AWS::SNS::Subscription
  Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn,
               RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn}}
"""
    assert ids(cloudformation(template)) == [("missing-queue-policy", "Queue")]
    policy = "Policy: {Type: AWS::SQS::QueuePolicy, Properties: {Queues: [!Ref Queue], PolicyDocument: {Statement: []}}}"
    assert ids(cloudformation(template + policy)) == []


def test_fifo_limits():
    analysis = cloudformation("""
Orders:
  Type: AWS::SQS::Queue
  Properties: {FifoQueue: true, RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}
Dlq: {Type: AWS::SQS::Queue}
""")
    assert "must be a FIFO queue too" in finding(analysis, "fifo-limits", "Orders").message


def test_a_function_whose_messages_come_back_to_it_is_a_loop():
    analysis = run(function("Worker", "Timeout: 10\nPolicies: [{SNSPublishMessagePolicy: {TopicName: !GetAtt Topic.TopicName}}]\n"
                            "Events:\n  Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, "
                            "FunctionResponseTypes: [ReportBatchItemFailures]}}") + """
Topic: {Type: AWS::SNS::Topic}
Queue: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}}
Dlq: {Type: AWS::SQS::Queue}
Subscription:
  Type: AWS::SNS::Subscription
  Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn,
               RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn}}
Policy: {Type: AWS::SQS::QueuePolicy, Properties: {Queues: [!Ref Queue], PolicyDocument: {Statement: []}}}
""")
    found = finding(analysis, "loop", "Worker")
    assert found.severity == "high" and "Queue, Topic and Worker" in found.message
