"""The architecture a template describes (SPEC 8.5): the generator's graph, read back.

    architecture_of(template) -> Architecture

Components come from resource types (and from the parameters a function uses as a database
proxy endpoint or as a secret); ids are logical ids and names come from ``name_from_id``, as
the generator names them. Connections come from the wiring the analyzer already reads: event
sources, SAM events, subscriptions, rules, destinations, redrive policies, EventBridge pipes,
API integrations (functions, and services an API calls directly), function URLs and the
permissions attached to each function and workflow (policies, roles and SAM connectors).
Functions that only a custom resource calls run at deployment and are left out. Anything
that cannot be read is skipped: a template that is odd in one place still gives the rest of
its graph.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from architecture import Architecture, Component, Connection, name_from_id

from .model import (
    IMPLICIT_API_IDS,
    INVOKE_ACTIONS,
    STATE_MACHINE_TYPES,
    TABLE_WRITE_ACTIONS,
    _allows,
    _get,
    _listed,
    _NameIndex,
    _names,
    _strings,
    _target,
    _Template,
)
from .reading import _on_time

KIND_BY_TYPE: dict[str, str] = {
    "AWS::Serverless::Function": "function", "AWS::Lambda::Function": "function",
    "AWS::SQS::Queue": "queue", "AWS::SNS::Topic": "topic", "AWS::Events::EventBus": "event-bus",
    "AWS::S3::Bucket": "bucket",
    "AWS::DynamoDB::Table": "table", "AWS::DynamoDB::GlobalTable": "table", "AWS::Serverless::SimpleTable": "table",
    "AWS::Kinesis::Stream": "stream", "AWS::KinesisFirehose::DeliveryStream": "delivery-stream",
    "AWS::Serverless::StateMachine": "state-machine", "AWS::StepFunctions::StateMachine": "state-machine",
    "AWS::Serverless::Api": "api", "AWS::Serverless::HttpApi": "api", "AWS::ApiGateway::RestApi": "api",
    "AWS::ApiGatewayV2::Api": "api", "AWS::Lambda::Url": "api",
    "AWS::RDS::DBInstance": "database", "AWS::RDS::DBCluster": "database", "AWS::RDS::DBProxy": "db-proxy",
    "AWS::SecretsManager::Secret": "secret",
}
CLIENTS = "Clients"
ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
ALARM_ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")
SECRET_READ = ("secretsmanager:getsecretvalue",)

# What a function's permission on a component of each kind means: (actions, connection).
# The first matching row wins, so writing beats reading on the same grant.
GRANT_EDGES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "queue": ((("sqs:sendmessage",), "publish"),),
    "dlq": ((("sqs:sendmessage",), "failure"),),
    "topic": ((("sns:publish",), "publish"),),
    "event-bus": ((("events:putevents",), "publish"),),
    "state-machine": ((("states:startexecution", "states:startsyncexecution"), "start"),),
    "function": ((INVOKE_ACTIONS, "invoke"),),
    "stream": ((("kinesis:putrecord", "kinesis:putrecords"), "publish"),),
    "delivery-stream": ((("firehose:putrecord", "firehose:putrecordbatch"), "publish"),),
    "table": ((TABLE_WRITE_ACTIONS, "write"),
              (("dynamodb:getitem", "dynamodb:query", "dynamodb:scan", "dynamodb:batchgetitem"), "read")),
    "bucket": ((("s3:putobject",), "write"), (("s3:getobject",), "read")),
    "database": ((("rds-data:executestatement",), "write"),),
    "secret": ((SECRET_READ, "read"),),
}


def architecture_of(t: _Template) -> Architecture:
    """The components and connections of a parsed template, fed from outside where nothing
    inside starts a component (the rule the generator applies too)."""
    graph = _Graph(t)
    for step in (_sources, _sam_events, _destinations, _redrive, _subscriptions, _rules, _bucket_targets,
                 _api_wiring, _service_integrations, _function_urls, _pipes, _grants, _workflows, _database_endpoints):
        _on_time()
        step(graph)
    _leave_out_deployment_helpers(graph)
    if graph.of_kind("api"):
        graph.add(CLIENTS, "client")
        for api in graph.of_kind("api"):
            graph.connect(CLIENTS, api, "invoke")
    components = [Component(cid, kind, name_from_id(cid, kind)) for cid, kind in graph.kinds.items()]
    return Architecture.build(components, graph.edges).fed_from_outside()


def _leave_out_deployment_helpers(g: _Graph) -> None:
    """A function that only CloudFormation calls, as the handler of a custom resource, runs
    while the stack deploys: it is not part of the architecture (nor fed by its producers).
    It stays when anything in the template starts it otherwise."""
    t = g.t
    handlers = {t.function_of(props.get("ServiceToken")) for rid in t.resources
                if isinstance(props := t.props(rid), dict) and "ServiceToken" in props
                and (t.type_of(rid).startswith("Custom::") or t.type_of(rid) == "AWS::CloudFormation::CustomResource")}
    started = {e.target for e in g.edges if e.kind not in ("read", "failure")}
    helpers = {function for function in handlers if function and function not in started}
    if helpers:
        for function in helpers:
            del g.kinds[function]
        g.edges = [e for e in g.edges if e.source not in helpers and e.target not in helpers]


class _Graph:
    """Components by id (in template order), the connections found so far, and an index
    from every name a component is known by back to it."""

    def __init__(self, t: _Template):
        self.t = t
        self.kinds: dict[str, str] = {}
        self.edges: list[Connection] = []
        dead_letters = t.failure_targets
        monitoring = _monitoring_topics(t)
        for rid in t.resources:
            kind = KIND_BY_TYPE.get(t.type_of(rid))
            if kind == "queue" and rid in dead_letters:
                kind = "dlq"
            if kind and rid not in monitoring:
                self.kinds[rid] = kind
        for parameter, kind in _parameter_components(t):
            self.kinds.setdefault(parameter, kind)
        self._index = _NameIndex()  # a name stands for one component, its own first; a text for all
        for cid in self.kinds:
            names, texts = t.identities(cid) if cid in t.resources else ({cid}, set())
            for name in sorted(names, key=lambda n: n != cid):
                if name not in self._index.names:
                    self._index.add_name(name, cid)
            for text in texts:
                self._index.add_text(text, cid)

    def add(self, cid: str, kind: str) -> None:
        self.kinds.setdefault(cid, kind)

    def kind(self, cid: str | None) -> str | None:
        return self.kinds.get(cid or "")

    def of_kind(self, *kinds: str) -> list[str]:
        return [cid for cid, kind in self.kinds.items() if kind in kinds]

    def connect(self, source: str | None, target: str | None, kind: str) -> None:
        if source and target and source in self.kinds and target in self.kinds:
            self.edges.append(Connection(source, target, kind))

    def named_in(self, value: Any) -> set[str]:
        """The components a value refers to: by Ref/GetAtt/Sub, by a parameter that names
        them, or by their literal (or Sub) name inside an ARN."""
        return self._index.lookup(value)

    def text_named(self, text: str) -> list[str]:
        """The components whose literal (or Sub) name is exactly this text."""
        return list(self._index.texts.get(text, ()))

    def target(self, value: Any) -> str | None:
        """The component a value points at directly (!Ref X, !GetAtt X.Arn), if it is one."""
        rid = _target(value)
        return rid if rid in self.kinds else None

    def branches(self, value: Any) -> list[str]:
        """The components a value a condition decides (Fn::If) may point at, one per branch."""
        arguments = value.get("Fn::If") if isinstance(value, dict) and len(value) == 1 else None
        if not (isinstance(arguments, list) and len(arguments) == 3):
            return []
        return [cid for branch in arguments[1:] for cid in ([self.target(branch)] + self.branches(branch)) if cid]

    def receiver(self, value: Any) -> str | None:
        """The component a target ARN names: directly (!GetAtt X.Arn, a function by name), or
        the one component an ARN built with Sub or Join refers to."""
        direct = self.t.function_of(value) or self.target(value)
        if direct or _target(value) is not None:
            return direct
        named = self.named_in(value)
        return next(iter(named)) if len(named) == 1 else None

    def reach(self, source: str | None, target: str | None) -> None:
        """An asynchronous delivery from ``source`` to ``target``: workflows are started,
        everything else receives an event."""
        self.connect(source, target, "start" if self.kind(target) == "state-machine" else "event")


# -- which components exist ---------------------------------------------------------------------------

def _monitoring_topics(t: _Template) -> set[str]:
    """Topics that only carry alarm notifications (with their subscriptions): monitoring,
    not part of the architecture. A topic a function also publishes to stays."""
    alarmed = {name for alarm in t.of_type(*ALARM_TYPES) for key in ALARM_ACTIONS
               for name in _names(t.props(alarm).get(key))}
    topics = {rid for rid in alarmed if t.type_of(rid) == "AWS::SNS::Topic"}
    if not topics:
        return set()
    published = {topic for function in t.functions for resource in t.grant_resources(function, ["sns:publish"])
                 for topic in t.referenced(resource) & topics}
    return topics - published


def _parameter_components(t: _Template) -> Iterator[tuple[str, str]]:
    """Parameters that stand for a part of the architecture kept outside the stack: the
    database proxy endpoint a VPC function connects to, and the secret it reads."""
    for function in t.functions:
        props = t.props(function)
        variables = _get(props, "Environment", "Variables")
        if "VpcConfig" in props and isinstance(variables, dict):
            for name, value in variables.items():
                if isinstance(name, str) and "PROXY" in name.upper() and _target(value) in t.parameters:
                    yield _target(value), "db-proxy"
        for resource in t.grant_resources(function, SECRET_READ):
            for name in sorted(_names(resource) & t.parameters):
                yield name, "secret"


# -- event sources ------------------------------------------------------------------------------------

# Where a trigger names what it reads: a SAM event's property, or an event source mapping's.
ORIGIN_KEYS = {"sqs": ("Queue", "EventSourceArn"), "dynamodb": ("Stream", "EventSourceArn"),
               "kinesis": ("Stream", "EventSourceArn"), "s3": ("Bucket",)}


def _sources(g: _Graph) -> None:
    """Queues and streams polled by event source mappings (SAM or CloudFormation) and bucket
    notifications, from the analyzer's list of what invokes each function."""
    for source in g.t.sources:
        if source.function is None or source.kind not in ("sqs", "dynamodb", "kinesis", "s3"):
            continue
        origins = [source.origin] if source.origin else [
            branch for key in ORIGIN_KEYS[source.kind] for branch in g.branches(source.settings.get(key))]
        for origin in origins:
            if g.t.type_of(origin) == "AWS::Kinesis::StreamConsumer":
                origin = _target(g.t.props(origin).get("StreamARN"))
            g.connect(origin, source.function, "event" if source.kind == "s3" else "poll")
        g.connect(source.function, g.target(_get(source.settings, "DestinationConfig", "OnFailure", "Destination")),
                  "failure")


