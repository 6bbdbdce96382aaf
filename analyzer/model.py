"""The template model the checks, the detectors and the architecture share: properties with
SAM Globals applied, each function's permissions, every source that invokes a function, and
the index of which resources a value names. The lookups are built once per template, so the
cost grows with the size of the template.

Patterns come from the wiring, in SAM (function ``Events``, policy templates, Globals)
and plain CloudFormation shapes (event source mappings, bucket notifications, SNS
subscriptions, EventBridge rule targets, API Gateway methods and integrations, IAM roles
and policies attached to a function's role).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping

from patterns.catalogue import Catalogue, load_files
from patterns.read_by_code import ANALYZER_LIMITS

from .reading import _on_time

# The AWS limits and defaults the findings judge by. They are catalogue rows (SPEC 3.4,
# editable in the admin): the values come from the catalogue ``analyze`` is given, and the
# shipped files fill any row it lacks. The ids are listed with the catalogue, whose check
# refuses a catalogue without them.
LIMIT_IDS: tuple[str, ...] = ANALYZER_LIMITS


def limits_from(limit_values: Mapping[str, Any]) -> dict[str, float]:
    """The limits the analyzer uses, from a catalogue's ``limit_map`` (id -> Limit), over the
    shipped catalogue's rows."""
    shipped = load_files().limit_map
    return {key: float((limit_values[key] if key in limit_values else shipped[key]).value) for key in LIMIT_IDS}


def deprecated_runtimes(catalogue: Catalogue) -> dict[str, date]:
    """Each Lambda runtime the catalogue lists, with the day Lambda deprecated it (or will)."""
    return {runtime.id: runtime.deprecated for runtime in catalogue.runtimes}


# Reading values -----------------------------------------------------------------------------

_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")
_UNKNOWN = object()  # a value the template does not pin down


def _walk(value: Any) -> Iterator[Any]:
    _on_time()
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _sub_parts(value: dict) -> tuple[str, dict]:
    sub = value.get("Fn::Sub")
    if isinstance(sub, str):
        return sub, {}
    if isinstance(sub, list) and sub and isinstance(sub[0], str):
        return sub[0], sub[1] if len(sub) > 1 and isinstance(sub[1], dict) else {}
    return "", {}


def _names(value: Any) -> set[str]:
    """Every logical id or parameter the value refers to (Ref, GetAtt, ${...} in Sub)."""
    names: set[str] = set()
    for item in _walk(value):
        if not isinstance(item, dict) or len(item) != 1:
            continue
        if isinstance(item.get("Ref"), str):
            names.add(item["Ref"].split(".")[0])
        elif "Fn::GetAtt" in item:
            names.add(_getatt_name(item["Fn::GetAtt"]))
        elif "Fn::Sub" in item:
            template, variables = _sub_parts(item)
            names.update(ref.split(".")[0].strip() for ref in _SUB_VARIABLE.findall(template)
                         if ref.split(".")[0].strip() not in variables)
    names.discard("")
    return {name for name in names if not name.startswith("AWS::")}


def _attributes(value: Any) -> set[tuple[str, str]]:
    """(logical id, attribute) pairs read with GetAtt or ${X.Attribute} in a Sub."""
    pairs = set()
    for item in _walk(value):
        if not isinstance(item, dict) or len(item) != 1:
            continue
        getatt = item.get("Fn::GetAtt")
        if isinstance(getatt, list) and len(getatt) == 2 and all(isinstance(part, str) for part in getatt):
            pairs.add((getatt[0], getatt[1]))
        elif "Fn::Sub" in item:
            pairs.update(tuple(ref.strip().split(".", 1)) for ref in _SUB_VARIABLE.findall(_sub_parts(item)[0])
                         if "." in ref)
    return pairs


def _getatt_name(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    if isinstance(value, str):
        return value.split(".")[0]
    return ""


def _target(value: Any) -> str | None:
    """The logical id a value points at directly: !Ref X, !GetAtt X.Arn, !Sub '${X.Arn}'."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if isinstance(value.get("Ref"), str):
        return value["Ref"].split(".")[0]
    if "Fn::GetAtt" in value:
        return _getatt_name(value["Fn::GetAtt"]) or None
    if "Fn::Sub" in value:
        template, _ = _sub_parts(value)
        match = re.fullmatch(r"\$\{([^!}.][^}.]*)(\.[^}]*)?\}", template.strip())
        return match.group(1) if match else None
    return None


def _strings(value: Any) -> Iterator[str]:
    """Literal text in a value, including Sub templates."""
    for item in _walk(value):
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict) and "Fn::Sub" in item:
            yield _sub_parts(item)[0]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _listed(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _unknown(value: Any) -> bool:
    """A value a condition, parameter or import decides."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in (
        "Fn::If", "Ref", "Fn::ImportValue", "Fn::FindInMap", "Fn::Select")


