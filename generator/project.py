"""The project being rendered from a composed architecture: resources, functions and README notes.

Pattern modules' ``generate.py`` add to a Project the template resources and handlers of the
components their ``compose.py`` declared; nothing here knows about a particular pattern except
the shared "hubs" (queue, workflow, bus, topic, table) that one pattern owns and other
patterns' functions may send their results to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from architecture import Architecture
from generator import events
from generator.cfn import get_att, ref, sub
from generator.composition import (DATA_TABLE, IDEMPOTENCY_TABLE, MAX_RECEIVE_COUNT, Composition, Output, Workload,
                                   clamp)
from generator.selection import GenerationError

ALARM_TOPIC = "AlarmTopic"
REST_STAGE = "Prod"
# How each API checks callers, unless the ApiAuth parameter is "none".
API_AUTH = {"http": ("jwt", "JwtAuthorizer"), "rest": ("cognito", "CognitoAuthorizer")}

# Our choice: a work queue keeps a message 4 days (SQS's own default, written out so the
# template says it); a dead-letter queue keeps one as long as SQS allows (the limit row
# sqs-max-retention), to leave the most time to look at what failed.
QUEUE_RETENTION_S = 4 * 24 * 3600
# Our choice: seconds Lambda may spend gathering a batch from a standard queue before invoking
# a consumer (the least window that allows batches above 10, see lambda-sqs-max-batch-without-window).
QUEUE_BATCHING_WINDOW_S = 1
# Our choice: how long function logs are kept.
LOG_RETENTION_DAYS = 30
# Our choice: how long a handler remembers a unit of work it handled (its idempotency record),
# longer than any redelivery or retry of the same unit.
IDEMPOTENCY_EXPIRY_S = 24 * 3600

# For the generated tests only: deployed functions get Powertools from the public layer.
POWERTOOLS_REQUIREMENT = "aws-lambda-powertools[tracer]>=3.4,<4"


@dataclass
class Function:
    logical_id: str
    folder: str
    pattern: str
    template: str
    test_template: str
    description: str
    events: dict = field(default_factory=dict)
    policies: list = field(default_factory=list)
    environment: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    sample_event: Any = None
    # Packages bundled with the function; Powertools comes from the layer (see build.py).
    requirements: tuple[str, ...] = ()
    handler_name: str = "lambda_handler"
    # Values the generated tests use for environment variables set from parameters.
    test_settings: dict = field(default_factory=dict)
    # Resources (by env var) the tests need beyond those in `environment`.
    test_resources: tuple[str, ...] = ()
    # Alarm on the age of the oldest stream record as well as errors and throttles.
    stream_consumer: bool = False
    # As composed (see Composition.function): set when the project adds the function.
    timeout: int = field(default=0, init=False)
    output: Output | None = field(default=None, init=False)
    idempotent: bool = field(default=False, init=False)


class Project(Workload):
    def __init__(self, composition: Composition):
        super().__init__(composition.selection)
        self.composition = composition
        self.parameters: dict[str, dict] = {}
        self.resources: dict[str, dict] = {}
        self.outputs: dict[str, dict] = {}
        self.conditions: dict[str, dict] = {}
        self.rules: dict[str, dict] = {}
        self.functions: list[Function] = []
        self.notes: dict[str, list[str]] = {}
        # env var -> (template value, test resource spec for moto)
        self.env: dict[str, tuple[Any, dict]] = {}
        self.extra_files: dict[str, str] = {}

    def timeout(self, function_id: str) -> int:
        """A function's timeout, as composed."""
        return self.composition.timeout(function_id)

    def output_of(self, function_id: str) -> Output | None:
        """Where a function sends its results, as composed."""
        return self.composition.outputs.get(function_id)

    def note(self, slug: str, text: str) -> None:
        self.notes.setdefault(slug, []).append(text)

    # --- resources -----------------------------------------------------------------

    def add_resource(self, logical_id: str, type_: str, properties: dict, *, group: str, **extra: Any) -> str:
        """A template resource; `group` is its pattern or "shared"."""
        if logical_id in self.resources:
            raise GenerationError(f"internal error: duplicate resource {logical_id}")
        resource = {"Type": type_, **extra, "Properties": properties}
        self.resources[logical_id] = resource
        return logical_id

    @property
    def architecture(self) -> Architecture:
        return self.composition.architecture

    def add_parameter(self, name: str, spec: dict) -> None:
        self.parameters.setdefault(name, spec)

    def add_output(self, name: str, description: str, value: Any) -> None:
        self.outputs[name] = {"Description": description, "Value": value}

    def expose(self, env: str, value: Any, test_resource: dict) -> None:
        """Make a resource available to handlers as an environment variable."""
        self.env.setdefault(env, (value, test_resource))

    def alarm_topic(self) -> str:
        if ALARM_TOPIC not in self.resources:
            self.add_resource(ALARM_TOPIC, "AWS::SNS::Topic", {
                "DisplayName": sub("${AWS::StackName} alarms"),
            }, group="shared")
            self.add_output("AlarmTopicArn", "Subscribe on-call email or chat here", ref(ALARM_TOPIC))
            self.add_parameter("AlarmEmail", {
                "Type": "String", "Default": "", "AllowedPattern": r"^$|^[^\s@]+@[^\s@]+\.[^\s@]+$",
                "Description": "Email address that receives every alarm (confirm the subscription email "
                               "AWS sends); empty subscribes nobody",
            })
            self.conditions["AlarmEmailGiven"] = {"Fn::Not": [{"Fn::Equals": [ref("AlarmEmail"), ""]}]}
            self.add_resource("AlarmEmailSubscription", "AWS::SNS::Subscription", {
                "TopicArn": ref(ALARM_TOPIC), "Protocol": "email", "Endpoint": ref("AlarmEmail"),
            }, group="shared", Condition="AlarmEmailGiven")
        return ALARM_TOPIC

    def add_alarm(self, logical_id: str, *, description: str, namespace: str, metric: str,
                  dimensions: dict[str, Any], statistic: str = "Sum", threshold: float = 0,
                  period: int = 60) -> None:
        """`statistic` is a CloudWatch statistic or a percentile such as "p99"."""
        topic = self.alarm_topic()
        stat_key = "ExtendedStatistic" if statistic.startswith("p") else "Statistic"
        self.add_resource(logical_id, "AWS::CloudWatch::Alarm", {
            "AlarmDescription": description,
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
            stat_key: statistic,
            "Period": period,
            "EvaluationPeriods": 1,
            "Threshold": threshold,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [ref(topic)],
            "OKActions": [ref(topic)],
        }, group="shared")

    def add_dlq(self, logical_id: str, *, group: str, label: str, fifo: bool = False) -> str:
        props: dict[str, Any] = {"MessageRetentionPeriod": int(self.limit("sqs-max-retention") * 86400),
                                 "SqsManagedSseEnabled": True}
        if fifo:
            props["FifoQueue"] = True
        self.add_resource(logical_id, "AWS::SQS::Queue", props, group=group)
        self.add_alarm(f"{logical_id}Alarm",
                       description=f"Messages are waiting in {label}: inspect them, fix the cause, redrive.",
                       namespace="AWS/SQS", metric="ApproximateNumberOfMessagesVisible",
                       dimensions={"QueueName": get_att(logical_id, "QueueName")},
                       statistic="Maximum")
        return logical_id

    def add_queue(self, logical_id: str, *, group: str, label: str, consumer_timeout: int,
                  fifo: bool = False) -> str:
        dlq = self.add_dlq(f"{logical_id}Dlq", group=group, label=f"{label} DLQ", fifo=fifo)
        props: dict[str, Any] = {
            # A message stays hidden while a batch is gathered, processed and retried by Lambda.
            "VisibilityTimeout": min(math.ceil(self.visibility_factor() * consumer_timeout)
                                     + (0 if fifo else QUEUE_BATCHING_WINDOW_S), self.sqs_max_visibility()),
            "MessageRetentionPeriod": QUEUE_RETENTION_S,
            "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": get_att(dlq, "Arn"), "maxReceiveCount": MAX_RECEIVE_COUNT},
        }
        if fifo:
            props["FifoQueue"] = True
        self.add_resource(logical_id, "AWS::SQS::Queue", props, group=group)
        # A backlog shows as age before messages expire: twice the visibility timeout (a message
        # retried once), at least 5 minutes, at most a quarter of the retention period.
        max_age = clamp(2 * props["VisibilityTimeout"], 300, QUEUE_RETENTION_S // 4)
        self.add_alarm(f"{logical_id}AgeAlarm",
                       description=f"The oldest message in {label} has waited over {max_age} s: the consumer "
                                   f"is falling behind or failing; messages expire after {QUEUE_RETENTION_S // 86400} days.",
                       namespace="AWS/SQS", metric="ApproximateAgeOfOldestMessage",
                       dimensions={"QueueName": get_att(logical_id, "QueueName")},
                       statistic="Maximum", threshold=max_age, period=300)
        return logical_id

    def allow_service_to_send(self, queue: str, service: str, source_arn: Any) -> None:
        """Queue policy letting one AWS service deliver to `queue`, only from `source_arn`."""
        self.add_resource(f"{queue}Policy", "AWS::SQS::QueuePolicy", {
            "Queues": [ref(queue)],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sqs:SendMessage",
                "Resource": get_att(queue, "Arn"),
                "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
            }]},
        }, group="shared")

    def idempotency_table(self) -> str:
        if IDEMPOTENCY_TABLE not in self.resources:
            self.add_resource(IDEMPOTENCY_TABLE, "AWS::DynamoDB::Table", {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
                "SSESpecification": {"SSEEnabled": True},
            }, group="shared", DeletionPolicy="Delete", UpdateReplacePolicy="Delete")
            self.expose("IDEMPOTENCY_TABLE", ref(IDEMPOTENCY_TABLE),
                        {"kind": "table", "name": "idempotency", "keys": ["id"]})
        return IDEMPOTENCY_TABLE

    def _api_auth(self) -> dict:
        """Parameters choosing how callers are authorised, and the OpenAPI body that carries the
        authorizer; routes are added to the body by `api_event`. The authorizer is in the body
        rather than in SAM's `Auth`, so that a Condition can leave it out."""
        kind, scheme = API_AUTH[self.selection.api]
        self.add_parameter("ApiAuth", {
            "Type": "String", "AllowedValues": [kind, "none"], "Default": kind,
            "Description": f"{kind}: callers must send a valid token ("
                           + ("a JWT from JwtIssuer for JwtAudience" if kind == "jwt"
                              else "an ID token of the CognitoUserPoolArn user pool")
                           + "); none: every route is public (only for APIs meant to be open)",
        })
        self.conditions["ApiAuthEnabled"] = {"Fn::Not": [{"Fn::Equals": [ref("ApiAuth"), "none"]}]}
        on = {"Fn::Equals": [ref("ApiAuth"), kind]}
        if kind == "jwt":
            self.add_parameter("JwtIssuer", {
                "Type": "String", "Default": "", "AllowedPattern": "^$|^https://.+",
                "Description": "Issuer (iss) of the JWTs the API accepts, e.g. "
                               "https://cognito-idp.<region>.amazonaws.com/<user pool id>; required unless ApiAuth is none",
            })
            self.add_parameter("JwtAudience", {
                "Type": "String", "Default": "",
                "Description": "Audience the tokens must carry (aud, or client_id for Cognito access tokens: "
                               "the app client id); required unless ApiAuth is none",
            })
            self.rules["ApiAuthNeedsIssuerAndAudience"] = {"RuleCondition": on, "Assertions": [{
                "Assert": {"Fn::Not": [{"Fn::Or": [{"Fn::Equals": [ref("JwtIssuer"), ""]},
                                                   {"Fn::Equals": [ref("JwtAudience"), ""]}]}]},
                "AssertDescription": "Set JwtIssuer and JwtAudience, or set ApiAuth to none for a public API",
            }]}
            authorizer = {"type": "oauth2", "x-amazon-apigateway-authorizer": {
                "type": "jwt", "identitySource": "$request.header.Authorization",
                "jwtConfiguration": {"issuer": ref("JwtIssuer"), "audience": [ref("JwtAudience")]}}}
        else:
            self.add_parameter("CognitoUserPoolArn", {
                "Type": "String", "Default": "", "AllowedPattern": "^$|^arn:aws[a-z-]*:cognito-idp:.+:userpool/.+",
                "Description": "ARN of the Cognito user pool whose ID tokens the API accepts; "
                               "required unless ApiAuth is none",
            })
            self.rules["ApiAuthNeedsUserPool"] = {"RuleCondition": on, "Assertions": [{
                "Assert": {"Fn::Not": [{"Fn::Equals": [ref("CognitoUserPoolArn"), ""]}]},
                "AssertDescription": "Set CognitoUserPoolArn, or set ApiAuth to none for a public API",
            }]}
            authorizer = {"type": "apiKey", "name": "Authorization", "in": "header",
                          "x-amazon-apigateway-authtype": "cognito_user_pools",
                          "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
                                                             "providerARNs": [ref("CognitoUserPoolArn")]}}
        return {
            "openapi": "3.0.1",
            "info": {"title": sub("${AWS::StackName}"), "version": "1.0"},
            "paths": {},
            "components": {"securitySchemes": {"Fn::If": [
                "ApiAuthEnabled", {scheme: authorizer}, ref("AWS::NoValue")]}},
        }

    def _api_alarms(self) -> None:
        """Server errors above 1% of requests, and p99 latency above the answers' target."""
        def dims() -> dict[str, Any]:  # fresh objects for each alarm
            if self.selection.api == "http":
                return {"ApiId": ref(self.api_id)}
            return {"ApiName": sub("${AWS::StackName}-api"), "Stage": REST_STAGE}

        errors = "5xx" if self.selection.api == "http" else "5XXError"
        target_ms = clamp(int(self.answer("latency_ms")), 100, self.gateway_timeout_s() * 1000)
        self.add_alarm(f"{self.api_id}ServerErrorsAlarm",
                       description=f"Over 1% of {self.api_label} requests failed with a 5XX status in 5 minutes.",
                       namespace="AWS/ApiGateway", metric=errors, dimensions=dims(), statistic="Average",
                       threshold=0.01, period=300)
        self.add_alarm(f"{self.api_id}LatencyAlarm",
                       description=f"The slowest 1% of {self.api_label} requests took over {target_ms} ms in 5 minutes.",
                       namespace="AWS/ApiGateway", metric="Latency", dimensions=dims(), statistic="p99",
                       threshold=target_ms, period=300)

    def api(self) -> str:
        """The API (HTTP or REST, as selected), with throttling at the edge and callers authorised
        unless the ApiAuth parameter opts out; created once."""
        api_id = self.api_id
        if api_id in self.resources:
            return api_id
        body = self._api_auth()
        peak = float(self.answer("peak_rps"))
        # Our choice: twice the peak steady, four times in a burst, at least 10 and 20; never more
        # than the account allows all its APIs in the Region together.
        rate = clamp(math.ceil(peak * 2), 10, int(self.limit("api-gateway-account-rps")))
        burst = clamp(math.ceil(peak * 4), 20, int(self.limit("api-gateway-account-burst")))
        log_format = ('{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
                      '"route":"$context.routeKey","status":"$context.status",'
                      '"latencyMs":"$context.integrationLatency",'
                      '"error":"$context.integrationErrorMessage"}')
        if self.selection.api == "http":
            self.add_resource("HttpApiAccessLogs", "AWS::Logs::LogGroup",
                              {"RetentionInDays": LOG_RETENTION_DAYS}, group="shared")
            self.add_resource(api_id, "AWS::Serverless::HttpApi", {
                "DefinitionBody": body,
                "AccessLogSettings": {"DestinationArn": get_att("HttpApiAccessLogs", "Arn"), "Format": log_format},
                # Throttle at the edge so a burst cannot exhaust account concurrency.
                "DefaultRouteSettings": {"ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst},
            }, group="shared")
            url = sub("https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/")
        else:
            # REST access logs need the account's API Gateway CloudWatch role, which a fresh
            # account lacks and a stack should not take over: a parameter turns them on.
            self.add_parameter("ApiAccessLogging", {
                "Type": "String", "AllowedValues": ["enabled", "disabled"], "Default": "disabled",
                "Description": "REST API access logs in CloudWatch Logs; enable once the account's "
                               "API Gateway CloudWatch Logs role is set",
            })
            self.conditions["ApiAccessLogsEnabled"] = {"Fn::Equals": [ref("ApiAccessLogging"), "enabled"]}
            self.add_resource("RestApiAccessLogs", "AWS::Logs::LogGroup",
                              {"RetentionInDays": LOG_RETENTION_DAYS}, group="shared",
                              Condition="ApiAccessLogsEnabled")
            self.add_resource(api_id, "AWS::Serverless::Api", {
                "Name": sub("${AWS::StackName}-api"),  # the ApiName the alarms watch
                "DefinitionBody": body,
                "MergeDefinitions": True,  # SAM adds each route's integration to the body's route
                "StageName": REST_STAGE,
                "OpenApiVersion": "3.0.1",  # without it SAM also creates a stray "Stage" stage
                "EndpointConfiguration": {"Type": "REGIONAL"},
                "TracingEnabled": True,
                "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*", "MetricsEnabled": True,
                                    "ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}],
                "AccessLogSetting": {"Fn::If": [
                    "ApiAccessLogsEnabled",
                    {"DestinationArn": get_att("RestApiAccessLogs", "Arn"),
                     "Format": log_format.replace("$context.routeKey", "$context.resourcePath")},
                    ref("AWS::NoValue"),
                ]},
            }, group="shared")
            url = sub("https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" + REST_STAGE + "/")
        self.add_output("ApiUrl", f"Base URL of the {self.api_label}", url)
        self._api_alarms()
        return api_id

    def api_event(self, path: str, method: str, timeout: int, *, public: bool = False) -> dict:
        """The function event for one route of the API, waiting a little longer than the function.
        The route needs an authorised caller unless `public` or the ApiAuth parameter is "none"."""
        _, scheme = API_AUTH[self.selection.api]
        route: dict[str, Any] = {}
        if not public:
            route["security"] = {"Fn::If": ["ApiAuthEnabled", [{scheme: []}], ref("AWS::NoValue")]}
        paths = self.resources[self.api_id]["Properties"]["DefinitionBody"]["paths"]
        paths.setdefault(path, {})[method.lower()] = route
        wait_ms = min(self.gateway_timeout_s(), timeout + 1) * 1000
        if self.selection.api == "http":
            return {"Type": "HttpApi", "Properties": {
                "ApiId": ref(self.api_id), "Path": path, "Method": method, "TimeoutInMillis": wait_ms}}
        return {"Type": "Api", "Properties": {
            "RestApiId": ref(self.api_id), "Path": path, "Method": method, "TimeoutInMillis": wait_ms}}

    def api_sample_event(self, method: str, path: str, *, route: str | None = None, body: Any = None,
                         path_parameters: dict | None = None) -> dict:
        build = events.http_api_event if self.selection.api == "http" else events.rest_api_event
        return build(method, path, route=route, body=body, path_parameters=path_parameters)

    def data_table(self) -> str | None:
        """The application's DynamoDB table, when the answers or patterns call for one."""
        if DATA_TABLE in self.resources:
            return DATA_TABLE
        if DATA_TABLE not in self.composition:
            return None
        streams = self.has("dynamodb-streams")
        props: dict[str, Any] = {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        }
        if streams:
            props["StreamSpecification"] = {"StreamViewType": "NEW_AND_OLD_IMAGES"}
        self.add_resource(DATA_TABLE, "AWS::DynamoDB::Table", props,
                          group="dynamodb-streams" if streams else "shared", DeletionPolicy="Retain", UpdateReplacePolicy="Retain")
        self.expose("DATA_TABLE", ref(DATA_TABLE), {"kind": "table", "name": "data", "keys": ["pk", "sk"],
                                                    "stream": streams})
        self.add_output("DataTableName", "Application table", ref(DATA_TABLE))
        return DATA_TABLE

    # --- wiring between patterns ---------------------------------------------------

    def output_policy(self, output: Output) -> dict:
        target = output.target
        return {
            "queue": {"SQSSendMessagePolicy": {"QueueName": get_att(target, "QueueName")}},
            "workflow": {"StepFunctionsExecutionPolicy": {"StateMachineName": get_att(target, "Name")}},
            "bus": {"EventBridgePutEventsPolicy": {"EventBusName": ref(target)}},
            "topic": {"SNSPublishMessagePolicy": {"TopicName": get_att(target, "TopicName")}},
            "table": {"DynamoDBWritePolicy": {"TableName": ref(target)}},
            "stream": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"],
                "Resource": get_att(target, "Arn")}]},
        }[output.kind]

    # --- functions -----------------------------------------------------------------

    def add_function(self, fn: Function) -> Function:
        if any(f.folder == fn.folder for f in self.functions):
            raise GenerationError(f"internal error: duplicate function folder {fn.folder}")
        if fn.logical_id not in self.composition:
            raise GenerationError(f"internal error: function {fn.logical_id} was not composed")
        fn.timeout = self.timeout(fn.logical_id)
        fn.output = self.output_of(fn.logical_id)
        fn.idempotent = fn.logical_id in self.composition.idempotent
        self.functions.append(fn)
        if fn.output and fn.output.target == DATA_TABLE:
            self.data_table()
        if fn.idempotent:
            table = self.idempotency_table()
            fn.policies.append({"DynamoDBCrudPolicy": {"TableName": ref(table)}})
            fn.environment["IDEMPOTENCY_TABLE"] = ref(table)
        if fn.output:
            fn.policies.append(self.output_policy(fn.output))
            value, _ = self.env[fn.output.env]
            fn.environment[fn.output.env] = value
            if fn.output.kind == "bus":
                fn.environment["EVENT_SOURCE"] = self.event_source

        log_group = f"{fn.logical_id}LogGroup"
        self.add_resource(log_group, "AWS::Logs::LogGroup", {"RetentionInDays": LOG_RETENTION_DAYS},
                          group="shared")
        properties: dict[str, Any] = {
            "Description": fn.description,
            "CodeUri": f"src/{fn.folder}/",
            "Handler": f"app.{fn.handler_name}",
            "Timeout": fn.timeout,
            "LoggingConfig": {"LogGroup": ref(log_group)},
            # Lambda's default; stated so nobody flips it to Allow without noticing.
            "RecursiveLoop": "Terminate",
        }
        if fn.environment:
            properties["Environment"] = {"Variables": dict(sorted(fn.environment.items()))}
        if fn.policies:
            properties["Policies"] = fn.policies
        properties.update(fn.properties)
        if fn.events:
            properties["Events"] = fn.events
        self.add_resource(fn.logical_id, "AWS::Serverless::Function", properties, group=fn.pattern)

        dims = {"FunctionName": ref(fn.logical_id)}
        self.add_alarm(f"{fn.logical_id}ErrorsAlarm", description=f"{fn.logical_id} is failing invocations.",
                       namespace="AWS/Lambda", metric="Errors", dimensions=dims)
        self.add_alarm(f"{fn.logical_id}ThrottlesAlarm",
                       description=f"{fn.logical_id} is throttled: concurrency limit reached.",
                       namespace="AWS/Lambda", metric="Throttles", dimensions=dims)
        if fn.stream_consumer:
            self.add_alarm(f"{fn.logical_id}IteratorAgeAlarm",
                           description=f"{fn.logical_id} is falling behind its stream (records older than 5 minutes).",
                           namespace="AWS/Lambda", metric="IteratorAge", dimensions=dims,
                           statistic="Maximum", threshold=300000)
        return fn

    def function_event_invoke_config(self, on_failure_queue: str, *, retries: int = 2,
                                     max_age_s: int = 3600, on_success: dict | None = None) -> dict:
        """Asynchronous invocation settings: bounded retries, then the failure queue."""
        destinations: dict[str, Any] = {"OnFailure": {"Type": "SQS", "Destination": get_att(on_failure_queue, "Arn")}}
        if on_success:
            destinations["OnSuccess"] = on_success
        return {"MaximumRetryAttempts": retries, "MaximumEventAgeInSeconds": max_age_s,
                "DestinationConfig": destinations}