def _events(t: _Template) -> Iterator[tuple[str, str, str, dict]]:
    """(owner, event name, event type, properties) of every SAM function and state machine event."""
    for rid in t.of_type("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
        events = t.props(rid).get("Events")
        for name, event in (events.items() if isinstance(events, dict) else ()):
            event_type = _get(event, "Type")
            settings = _get(event, "Properties")
            if isinstance(name, str) and isinstance(event_type, str):
                yield rid, name, event_type, settings if isinstance(settings, dict) else {}


def _sam_events(g: _Graph) -> None:
    for owner, name, event_type, settings in _events(g.t):
        if event_type in IMPLICIT_API_IDS:
            api = _target(settings.get("ApiId" if event_type == "HttpApi" else "RestApiId"))
            if api is None:
                api = IMPLICIT_API_IDS[event_type]
                g.add(api, "api")
            g.connect(api, owner, "invoke" if g.kind(owner) == "function" else "start")
        elif event_type in ("Schedule", "ScheduleV2"):
            schedule = f"{owner}{name}"
            g.add(schedule, "schedule")
            g.reach(schedule, owner)
            g.connect(schedule, g.target(_get(settings, "DeadLetterConfig", "Arn")), "failure")
        elif event_type in ("EventBridgeRule", "CloudWatchEvent"):
            # A rule on the default bus starts from the template's buckets whose S3 events it matches.
            bus = g.target(settings.get("EventBusName"))
            for source in [bus] if bus else _s3_buckets_matched(g, settings.get("Pattern")):
                g.reach(source, owner)
                g.connect(source, g.target(_get(settings, "DeadLetterConfig", "Arn")), "failure")
        elif event_type == "SNS":
            topic = g.target(settings.get("Topic"))
            g.reach(topic, owner)
            g.connect(topic, g.target(_get(settings, "RedrivePolicy", "deadLetterTargetArn")), "failure")


# -- failures and hand-offs ---------------------------------------------------------------------------

def _invoke_configs(t: _Template) -> Iterator[tuple[str | None, dict]]:
    """(function, asynchronous invocation settings) from SAM's EventInvokeConfig and from
    AWS::Lambda::EventInvokeConfig resources."""
    for function in t.functions:
        config = t.props(function).get("EventInvokeConfig")
        if isinstance(config, dict):
            yield function, config
    for rid in t.of_type("AWS::Lambda::EventInvokeConfig"):
        props = t.props(rid)
        yield t.function_of(props.get("FunctionName")), props


def _destinations(g: _Graph) -> None:
    for function, config in _invoke_configs(g.t):
        g.connect(function, g.target(_get(config, "DestinationConfig", "OnFailure", "Destination")), "failure")
        success = g.target(_get(config, "DestinationConfig", "OnSuccess", "Destination"))
        g.connect(function, success, "event" if g.kind(success) == "function" else "publish")
    for function in g.t.functions:
        props = g.t.props(function)
        for value in (_get(props, "DeadLetterQueue", "TargetArn"), _get(props, "DeadLetterConfig", "TargetArn")):
            g.connect(function, g.target(value), "failure")


def _redrive(g: _Graph) -> None:
    for queue in g.t.of_type("AWS::SQS::Queue"):
        g.connect(queue, g.target(_get(g.t.props(queue), "RedrivePolicy", "deadLetterTargetArn")), "failure")


def _subscription_settings(t: _Template) -> Iterator[tuple[str | None, dict]]:
    """(topic, subscription settings) for subscription resources and a topic's inline list."""
    for rid in t.of_type("AWS::SNS::Subscription"):
        props = t.props(rid)
        yield _target(props.get("TopicArn")), props
    for topic in t.of_type("AWS::SNS::Topic"):
        for item in _listed(t.props(topic).get("Subscription")):
            if isinstance(item, dict):
                yield topic, item


def _subscriptions(g: _Graph) -> None:
    for topic, settings in _subscription_settings(g.t):
        protocol = str(settings.get("Protocol", "")).lower()
        endpoint = settings.get("Endpoint")
        target = g.receiver(endpoint) if protocol in ("lambda", "sqs") else None
        if g.kind(target) not in (("function",) if protocol == "lambda" else ("queue", "dlq")):
            target = None
        g.reach(topic if g.kind(topic) == "topic" else None, target)
        g.connect(topic, g.target(_get(settings, "RedrivePolicy", "deadLetterTargetArn")), "failure")


def _rules(g: _Graph) -> None:
    """EventBridge rules deliver from their bus (or run on a schedule); Scheduler schedules
    likewise. A rule on the default bus has no component to start from, except S3 events
    of a bucket in the template."""
    t = g.t
    for rule in t.of_type("AWS::Events::Rule"):
        props = t.props(rule)
        if props.get("ScheduleExpression"):
            g.add(rule, "schedule")
            sources = [rule]
        else:
            bus = g.target(props.get("EventBusName"))
            sources = [bus] if bus else _s3_buckets_matched(g, props.get("EventPattern"))
        for target in _listed(props.get("Targets")):
            if not isinstance(target, dict):
                continue
            arn = target.get("Arn")
            receiver = g.receiver(arn)
            for source in sources:
                g.reach(source, receiver)
                g.connect(source, g.target(_get(target, "DeadLetterConfig", "Arn")), "failure")
    for schedule in t.of_type("AWS::Scheduler::Schedule"):
        target = _get(t.props(schedule), "Target")
        g.add(schedule, "schedule")
        arn = _get(target, "Arn")
        g.reach(schedule, g.receiver(arn))
        g.connect(schedule, g.target(_get(target, "DeadLetterConfig", "Arn")), "failure")


def _s3_buckets_matched(g: _Graph, pattern: Any) -> list[str]:
    """Buckets of the template whose S3 events a default-bus rule pattern matches."""
    if not isinstance(pattern, dict) or "aws.s3" not in _listed(pattern.get("source")):
        return []
    names = _get(pattern, "detail", "bucket", "name")
    return sorted(cid for cid in g.named_in(names) if g.kind(cid) == "bucket")


def _bucket_targets(g: _Graph) -> None:
    """Bucket notifications to queues and topics (those to functions are event sources)."""
    for bucket in g.t.of_type("AWS::S3::Bucket"):
        notifications = _get(g.t.props(bucket), "NotificationConfiguration")
        for key, field in (("QueueConfigurations", "Queue"), ("TopicConfigurations", "Topic")):
            for config in _listed(_get(notifications, key)):
                g.reach(bucket, g.target(_get(config, field)))


def _api_wiring(g: _Graph) -> None:
    """CloudFormation APIs: methods, integrations, definition bodies and invoke permissions."""
    t = g.t
    for method in t.of_type("AWS::ApiGateway::Method"):
        props = t.props(method)
        for function in _functions_in(t, _get(props, "Integration", "Uri")):
            g.connect(g.target(props.get("RestApiId")), function, "invoke")
    for rid in t.of_type("AWS::ApiGatewayV2::Integration"):
        props = t.props(rid)
        for function in _functions_in(t, props.get("IntegrationUri")):
            g.connect(g.target(props.get("ApiId")), function, "invoke")
    for api in g.of_kind("api"):
        props = t.props(api)
        for function in _functions_in(t, [props.get("DefinitionBody"), props.get("Body")]):
            g.connect(api, function, "invoke")
    for rid in t.of_type("AWS::Lambda::Permission"):
        props = t.props(rid)
        if "apigateway" in str(props.get("Principal", "")):
            function = t.function_of(props.get("FunctionName"))
            for api in sorted(_names(props.get("SourceArn"))):
                if g.kind(api) == "api":
                    g.connect(api, function, "invoke")


# What an API integration that calls a service directly (no function in between) does to it.
SERVICE_INTEGRATION_EDGES = {"queue": "publish", "dlq": "publish", "topic": "publish", "event-bus": "publish",
                             "stream": "publish", "delivery-stream": "publish"}
TABLE_READ_ACTIONS = ("getitem", "batchgetitem", "query", "scan")
WRITE_METHODS = ("PUT", "POST", "DELETE", "PATCH")
_QUOTED = re.compile(r'"([^"\s]{1,255})"')


def _service_integrations(g: _Graph) -> None:
    """API Gateway integrations that call SQS, SNS, EventBridge, Kinesis, Step Functions,
    DynamoDB or S3 themselves: the API is the producer of what its integration names (in the
    integration URI, its request templates or parameters)."""
    t = g.t
    for method in t.of_type("AWS::ApiGateway::Method"):
        props = t.props(method)
        integration = _get(props, "Integration")
        _integrate(g, g.target(props.get("RestApiId")), _get(integration, "Uri"),
                   [_get(integration, "RequestTemplates"), _get(integration, "RequestParameters")],
                   _get(integration, "IntegrationHttpMethod"))
    for rid in t.of_type("AWS::ApiGatewayV2::Integration"):
        props = t.props(rid)
        _integrate(g, g.target(props.get("ApiId")), [props.get("IntegrationUri"), props.get("IntegrationSubtype")],
                   [props.get("RequestTemplates"), props.get("RequestParameters")], props.get("IntegrationMethod"))
    for api in g.of_kind("api"):
        props = t.props(api)
        stack = [props.get("DefinitionBody"), props.get("Body")]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                integration = value.get("x-amazon-apigateway-integration")
                if isinstance(integration, dict):
                    _integrate(g, api, [integration.get("uri"), integration.get("integrationSubtype")],
                               [integration.get("requestTemplates"), integration.get("requestParameters")],
                               integration.get("httpMethod"))
                stack.extend(child for key, child in value.items() if key != "x-amazon-apigateway-integration")
            elif isinstance(value, list):
                stack.extend(value)


def _integrate(g: _Graph, api: str | None, uri: Any, request: list, method: Any) -> None:
    action = " ".join(_strings(uri)).lower()
    if api is None or not action.strip():
        return
    if ":lambda:path" in action:
        return  # a function: an invoke, drawn above
    named = g.named_in([uri, request])
    # Request templates name tables, queues and workflows in JSON: "TableName": "orders".
    for text in _strings(request):
        named.update(cid for name in _QUOTED.findall(text) for cid in g.text_named(name))
    for target in sorted(named, key=list(g.kinds).index):
        kind = g.kind(target)
        if kind in SERVICE_INTEGRATION_EDGES:
            g.connect(api, target, SERVICE_INTEGRATION_EDGES[kind])
        elif kind == "state-machine":
            g.connect(api, target, "start" if "start" in action else "read")
        elif kind == "table":
            g.connect(api, target, "read" if any(f"/{read}" in action for read in TABLE_READ_ACTIONS) else "write")
        elif kind == "bucket":
            g.connect(api, target, "write" if str(method).upper() in WRITE_METHODS else "read")


def _function_urls(g: _Graph) -> None:
    """A function URL is an HTTPS endpoint clients call and wait on: an AWS::Lambda::Url
    resource, or the ``<Function>Url`` SAM creates for a function's FunctionUrlConfig."""
    t = g.t
    for url in t.of_type("AWS::Lambda::Url"):
        g.connect(url, t.function_of(t.props(url).get("TargetFunctionArn")), "invoke")
    for function in t.of_type("AWS::Serverless::Function"):
        if isinstance(t.props(function).get("FunctionUrlConfig"), dict):
            url = f"{function}Url"
            g.add(url, "api")
            g.connect(url, function, "invoke")


def _pipes(g: _Graph) -> None:
    """An EventBridge pipe reads its source (polling a queue or stream) and hands each batch to
    its enrichment, when it has one, then to its target."""
    t = g.t
    for pipe in t.of_type("AWS::Pipes::Pipe"):
        props = t.props(pipe)
        source = g.target(props.get("Source"))
        hops = [hop for hop in (source, _pipe_end(g, props.get("Enrichment")), _pipe_end(g, props.get("Target")))
                if hop]
        # What the pipe cannot deliver from a stream goes to the dead-letter queue of its source settings.
        settings = props.get("SourceParameters")
        for parameters in settings.values() if isinstance(settings, dict) else ():
            g.connect(source, g.target(_get(parameters, "DeadLetterConfig", "Arn")), "failure")
        for source, target in zip(hops, hops[1:]):
            if g.kind(target) == "state-machine":
                g.connect(source, target, "start")
            elif g.kind(target) == "function" and g.kind(source) in ("queue", "stream", "table"):
                g.connect(source, target, "poll")
            else:
                g.connect(source, target, "event")


def _pipe_end(g: _Graph, value: Any) -> str | None:
    return g.receiver(value)


def _functions_in(t: _Template, value: Any) -> list[str]:
    return sorted(name for name in _names(value) if name in t.function_ids)


# -- what functions and workflows do ------------------------------------------------------------------

def _grants(g: _Graph) -> None:
    """What each function's and each workflow's permissions let it do to the components."""
    edges: dict[int, list[tuple[str, str]]] = {}  # per policy (shared ones once): (target, connection)
    for function, groups in [*g.t.grant_groups.items(), *g.t.workflow_grant_groups.items()]:
        for group in groups:
            if id(group) not in edges:
                edges[id(group)] = [(target, connection) for grant in group for resource in grant.resources
                                    for target in g.named_in(resource)
                                    if (connection := _grant_connection(grant.actions, g.kind(target)))]
            for target, connection in edges[id(group)]:
                if target != function:
                    g.connect(function, target, connection)


def _grant_connection(actions: tuple[str, ...], kind: str | None) -> str | None:
    for wanted, connection in GRANT_EDGES.get(kind or "", ()):
        if any(_allows(actions, action) for action in wanted):
            return connection
    return None


def _workflows(g: _Graph) -> None:
    """A state machine invokes the functions its definition, substitutions or policies name."""
    t = g.t
    for machine in t.of_type(*STATE_MACHINE_TYPES):
        props = t.props(machine)
        named = [props.get(key) for key in ("Definition", "DefinitionString", "DefinitionSubstitutions")]
        for policy in _listed(props.get("Policies")):
            named.append(_get(policy, "LambdaInvokePolicy"))
        # By reference, or by a function's literal name inside a task's ARN.
        functions = set(_functions_in(t, named)) | {cid for cid in g.named_in(named) if g.kind(cid) == "function"}
        for function in sorted(functions, key=t.position):
            g.connect(machine, function, "invoke")


def _database_endpoints(g: _Graph) -> None:
    """A function whose environment names a database, a proxy or a proxy endpoint parameter
    writes to it."""
    for function in g.t.functions:
        variables = _get(g.t.props(function), "Environment", "Variables")
        if not isinstance(variables, dict):
            continue
        for name in _names(variables):
            if g.kind(name) in ("database", "db-proxy"):
                g.connect(function, name, "write")