def _merge_globals(defaults: Any, own: dict) -> dict:
    """SAM Globals: the function's own value wins; maps merge; lists add up."""
    if not isinstance(defaults, dict):
        return own
    merged = dict(defaults)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_globals(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern:
    """An IAM action pattern (s3:Put*) as a regular expression."""
    return re.compile(".*".join(".".join(re.escape(part) for part in piece.split("?")) for piece in pattern.split("*")))


def _allows(actions: Iterable[str], wanted: str) -> bool:
    return _allowed(actions if isinstance(actions, tuple) else tuple(actions), wanted)


@lru_cache(maxsize=4096)
def _allowed(actions: tuple[str, ...], wanted: str) -> bool:
    return any(_wildcard(action).fullmatch(wanted) for action in actions)


# The template model ----------------------------------------------------------------------------

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
DATABASE_TYPES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")
PROXY_TYPES = ("AWS::RDS::DBProxy", "AWS::RDS::DBProxyEndpoint")
STATE_MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
API_TYPES_REST = ("AWS::Serverless::Api", "AWS::ApiGateway::RestApi")
NAME_PROPERTY = {
    "AWS::S3::Bucket": "BucketName", "AWS::DynamoDB::Table": "TableName", "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName", "AWS::Serverless::Function": "FunctionName",
    "AWS::Lambda::Function": "FunctionName", "AWS::Serverless::SimpleTable": "TableName",
    "AWS::DynamoDB::GlobalTable": "TableName", "AWS::Events::EventBus": "Name", "AWS::Kinesis::Stream": "Name",
    "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName", "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Serverless::StateMachine": "Name", "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier", "AWS::SecretsManager::Secret": "Name",
}
# Sync data services an API-facing function may aggregate (orchestrator heuristic).
AGGREGATED_TYPES = FUNCTION_TYPES + STATE_MACHINE_TYPES + DATABASE_TYPES + (
    "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::S3::Bucket")

# SAM policy templates: the actions they grant and the parameter naming the resource.
POLICY_TEMPLATES = {
    "S3CrudPolicy": (("s3:getobject", "s3:putobject", "s3:deleteobject"), "BucketName"),
    "S3WritePolicy": (("s3:putobject",), "BucketName"),
    "S3FullAccessPolicy": (("s3:*",), "BucketName"),
    "S3ReadPolicy": (("s3:getobject",), "BucketName"),
    "DynamoDBCrudPolicy": (("dynamodb:getitem", "dynamodb:putitem", "dynamodb:updateitem", "dynamodb:deleteitem",
                            "dynamodb:batchwriteitem", "dynamodb:query"), "TableName"),
    "DynamoDBWritePolicy": (("dynamodb:putitem", "dynamodb:updateitem", "dynamodb:batchwriteitem"), "TableName"),
    "DynamoDBReadPolicy": (("dynamodb:getitem", "dynamodb:query", "dynamodb:scan"), "TableName"),
    "LambdaInvokePolicy": (("lambda:invokefunction",), "FunctionName"),
    "StepFunctionsExecutionPolicy": (("states:startexecution",), "StateMachineName"),
    "EventBridgePutEventsPolicy": (("events:putevents",), "EventBusName"),
    "SQSSendMessagePolicy": (("sqs:sendmessage",), "QueueName"),
    "SQSPollerPolicy": (("sqs:receivemessage", "sqs:deletemessage"), "QueueName"),
    "SNSPublishMessagePolicy": (("sns:publish",), "TopicName"),
    "SNSCrudPolicy": (("sns:publish", "sns:subscribe"), "TopicName"),
    "KinesisCrudPolicy": (("kinesis:putrecord", "kinesis:putrecords", "kinesis:getrecords"), "StreamName"),
    "FirehoseWritePolicy": (("firehose:putrecord", "firehose:putrecordbatch"), "DeliveryStreamName"),
    "AWSSecretsManagerGetSecretValuePolicy": (("secretsmanager:getsecretvalue",), "SecretArn"),
}
# SAM connectors (AWS::Serverless::Connector, or a resource's Connectors attribute): the
# actions a Read or Write permission grants a function on each destination type.
CONNECTOR_ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "AWS::DynamoDB::Table": {"Read": ("dynamodb:getitem", "dynamodb:query", "dynamodb:scan", "dynamodb:batchgetitem"),
                             "Write": ("dynamodb:putitem", "dynamodb:updateitem", "dynamodb:deleteitem",
                                       "dynamodb:batchwriteitem")},
    "AWS::S3::Bucket": {"Read": ("s3:getobject", "s3:listbucket"), "Write": ("s3:putobject", "s3:deleteobject")},
    "AWS::SQS::Queue": {"Read": ("sqs:receivemessage", "sqs:deletemessage"), "Write": ("sqs:sendmessage",)},
    "AWS::SNS::Topic": {"Write": ("sns:publish",)},
    "AWS::Events::EventBus": {"Write": ("events:putevents",)},
    "AWS::StepFunctions::StateMachine": {"Read": ("states:describeexecution",),
                                         "Write": ("states:startexecution", "states:startsyncexecution")},
    "AWS::Lambda::Function": {"Write": ("lambda:invokefunction",)},
    "AWS::Kinesis::Stream": {"Read": ("kinesis:getrecords",), "Write": ("kinesis:putrecord", "kinesis:putrecords")},
    "AWS::KinesisFirehose::DeliveryStream": {"Write": ("firehose:putrecord", "firehose:putrecordbatch")},
    "AWS::SecretsManager::Secret": {"Read": ("secretsmanager:getsecretvalue",)},
}
CONNECTOR_TYPES = {"AWS::Serverless::Function": "AWS::Lambda::Function",
                   "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
                   "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table"}
# Sources whose Write connector to a queue SAM turns into a queue policy.
QUEUE_POLICY_SOURCES = frozenset(("AWS::SNS::Topic", "AWS::Events::Rule"))
# The APIs SAM creates when an Api or HttpApi event names none.
IMPLICIT_API_IDS = {"Api": "ServerlessRestApi", "HttpApi": "ServerlessHttpApi"}
# Properties whose value names where failed messages or events go.
FAILURE_KEYS = frozenset(("RedrivePolicy", "DeadLetterConfig", "DeadLetterQueue", "OnFailure"))
# Services that invoke a function asynchronously through a resource-based permission.
ASYNC_PRINCIPALS = frozenset(("s3", "sns", "events", "iot"))
INVOKE_ACTIONS = ("lambda:invokefunction", "lambda:invokeasync")
TABLE_WRITE_ACTIONS = ("dynamodb:putitem", "dynamodb:updateitem", "dynamodb:batchwriteitem", "dynamodb:deleteitem")
# Environment variable names that carry a database endpoint, compared without _ and -.
DB_VARIABLE = re.compile(r"(db|rds|database|postgres|postgresql|pg|mysql|aurora|jdbc|sql)"
                         r"(host|hostname|endpoint|url|uri|address|server|connection|connectionstring|proxy)")


@dataclass(frozen=True)
class _Grant:
    """One Allow statement (or SAM policy template) attached to a function."""

    actions: tuple[str, ...]  # lower case, wildcards kept
    resources: tuple[Any, ...]
    template: bool = False  # from a SAM policy template rather than a written statement


@dataclass(frozen=True)
class _Connector:
    """One source -> destination link of a SAM connector."""

    source: str | None  # logical id of the source, when in the template
    destination: Any  # a value naming the destination ({"Ref": id} for an Id, else the Arn given)
    destination_type: str  # CloudFormation type, of the resource or as the connector states it
    permissions: tuple[str, ...]  # Read, Write


@dataclass
class _Source:
    """Something that invokes a function: an event, a mapping, a subscription, a rule, an API."""

    kind: str  # api, sqs, dynamodb, kinesis, s3, sns, eventbridge, schedule
    function: str | None  # logical id, when it resolves to a function of the template
    origin: str | None  # logical id of the queue/table/stream/bucket/topic/rule, when in the template
    settings: dict  # event properties, mapping properties, rule target, bucket notification
    owner: str  # logical id where the settings live (the function for a SAM event)
    label: str
    api_limit: float | None = None  # seconds the API waits, for kind "api"


class _Template:
    """A parsed template with the lookups the checks share: properties with SAM Globals
    applied, each function's permissions, and every source that invokes a function."""

    def __init__(self, document: dict, limits: Mapping[str, float], deprecated: Mapping[str, date]):
        self.document = document
        self.limits = limits
        # Lambda runtime id -> the day Lambda deprecated it (the catalogue's runtime rows).
        self.deprecated = deprecated
        self.raw_resources = document["Resources"]
        self.resources: dict[str, dict] = {rid: body for rid, body in self.raw_resources.items()
                                           if isinstance(rid, str) and isinstance(body, dict)}
        self._identities: dict[str, tuple[set[str], set[str]]] = {}
        self._database_access: dict[str, tuple[bool, bool, bool]] = {}
        self._policy_grants: dict[int, tuple[Any, tuple[_Grant, ...]]] = {}
        self._allowed_resources: dict[tuple[int, tuple[str, ...]], list[Any]] = {}

    # -- basic lookups
    def type_of(self, rid: str | None) -> str:
        kind = self.resources.get(rid or "", {}).get("Type")
        return kind if isinstance(kind, str) else ""

    def of_type(self, *types: str) -> list[str]:
        """Logical ids of the resources of these types, in template order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        found = [rid for kind in dict.fromkeys(types) for rid in self._by_type.get(kind, ())]
        return sorted(found, key=self._position.__getitem__)

    @cached_property
    def _by_type(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for rid in self.resources:
            index.setdefault(self.type_of(rid), []).append(rid)
        return index

    @cached_property
    def _position(self) -> dict[str, int]:
        return {rid: index for index, rid in enumerate(self.resources)}

    def position(self, rid: str) -> int:
        """Where the resource is declared, counting from 0."""
        return self._position[rid]

    @cached_property
    def parameters(self) -> set[str]:
        params = self.document.get("Parameters")
        return set(params) if isinstance(params, dict) else set()

    @cached_property
    def properties(self) -> dict[str, dict]:
        function_globals = _get(self.document, "Globals", "Function")
        result = {}
        for rid, body in self.resources.items():
            props = body.get("Properties")
            props = props if isinstance(props, dict) else {}
            if body.get("Type") == "AWS::Serverless::Function":
                props = _merge_globals(function_globals, props)
            result[rid] = props
        return result

    def props(self, rid: str | None) -> dict:
        return self.properties.get(rid or "", {})

    @cached_property
    def functions(self) -> list[str]:
        return self.of_type(*FUNCTION_TYPES)

    @cached_property
    def function_ids(self) -> frozenset[str]:
        return frozenset(self.functions)

    @cached_property
    def function_names(self) -> dict[str, str]:
        """Literal FunctionName -> logical id, for mappings that name a function by text."""
        return {name: rid for rid in self.functions
                if isinstance(name := self.props(rid).get("FunctionName"), str)}

    def function_of(self, value: Any) -> str | None:
        """The function a FunctionName/Arn value points at, through aliases and versions."""
        rid = _target(value)
        if rid is None and isinstance(value, str):
            rid = self.function_names.get(value.rsplit(":", 1)[-1]) or self.function_names.get(value)
        if self.type_of(rid) in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            rid = _target(self.props(rid).get("FunctionName"))
        return rid if rid in self.function_ids else None

    def timeout(self, function: str) -> float | None:
        props = self.props(function)
        return _number(props["Timeout"]) if "Timeout" in props else self.limits["lambda-default-timeout"]

    # -- identity of a resource inside other values
    def identities(self, rid: str) -> tuple[set[str], set[str]]:
        """The names (logical id, parameters) and texts (literal or Sub name) a resource is known by."""
        known = self._identities.get(rid)
        if known is None:
            known = self._identities[rid] = self._identities_of(rid)
        return set(known[0]), set(known[1])

    def _identities_of(self, rid: str) -> tuple[set[str], set[str]]:
        names, texts = {rid}, set()
        name_value = self.props(rid).get(NAME_PROPERTY.get(self.type_of(rid), ""))
        if isinstance(_target(name_value), str) and _target(name_value) in self.parameters:
            names.add(_target(name_value))
        if isinstance(name_value, str) and name_value:
            texts.add(name_value)
        elif isinstance(name_value, dict) and "Fn::Sub" in name_value and _sub_parts(name_value)[0]:
            texts.add(_sub_parts(name_value)[0])
        return names, texts

    @cached_property
    def _references(self) -> "_NameIndex":
        index = _NameIndex()
        for rid in self.resources:
            names, texts = self.identities(rid)
            for name in names:
                index.add_name(name, rid)
            for text in texts:
                index.add_text(text, rid)
        return index

    def referenced(self, value: Any) -> set[str]:
        """The resources of the template a value refers to (by name, parameter or literal name)."""
        return self._references.lookup(value)

    def refers_to(self, value: Any, rid: str) -> bool:
        if rid not in self.resources:
            return rid in _names(value)
        return rid in self.referenced(value)

    # -- permissions
    @cached_property
    def role_documents(self) -> dict[str, list]:
        """Role logical id (or SAM's implicit ``<Function>Role``) -> policy documents attached to it."""
        documents: dict[str, list] = {}
        for rid in self.of_type("AWS::IAM::Role"):
            props = self.props(rid)
            for policy in _listed(props.get("Policies")):
                documents.setdefault(rid, []).append(_get(policy, "PolicyDocument"))
            for arn in _listed(props.get("ManagedPolicyArns")):
                if self.type_of(_target(arn)) == "AWS::IAM::ManagedPolicy":
                    documents.setdefault(rid, []).append(self.props(_target(arn)).get("PolicyDocument"))
        for rid in self.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            props = self.props(rid)
            for role in _listed(props.get("Roles")):
                name = _target(role) or (role if isinstance(role, str) else None)
                if name:
                    documents.setdefault(name, []).append(props.get("PolicyDocument"))
        return documents

    @cached_property
    def grants(self) -> dict[str, list[_Grant]]:
        return {function: [grant for group in groups for grant in group]
                for function, groups in self.grant_groups.items()}

    @cached_property
    def grant_groups(self) -> dict[str, list[tuple[_Grant, ...]]]:
        """Function -> the grants of each policy attached to it, one tuple per policy; a
        policy several functions share (Globals, a shared role) is one tuple, read once."""
        return {function: self._grant_groups_of(function) for function in self.functions}

    @cached_property
    def workflow_grant_groups(self) -> dict[str, list[tuple[_Grant, ...]]]:
        """State machine -> the grants of each policy attached to it (its role's, or SAM's
        Policies), read as a function's are."""
        return {machine: self._grant_groups_of(machine) for machine in self.of_type(*STATE_MACHINE_TYPES)}

    def _grant_groups_of(self, rid: str) -> list[tuple[_Grant, ...]]:
        _on_time()
        props = self.props(rid)
        role = _target(props.get("Role") if "Role" in props else props.get("RoleArn"))
        documents = list(self.role_documents.get(role or "", []))
        groups: list[tuple[_Grant, ...]] = []
        if role is None and self.type_of(rid) in ("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
            documents += self.role_documents.get(f"{rid}Role", [])
            for policy in _listed(props.get("Policies")):
                if not isinstance(policy, dict):
                    continue  # a managed policy by name: its contents are not in the template
                if "Statement" in policy:
                    documents.append(policy)
                else:
                    groups.append(self._read_once(policy, _policy_template_grants))
        for document in documents:
            groups.append(self._read_once(document, _statements))
        groups += [grants for connector, grants in self._connector_grants if connector.source == rid]
        return groups

    @cached_property
    def connectors(self) -> list[_Connector]:
        """Every link of the template's SAM connectors, resources and Connectors attributes alike."""
        found = []
        for rid, body in self.resources.items():
            if body.get("Type") == "AWS::Serverless::Connector":
                props = self.props(rid)
                found += self._connector_links(self._connector_end(props.get("Source")), props)
            embedded = body.get("Connectors")
            for item in (embedded.values() if isinstance(embedded, dict) else ()):
                props = _get(item, "Properties")
                if isinstance(props, dict):
                    found += self._connector_links(rid, props)
        return found

    def _connector_end(self, end: Any) -> str | None:
        rid = _get(end, "Id")
        return rid if isinstance(rid, str) and rid in self.resources else None

    def _connector_links(self, source: str | None, props: dict) -> list[_Connector]:
        permissions = tuple(p for p in _listed(props.get("Permissions")) if p in ("Read", "Write"))
        links = []
        for end in _listed(props.get("Destination")):
            if not isinstance(end, dict):
                continue
            rid = self._connector_end(end)
            kind = self.type_of(rid) if rid else end.get("Type")
            value = {"Ref": rid} if rid else end.get("Arn")
            if isinstance(kind, str) and value is not None:
                links.append(_Connector(source, value, CONNECTOR_TYPES.get(kind, kind), permissions))
        return links

    @cached_property
    def _connector_grants(self) -> list[tuple[_Connector, tuple[_Grant, ...]]]:
        """Each connector from a function, with what its permissions allow on its destination."""
        return [(connector, (_Grant(actions, (connector.destination,), template=True),))
                for connector in self.connectors
                if self.type_of(connector.source) in FUNCTION_TYPES + STATE_MACHINE_TYPES
                if (actions := tuple(action for permission in connector.permissions
                                     for action in CONNECTOR_ACTIONS.get(connector.destination_type, {}).get(permission, ())))]

    def _read_once(self, policy: Any, read: Callable[[Any], Iterable[_Grant]]) -> tuple[_Grant, ...]:
        """The grants of one policy, read once however many functions share it (a Globals
        policy is the same value in every function)."""
        known = self._policy_grants.get(id(policy))
        if known is None:
            # The policy is kept with its grants so that its id stays its own.
            known = self._policy_grants[id(policy)] = (policy, tuple(read(policy)))
        return known[1]

    def may(self, function: str, action: str, rid: str) -> bool:
        """Whether the function's permissions allow ``action`` on the resource ``rid``."""
        _on_time()
        return any(self.refers_to(res, rid) for group in self.grant_groups.get(function, [])
                   for res in self._allowed_in(group, (action,)))

    def grant_resources(self, function: str, actions: Iterable[str]) -> list[Any]:
        _on_time()
        actions = tuple(actions)
        return [res for group in self.grant_groups.get(function, []) for res in self._allowed_in(group, actions)]

    def _allowed_in(self, group: tuple[_Grant, ...], actions: tuple[str, ...]) -> list[Any]:
        """The resources one policy allows any of the actions on (worked out once per policy)."""
        key = (id(group), actions)
        if key not in self._allowed_resources:
            self._allowed_resources[key] = [res for grant in group if any(
                _allows(grant.actions, action) for action in actions) for res in grant.resources]
        return self._allowed_resources[key]

    # -- what invokes what
    @cached_property
    def sources(self) -> list[_Source]:
        return [*self._sam_events(), *self._event_source_mappings(), *self._bucket_notifications(),
                *self._subscriptions(), *self._rules(), *self._apis()]

    @cached_property
    def _sources_by_function(self) -> dict[str | None, list[_Source]]:
        index: dict[str | None, list[_Source]] = {}
        for source in self.sources:
            index.setdefault(source.function, []).append(source)
        return index

    @cached_property
    def _sources_by_origin(self) -> dict[str | None, list[_Source]]:
        index: dict[str | None, list[_Source]] = {}
        for source in self.sources:
            index.setdefault(source.origin, []).append(source)
        return index

    def sources_of(self, function: str) -> list[_Source]:
        return list(self._sources_by_function.get(function, ()))

    def sources_from(self, origin: str) -> list[_Source]:
        """The sources that deliver from one queue, stream, table, bucket, topic or rule."""
        return list(self._sources_by_origin.get(origin, ()))

    @cached_property
    def _invoke_configs(self) -> dict[str | None, list[dict]]:
        index: dict[str | None, list[dict]] = {}
        for rid in self.of_type("AWS::Lambda::EventInvokeConfig"):
            props = self.props(rid)
            index.setdefault(self.function_of(props.get("FunctionName")), []).append(props)
        return index

    def invoke_configs_of(self, function: str) -> list[dict]:
        """The properties of the AWS::Lambda::EventInvokeConfig resources for one function."""
        return list(self._invoke_configs.get(function, ()))

    @cached_property
    def invoked(self) -> dict[str, set[str]]:
        """Function -> what it may invoke (see ``_invoked_functions``)."""
        return {function: _invoked_functions_of(self, function) for function in self.functions}

    def _sam_events(self) -> Iterator[_Source]:
        kinds = {"Api": "api", "HttpApi": "api", "SQS": "sqs", "DynamoDB": "dynamodb", "Kinesis": "kinesis",
                 "S3": "s3", "SNS": "sns", "EventBridgeRule": "eventbridge", "CloudWatchEvent": "eventbridge",
                 "Schedule": "schedule", "ScheduleV2": "schedule"}
        origin_key = {"sqs": "Queue", "dynamodb": "Stream", "kinesis": "Stream", "s3": "Bucket", "sns": "Topic"}
        for function in self.of_type("AWS::Serverless::Function"):
            events = self.props(function).get("Events")
            for name, event in (events.items() if isinstance(events, dict) else ()):
                event_type = _get(event, "Type")
                kind = kinds.get(event_type) if isinstance(event_type, str) else None
                if kind is None:
                    continue
                settings = _get(event, "Properties")
                settings = settings if isinstance(settings, dict) else {}
                origin = _target(settings.get(origin_key.get(kind, ""))) if kind in origin_key else None
                source = _Source(kind, function, origin if origin in self.resources else None, settings,
                                 function, f"event {name}")
                if kind == "api":
                    key = "api-gateway-timeout" if event["Type"] == "Api" else "http-api-timeout"
                    source.api_limit = self._api_limit(self.limits[key], settings.get("TimeoutInMillis"))
                yield source

    def _api_limit(self, default: float, timeout_ms: Any) -> float | None:
        if timeout_ms is None:
            return default
        configured = _number(timeout_ms)
        # A raised REST quota lets an integration wait longer; an unknown value is not checked.
        return None if configured is None else max(default, configured / 1000)

    def _stream_kind(self, value: Any) -> tuple[str | None, str | None]:
        origin = _target(value)
        kind = {"AWS::SQS::Queue": "sqs", "AWS::DynamoDB::Table": "dynamodb", "AWS::DynamoDB::GlobalTable": "dynamodb",
                "AWS::Kinesis::Stream": "kinesis", "AWS::Kinesis::StreamConsumer": "kinesis"}.get(self.type_of(origin))
        if kind:
            return kind, origin
        text = " ".join(_strings(value))
        for marker, guess in ((":sqs:", "sqs"), (":dynamodb:", "dynamodb"), (":kinesis:", "kinesis")):
            if marker in text:
                return guess, None
        return None, None

    def _event_source_mappings(self) -> Iterator[_Source]:
        for rid in self.of_type("AWS::Lambda::EventSourceMapping"):
            props = self.props(rid)
            kind, origin = self._stream_kind(props.get("EventSourceArn"))
            if kind:
                yield _Source(kind, self.function_of(props.get("FunctionName")), origin, props, rid,
                              f"event source mapping {rid}")

    def _bucket_notifications(self) -> Iterator[_Source]:
        for bucket in self.of_type("AWS::S3::Bucket"):
            for config in _listed(_get(self.props(bucket), "NotificationConfiguration", "LambdaConfigurations")):
                if isinstance(config, dict):
                    yield _Source("s3", self.function_of(config.get("Function")), bucket, config, bucket,
                                  f"notification of bucket {bucket}")

    def _subscriptions(self) -> Iterator[_Source]:
        for rid in self.of_type("AWS::SNS::Subscription"):
            props = self.props(rid)
            if str(props.get("Protocol", "")).lower() == "lambda":
                topic = _target(props.get("TopicArn"))
                yield _Source("sns", self.function_of(props.get("Endpoint")), topic if topic in self.resources else None,
                              props, rid, f"subscription {rid}")
        for topic in self.of_type("AWS::SNS::Topic"):
            for item in _listed(self.props(topic).get("Subscription")):
                if str(_get(item, "Protocol") or "").lower() == "lambda":
                    yield _Source("sns", self.function_of(_get(item, "Endpoint")), topic, item, topic,
                                  f"subscription of topic {topic}")

    def _rules(self) -> Iterator[_Source]:
        for rule in self.of_type("AWS::Events::Rule"):
            props = self.props(rule)
            kind = "schedule" if props.get("ScheduleExpression") else "eventbridge"
            for target in _listed(props.get("Targets")):
                function = self.function_of(_get(target, "Arn"))
                if function:
                    yield _Source(kind, function, rule, target, rule, f"rule {rule}")
        for schedule in self.of_type("AWS::Scheduler::Schedule"):
            target = _get(self.props(schedule), "Target")
            function = self.function_of(_get(target, "Arn"))
            if function:
                yield _Source("schedule", function, schedule, target, schedule, f"schedule {schedule}")

    def _apis(self) -> Iterator[_Source]:
        rest, http = self.limits["api-gateway-timeout"], self.limits["http-api-timeout"]
        for method in self.of_type("AWS::ApiGateway::Method"):
            integration = _get(self.props(method), "Integration")
            for function in self._functions_in(_get(integration, "Uri")):
                yield _Source("api", function, None, {}, function, f"method {method}",
                              self._api_limit(rest, _get(integration, "TimeoutInMillis")))
        for rid in self.of_type("AWS::ApiGatewayV2::Integration"):
            props = self.props(rid)
            api = _target(props.get("ApiId"))
            protocol = str(self.props(api).get("ProtocolType", "HTTP")).upper()
            limit = rest if protocol == "WEBSOCKET" else http
            for function in self._functions_in(props.get("IntegrationUri")):
                yield _Source("api", function, None, {}, function, f"integration {rid}",
                              self._api_limit(limit, props.get("TimeoutInMillis")))
        for api in self.of_type(*API_TYPES_REST, "AWS::Serverless::HttpApi"):
            props = self.props(api)
            limit = http if self.type_of(api) == "AWS::Serverless::HttpApi" else rest
            for function in self._functions_in([props.get("DefinitionBody"), props.get("Body"), props.get("Auth")]):
                yield _Source("api", function, None, {}, function, f"API {api}", limit)
        for rid in self.of_type("AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer"):
            for function in self._functions_in(self.props(rid).get("AuthorizerUri")):
                yield _Source("api", function, None, {}, function, f"authorizer {rid}", rest)
        for rid in self.of_type("AWS::Lambda::Permission"):
            props = self.props(rid)
            if "apigateway" in str(props.get("Principal", "")):
                function = self.function_of(props.get("FunctionName"))
                apis = self.resources.keys() & _names(props.get("SourceArn"))
                limit = rest if apis and all(self.type_of(api) in API_TYPES_REST for api in apis) else http
                if function:
                    yield _Source("api", function, None, {}, function, f"permission {rid}", limit)

    def _functions_in(self, value: Any) -> list[str]:
        return sorted(_names(value) & self.function_ids)

    def api_limit(self, function: str) -> float | None:
        """The shortest time an API in front of the function waits, or None."""
        limits = [s.api_limit for s in self.sources_of(function) if s.kind == "api"]
        if not limits or None in limits:
            return None
        return min(limits)

    # -- where failures go
    @cached_property
    def failure_targets(self) -> frozenset[str]:
        """Resources named as a dead-letter queue or on-failure destination anywhere in the
        template (redrive policies, dead-letter configs, destinations): the end of a failure path."""
        found: set[str] = set()
        for props in self.properties.values():
            stack = [props]
            while stack:
                value = stack.pop()
                if isinstance(value, dict):
                    for key, child in value.items():
                        if key in FAILURE_KEYS:
                            found |= self.referenced(child)
                        else:
                            stack.append(child)
                elif isinstance(value, list):
                    stack.extend(value)
        return frozenset(found)

    @cached_property
    def async_permissions(self) -> dict[str, list[str]]:
        """Function -> the AWS::Lambda::Permission resources that let a service invoke it
        asynchronously (S3, SNS, EventBridge, IoT)."""
        index: dict[str, list[str]] = {}
        for rid in self.of_type("AWS::Lambda::Permission"):
            props = self.props(rid)
            principal = props.get("Principal")
            function = self.function_of(props.get("FunctionName"))
            if function and isinstance(principal, str) and principal.split(".")[0] in ASYNC_PRINCIPALS:
                index.setdefault(function, []).append(rid)
        return index

    @cached_property
    def alarm_topics(self) -> frozenset[str]:
        """Topics CloudWatch alarms notify and no function of the template publishes to."""
        named = {rid for alarm in self.of_type("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
                 for key in ("AlarmActions", "OKActions", "InsufficientDataActions")
                 for rid in self.referenced(self.props(alarm).get(key))}
        published = {rid for function in self.functions
                     for resource in self.grant_resources(function, ("sns:publish",))
                     for rid in self.referenced(resource)}
        return frozenset(topic for topic in named if self.type_of(topic) == "AWS::SNS::Topic" and topic not in published)

    # -- logs, URLs, API stages, queue policies
    @cached_property
    def _retained_logs(self) -> tuple[set[str], set[str], set[str]]:
        """Log groups with a retention period: their logical ids, their names (literal, or the
        text of a Sub) and the resources their names refer to."""
        groups, names, refs = set(), set(), set()
        for rid in self.of_type("AWS::Logs::LogGroup"):
            props = self.props(rid)
            if "RetentionInDays" not in props:
                continue
            groups.add(rid)
            name = props.get("LogGroupName")
            if isinstance(name, str):
                names.add(name)
            elif isinstance(name, dict):
                if "Fn::Sub" in name:
                    names.add(_sub_parts(name)[0])
                refs |= _names(name)
        return groups, names, refs

    def log_retention(self, function: str) -> bool:
        """Whether the function's logs go to a log group with a retention period (or to one the
        template does not pin down)."""
        props = self.props(function)
        groups, names, refs = self._retained_logs
        configured = _get(props, "LoggingConfig", "LogGroup")
        if configured is not None:
            target = _target(configured)
            if (target is not None and target not in self.resources) or (target is None and _unknown(configured)):
                return True  # a parameter, an import or a condition
            return target in groups or (isinstance(configured, str) and configured in names)
        if function in refs:
            return True
        name = props.get("FunctionName")
        text = name if isinstance(name, str) else _sub_parts(name)[0] if isinstance(name, dict) else ""
        return bool(text) and f"/aws/lambda/{text}" in names

    @cached_property
    def function_urls(self) -> list[tuple[str, str]]:
        """(function, resource holding the URL) for each function URL anyone may call (AuthType NONE)."""
        urls = []
        for rid in self.of_type("AWS::Lambda::Url"):
            props = self.props(rid)
            function = self.function_of(props.get("TargetFunctionArn"))
            if props.get("AuthType") == "NONE" and function:
                urls.append((function, rid))
        for function in self.of_type("AWS::Serverless::Function"):
            if _get(self.props(function), "FunctionUrlConfig", "AuthType") == "NONE":
                urls.append((function, function))
        return urls

    @cached_property
    def api_stages(self) -> list[tuple[str, str, tuple[bool | None, bool | None]]]:
        """(API or stage, what to call it, (writes access logs, sets throttling)) for each API
        stage; None where a condition or parameter decides."""
        stages = []
        kinds = {"AWS::Serverless::Api": ("Api", "AccessLogSetting", "MethodSettings"),
                 "AWS::ApiGateway::Stage": (None, "AccessLogSetting", "MethodSettings"),
                 "AWS::Serverless::HttpApi": ("HttpApi", "AccessLogSettings", "DefaultRouteSettings"),
                 "AWS::ApiGatewayV2::Stage": (None, "AccessLogSettings", "DefaultRouteSettings")}
        for rid in self.of_type(*kinds):
            section, logs_key, throttle_key = kinds[self.type_of(rid)]
            props = self.props(rid)
            if section:
                props = _merge_globals(_get(self.document, "Globals", section), props)
            logs = props.get(logs_key)
            throttle = props.get(throttle_key)
            has_logs = False if logs is None else (None if _unknown(logs) else bool(logs))
            if throttle is None:
                throttled = False
            elif _unknown(throttle):
                throttled = None
            else:
                settings = _listed(throttle)
                if any(_unknown(item) for item in settings):
                    throttled = None
                else:
                    throttled = any(isinstance(item, dict) and ("ThrottlingRateLimit" in item or
                                                                "ThrottlingBurstLimit" in item) for item in settings)
            stages.append((rid, rid, (has_logs, throttled)))
        # An Api or HttpApi event naming no API makes SAM create one, set from Globals; the
        # finding goes on the first function with such an event.
        implicit = {"Api": ("RestApiId", "Api", "AccessLogSetting", "MethodSettings"),
                    "HttpApi": ("ApiId", "HttpApi", "AccessLogSettings", "DefaultRouteSettings")}
        for event_type, (api_key, section, logs_key, throttle_key) in implicit.items():
            owner = next((function for function in self.of_type("AWS::Serverless::Function")
                          for event in _listed(list((self.props(function).get("Events") or {}).values())
                                               if isinstance(self.props(function).get("Events"), dict) else [])
                          if _get(event, "Type") == event_type
                          and api_key not in (event.get("Properties") if isinstance(event.get("Properties"), dict)
                                              else {})), None)
            if owner is None:
                continue
            settings = _get(self.document, "Globals", section)
            settings = settings if isinstance(settings, dict) else {}
            logs, throttle = settings.get(logs_key), settings.get(throttle_key)
            has_logs = False if logs is None else (None if _unknown(logs) else bool(logs))
            throttled = False if throttle is None else (None if _unknown(throttle) else any(
                isinstance(item, dict) and ("ThrottlingRateLimit" in item or "ThrottlingBurstLimit" in item)
                for item in _listed(throttle)))
            # Named as SAM names it, so the message does not call the function an API.
            stages.append((owner, f"{IMPLICIT_API_IDS[event_type]} (which SAM creates for the {event_type} events "
                                  f"of {owner}; set it in Globals {section})", (has_logs, throttled)))
        return stages

    @cached_property
    def queues_with_policy(self) -> frozenset[str]:
        found: set[str] = set()
        for rid in self.of_type("AWS::SQS::QueuePolicy"):
            found |= self.referenced(self.props(rid).get("Queues"))
        for rid in self.of_type("AWS::SQS::QueueInlinePolicy"):
            found |= self.referenced(self.props(rid).get("Queue"))
        for connector in self.connectors:
            if (self.type_of(connector.source) in QUEUE_POLICY_SOURCES and "Write" in connector.permissions
                    and connector.destination_type == "AWS::SQS::Queue"):
                found |= self.referenced(connector.destination)
        return frozenset(found)

    # -- relational databases
    @cached_property
    def has_proxy(self) -> bool:
        return bool(self.of_type(*PROXY_TYPES))

    def database_access(self, function: str) -> tuple[bool, bool, bool]:
        """(opens connections, uses the Data API, may go through a proxy) for one function."""
        if function not in self._database_access:
            self._database_access[function] = self._database_access_of(function)
        return self._database_access[function]

    def _database_access_of(self, function: str) -> tuple[bool, bool, bool]:
        props = self.props(function)
        variables = _get(props, "Environment", "Variables")
        variables = variables if isinstance(variables, dict) else {}
        db_variables = {name: value for name, value in variables.items()
                        if isinstance(name, str) and DB_VARIABLE.search(re.sub(r"[_\-]", "", name.lower()))}
        connect_grants = self.grant_resources(function, ["rds-db:connect"])
        endpoints = [rid for rid, attribute in _attributes(variables)
                     if self.type_of(rid) in DATABASE_TYPES + PROXY_TYPES and attribute.lower().startswith(
                         ("endpoint", "readendpoint"))]
        connects = bool(connect_grants) or bool(endpoints) or (bool(db_variables) and "VpcConfig" in props)
        data_api = bool(self.grant_resources(function, ["rds-data:executestatement"]))
        # A proxy anywhere in the template, or an endpoint whose name says so (a parameter
        # such as RdsProxyEndpoint, a prx- resource id), is taken as used.
        words = " ".join([*db_variables, *_strings(db_variables), *_names(db_variables),
                          *_strings(connect_grants), *_names(connect_grants)]).lower()
        proxied = self.has_proxy or "proxy" in words or "prx-" in words
        return connects, data_api, proxied


def _policy_template_grants(policy: dict) -> Iterator[_Grant]:
    for template_name, parameters in policy.items():
        known = POLICY_TEMPLATES.get(template_name)
        if known:
            yield _Grant(known[0], (_get(parameters, known[1]),), template=True)


def _statements(document: Any) -> Iterator[_Grant]:
    for statement in _listed(_get(document, "Statement")):
        if not isinstance(statement, dict) or statement.get("Effect", "Allow") != "Allow" or "Action" not in statement:
            continue
        actions = tuple(a.lower() for a in _listed(statement.get("Action")) if isinstance(a, str))
        if actions:
            yield _Grant(actions, tuple(_listed(statement.get("Resource"))))


class _NameIndex:
    """Which ids a value refers to: by a name it uses (Ref, GetAtt, ${...}), or by a literal or
    Sub name inside its text (an ARN or name mentions a resource when the name is a whole
    piece of it, between ':' or '/' separators). Built once per template, so finding what a
    value names costs the size of the value, not of the template."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.texts: dict[str, list[str]] = {}
        self._lengths: set[int] = set()

    def add_name(self, name: str, rid: str) -> None:
        self.names.setdefault(name, []).append(rid)

    def add_text(self, text: str, rid: str) -> None:
        if text:
            self.texts.setdefault(text, []).append(rid)
            self._lengths.add(len(text))

    def lookup(self, value: Any) -> set[str]:
        found = {rid for name in _names(value) for rid in self.names.get(name, ())}
        if self.texts:
            for text in _strings(value):
                found.update(self._mentioned(text))
        return found

    def _mentioned(self, text: str) -> Iterator[str]:
        # A name is mentioned where it starts the text or follows ':' or '/', and ends the
        # text or is followed by '/' or ':'; only the lengths of known names are tried.
        size = len(text)
        lengths = sorted(self._lengths)
        starts = [0, *(index + 1 for index, char in enumerate(text) if char in ":/")]
        for count, start in enumerate(starts, 1):
            if count % 16 == 0:
                _on_time()  # a long text full of separators
            for length in lengths:
                end = start + length
                if end > size:
                    break
                if end == size or text[end] in "/:":
                    yield from self.texts.get(text[start:end], ())


def _events(t: _Template, rid: str) -> list:
    events = t.props(rid).get("Events")
    return list(events.values()) if isinstance(events, dict) else []


def _invoked_functions(t: _Template, function: str) -> set[str]:
    """What the function may invoke: other functions of the template, or named ones outside it.
    A wildcard resource is not counted: it says nothing about which function is called."""
    return t.invoked.get(function, set())


def _invoked_functions_of(t: _Template, function: str) -> set[str]:
    targets: set[str] = set()
    for resource in t.grant_resources(function, INVOKE_ACTIONS):
        referenced = t.referenced(resource)
        inside = {rid for rid in referenced if rid != function and rid in t.function_ids}
        if inside:
            targets |= inside
        elif function in referenced:
            continue
        elif _names(resource) & t.parameters:
            targets |= _names(resource) & t.parameters
        else:
            targets |= {text for text in _strings(resource) if ":function:" in text and not text.endswith(":function:*")}
    return targets
