"""Read an AWS SAM or CloudFormation template; report the patterns it uses and the risks it carries.

    analyze(text) -> Analysis(patterns, resources, findings, architecture)   (SPEC 3.2, 3.5, 4.4, 8.5)

The catalogue's knowledge run backwards: instead of answers -> patterns -> warnings, the
resources and their wiring -> patterns -> findings. Plain Python: the command, the web
page and the API call this one function.

Parsing is hostile-input safe: the text is bounded in size, the YAML is composed in
Python with limits on nesting and on the number of values, and every CloudFormation short
tag becomes its long form (``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``). What
CloudFormation refuses or leaves undefined is refused with its line: YAML aliases and
merge keys (so a "billion laughs" document stops at its first alias), and a key repeated
in one mapping. A template may declare at most ``MAX_RESOURCES`` resources, and one
analysis may take at most ``ANALYSIS_SECONDS`` of processing: past either it is refused.
The lookups the checks share are built once per template, so the cost grows with the
size of the template.

Patterns come from the wiring, in SAM (function ``Events``, policy templates, Globals)
and plain CloudFormation shapes (event source mappings, bucket notifications, SNS
subscriptions, EventBridge rule targets, API Gateway methods and integrations, IAM roles
and policies attached to a function's role). Two need a judgement call:

- ``chaining``: a function allowed to invoke a specific other function (``LambdaInvokePolicy``
  or ``lambda:InvokeFunction`` on its ARN or on a function name parameter), or one whose
  on-success/on-failure destination is another function. A wildcard resource names no
  target and does not count.
- ``orchestrator``: a function allowed to invoke two or more other functions, or a function
  behind an API allowed to call three or more of the template's tables, buckets, functions,
  workflows or databases: it builds one answer from several services while the caller waits.

The architecture (components and connections, the graph the generator records) is read
from the same template model by ``analyzer_architecture``.

Findings are conservative: a value the template does not pin down (a parameter, a
condition, an import) never produces one, and a managed policy named by ARN is not read.
``Finding.resource`` is the logical id of the resource to change: the queue for a redrive
policy or its visibility, the event source mapping for a CloudFormation trigger setting,
otherwise the function.
"""

from __future__ import annotations

import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:  # libyaml scans and parses; composing stays in Python so the limits below apply.
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _Parser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _Parser.__init__(self)

from architecture import Architecture
from pattern_library import registry

from . import plain_data
from .catalogue import SEVERITIES

# CloudFormation itself refuses a template body over 1 MB, so nothing real is larger.
MAX_TEMPLATE_BYTES = 1024 * 1024
# Real templates nest about 15 levels deep (inline state machines a few more).
MAX_DEPTH = 64
# Values in the document; the largest real templates hold a few thousand.
MAX_VALUES = 100_000
# CloudFormation's own quota of resources in one template.
MAX_RESOURCES = 500
# Seconds of processing (CPU time of the thread, parsing included) one analysis may take:
# real templates take milliseconds, the largest accepted ones about one second. CPU time
# rather than wall-clock time, so whether a template is refused does not depend on how busy
# the machine is.
ANALYSIS_SECONDS = 3.0

# Lambda and SQS defaults that apply when a template leaves the setting out.
LAMBDA_DEFAULT_TIMEOUT_S = 3
SQS_DEFAULT_VISIBILITY_S = 30
VISIBILITY_FACTOR = 6
# Used only when no catalogue is given (SPEC 3.4: limits are data rows).
DEFAULT_LIMITS = {"api-gateway-timeout": 29.0, "http-api-timeout": 30.0}

# Each finding's id (the API and the command line) and its title (pages).
FINDING_TITLES = {
    "missing-dlq": "No dead-letter queue or failure destination",
    "no-partial-batch-response": "One bad record fails the whole batch",
    "visibility-timeout-too-short": "Messages reappear while still being processed",
    "recursive-s3-trigger": "The function can trigger itself through its bucket",
    "stream-writes-same-table": "The stream handler writes to its own source table",
    "direct-lambda-invoke": "Functions call each other directly",
    "rds-without-proxy": "The database is reached without RDS Proxy",
    "api-timeout-exceeds-gateway": "The function outlives the API's timeout",
    "unbounded-retry": "Failed records are retried without a bound",
    "unbounded-concurrency": "Concurrency toward a limited system is not capped",
    "no-tracing": "Tracing is off",
}
FINDING_IDS = tuple(FINDING_TITLES)


class TemplateError(ValueError):
    """The text is not a template we can read; the message says why, for the user."""


# The property each finding is about, in order of preference: its line is the finding's line
# when the resource sets it; otherwise the finding is on the resource's line.
FINDING_PROPERTIES: dict[str, tuple[str, ...]] = {
    "missing-dlq": ("RedrivePolicy", "DestinationConfig", "EventInvokeConfig", "Events"),
    "no-partial-batch-response": ("FunctionResponseTypes", "Events"),
    "visibility-timeout-too-short": ("VisibilityTimeout",),
    "direct-lambda-invoke": ("Policies",),
    "api-timeout-exceeds-gateway": ("Timeout",),
    "unbounded-retry": ("MaximumRetryAttempts", "Events"),
    "unbounded-concurrency": ("ReservedConcurrentExecutions",),
    "no-tracing": ("Tracing", "TracingConfig"),
}


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str
    resource: str
    message: str
    line: int | None = None  # 1-based, of the resource or the property concerned; None when not known

    @property
    def title(self) -> str:
        return FINDING_TITLES.get(self.id, self.id)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "resource": self.resource, "line": self.line,
                "message": self.message}


@dataclass(frozen=True)
class Analysis:
    patterns: tuple[str, ...]
    resources: int
    findings: tuple[Finding, ...]
    architecture: Architecture = Architecture()  # the components and connections (SPEC 8.5)

    def to_dict(self) -> dict[str, Any]:
        return {
            "patterns": list(self.patterns),
            "resources": self.resources,
            "findings": [finding.to_dict() for finding in self.findings],
            "architecture": self.architecture.to_dict(),
        }


def analyze(text: str, limits: Mapping[str, float] | None = None, *, seconds: float = ANALYSIS_SECONDS,
            max_resources: int = MAX_RESOURCES) -> Analysis:
    """Analyse one template. ``limits`` maps limit ids (``api-gateway-timeout``,
    ``http-api-timeout``) to seconds, normally the live catalogue's rows. Raises
    TemplateError when the template cannot be read, declares more than ``max_resources``
    resources, or takes longer than ``seconds`` to analyse."""
    token = _BUDGET.set(_Budget(seconds))
    try:
        document, lines = _read(text, max_resources)
        template = _Template(document, {**DEFAULT_LIMITS, **(limits or {})})
        findings = []
        for check in _CHECKS:
            _on_time()
            findings.extend(_with_line(finding, lines) for finding in check(template))
        order = {resource: index for index, resource in enumerate(template.resources)}
        findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), order.get(f.resource, len(order)), f.id))
        from .analyzer_architecture import architecture_of  # it reads this module's template model

        patterns = _patterns(template)
        _on_time()
        return Analysis(patterns=patterns, resources=len(template.raw_resources), findings=tuple(findings),
                        architecture=architecture_of(template))
    finally:
        _BUDGET.reset(token)


def _with_line(finding: Finding, lines: Mapping[tuple[str, ...], int]) -> Finding:
    keys = [(finding.resource, name) for name in FINDING_PROPERTIES.get(finding.id, ())] + [(finding.resource,)]
    line = next((lines[key] for key in keys if key in lines), None)
    return replace(finding, line=line)


class _Budget:
    """The processing time one analysis has left, on this thread's CPU clock."""

    __slots__ = ("deadline", "seconds", "calls")
    CHECK_EVERY = 64  # reading the clock costs more than the work between most calls

    def __init__(self, seconds: float):
        self.deadline, self.seconds, self.calls = time.thread_time() + seconds, seconds, 0


# The budget of the analysis running in this thread (or task), None outside one.
_BUDGET: ContextVar[_Budget | None] = ContextVar("analysis_budget", default=None)


def _on_time() -> None:
    """Refuse the analysis in progress once it has used its time; called along every long loop."""
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.calls += 1
    if budget.calls % _Budget.CHECK_EVERY == 1 and time.thread_time() >= budget.deadline:
        raise TemplateError(f"Refused: analysing the template took more than {budget.seconds:g} s of processing, "
                            "the most one analysis may take. Split it into smaller templates, or analyse one "
                            "stack at a time.")


def _too_many_resources(limit: int) -> TemplateError:
    return TemplateError(f"Refused: the template declares more than {limit:,} resources, the most the analyzer "
                         "reads (CloudFormation's own limit for one template). Split it into nested stacks "
                         "and analyse each one.")


def limits_from(limit_values: Mapping[str, Any]) -> dict[str, float]:
    """The limits the analyzer uses, from a catalogue's ``limit_map`` (id -> Limit)."""
    return {key: float(limit_values[key].value) for key in DEFAULT_LIMITS if key in limit_values}


# Parsing ------------------------------------------------------------------------------------

_LONG_FORM = {"Ref": "Ref", "Condition": "Condition"} | {
    name: f"Fn::{name}" for name in (
        "And", "Base64", "Cidr", "Contains", "EachMemberEquals", "EachMemberIn", "Equals", "FindInMap",
        "ForEach", "GetAtt", "GetAZs", "If", "ImportValue", "Join", "Length", "Not", "Or", "RefAll", "Select",
        "Split", "Sub", "ToJsonString", "Transform", "ValueOf", "ValueOfAll",
    )
}


class _TemplateLoader(Composer, _Parser, SafeConstructor, Resolver):
    """A safe loader that checks while it composes: depth, the number of values and of
    resources, YAML aliases, merge keys and repeated keys; it notes the line of each resource
    and of each of its properties."""

    def __init__(self, text: str, max_resources: int = MAX_RESOURCES):
        _Parser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self._composed = 0
        self._max_resources = max_resources
        self._resources = 0
        self._path: list[str | None] = []  # the keys from the top down to the node being composed
        self.lines: dict[tuple[str, ...], int] = {}  # (resource,) or (resource, property) -> line

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise TemplateError(f"Refused: line {event.start_mark.line + 1}: the YAML alias *{event.anchor[:60]}; "
                                "CloudFormation does not accept YAML aliases. Write the value out in full.")
        self._depth += 1
        self._composed += 1
        if self._depth > MAX_DEPTH:
            raise TemplateError(f"Refused: the template is nested more than {MAX_DEPTH} levels deep.")
        if self._composed > MAX_VALUES:
            raise TemplateError(f"Refused: the template holds more than {MAX_VALUES:,} values.")
        if self._composed % 64 == 0:
            _on_time()
        key = index.value if isinstance(index, yaml.ScalarNode) else None
        self._path.append(key)
        if key is not None and len(self._path) in (3, 5) and self._path[1] == "Resources":
            self._note_line(index)
        node = super().compose_node(parent, index)
        self._path.pop()
        self._depth -= 1
        if isinstance(node, yaml.MappingNode):
            _check_keys(node)
        return node

    def _note_line(self, key: yaml.ScalarNode) -> None:
        if len(self._path) == 3:  # a resource
            self._resources += 1
            if self._resources > self._max_resources:
                raise _too_many_resources(self._max_resources)
            self.lines.setdefault((key.value,), key.start_mark.line + 1)
        elif self._path[3] == "Properties":
            self.lines.setdefault((self._path[2], key.value), key.start_mark.line + 1)


def _check_keys(node: yaml.MappingNode) -> None:
    """Refuse merge keys, and a key given twice in one mapping (CloudFormation's behaviour
    with repeated keys is undefined: it may keep either)."""
    first: dict[str, int] = {}
    for key, _ in node.value:
        line = key.start_mark.line + 1
        if key.tag == "tag:yaml.org,2002:merge":
            raise TemplateError(f"Refused: line {line}: a YAML merge key (<<); CloudFormation does not accept "
                                "merge keys. Write the keys out in full.")
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value in first:
            raise _repeated_key(key.value, line, first[key.value])
        first[key.value] = line


class _RepeatedKeyError(TemplateError):
    pass


def _repeated_key(key: str, line: int | None, first_line: int | None = None) -> TemplateError:
    where = f"line {line}: " if line else ""
    before = f" (first on line {first_line})" if first_line else ""
    shown = key if len(key) <= 80 else key[:77] + "..."
    return _RepeatedKeyError(f"Refused: {where}the key {shown!r} appears twice in one mapping{before}; what "
                         "CloudFormation does with a repeated key is undefined. Keep one of them.")


def _intrinsic(loader: _TemplateLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = _LONG_FORM.get(suffix)
    if name is None:
        raise TemplateError(f"Not a CloudFormation template: the tag !{suffix[:40]} is not a CloudFormation function.")
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "Fn::GetAtt":  # !GetAtt Resource.Attribute (attributes may contain dots)
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)
# CloudFormation reads dates such as AWSTemplateFormatVersion as text.
_TemplateLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_scalar)


def load_template(text: str, *, max_resources: int = MAX_RESOURCES) -> dict[str, Any]:
    """Parse YAML (with short tags) or JSON into plain data; raise TemplateError if it is not
    a template we can read."""
    return _read(text, max_resources)[0]


def _read(text: str, max_resources: int = MAX_RESOURCES) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """The document, and the lines of its resources and their properties (by key path)."""
    if not isinstance(text, str):
        raise TemplateError("The template must be text.")
    size = len(text) if len(text) > MAX_TEMPLATE_BYTES else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"Too large: the template is over {MAX_TEMPLATE_BYTES // 1024:,} KB, "
                            "more than CloudFormation accepts.")
    if not text.strip():
        raise TemplateError("The template is empty.")
    document, lines = _load_json(text) if text.lstrip()[:1] in "{[" else (None, {})
    if document is None:
        document, lines = _load_yaml(text, max_resources)
    if not isinstance(document, dict):
        kind = {list: "a list", str: "a single text value"}.get(type(document), "a single value")
        raise TemplateError(f"Not a CloudFormation template: the top level is {kind}, not a mapping of sections.")
    resources = document.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError("Not a CloudFormation template: it has no Resources section "
                            "(a template declares at least one resource).")
    if len(resources) > max_resources:
        raise _too_many_resources(max_resources)
    return document, lines


class _RepeatedJsonKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) < len(pairs):
        seen: set[str] = set()
        raise _RepeatedJsonKey(next(key for key, _ in pairs if key in seen or seen.add(key)))
    return document


def _load_json(text: str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """JSON, or None when the text is not JSON (YAML flow style also starts with a brace)."""
    try:
        document = plain_data.loads(text, object_pairs_hook=_unique_keys)
    except _RepeatedJsonKey as repeated:
        # JSON is (nearly) YAML: the YAML reader finds the line; otherwise the key alone is shown.
        try:
            _load_yaml(text, MAX_RESOURCES)
        except _RepeatedKeyError:
            raise
        except TemplateError:
            pass
        raise _repeated_key(str(repeated), None) from None
    except plain_data.PlainDataError as exc:
        if exc.syntax:
            return None, {}
        if isinstance(exc, plain_data.NestedTooDeeply):
            raise TemplateError(f"Refused: the template is nested more than {MAX_DEPTH} levels deep.") from None
        raise TemplateError(f"Refused: the template {exc}.") from None
    _check_shape(document)
    return document, _json_lines(text, document)


def _check_shape(document: Any) -> None:
    stack, count = [(document, 1)], 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise TemplateError(f"Refused: the template is nested more than {MAX_DEPTH} levels deep.")
        if count > MAX_VALUES:
            raise TemplateError(f"Refused: the template holds more than {MAX_VALUES:,} values.")
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def _json_lines(text: str, document: Any) -> dict[tuple[str, ...], int]:
    """Lines of the resources (and their properties) in a JSON template. JSON marks no
    positions, so the YAML reader, which JSON nearly always satisfies, reads them; nothing
    when it cannot."""
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        return {}
    loader = _TemplateLoader(text, max_resources=len(document["Resources"]))
    try:
        loader.get_single_node()
    except (TemplateError, yaml.YAMLError, RecursionError, ValueError):
        return {}
    finally:
        loader.dispose()
    return loader.lines


def _load_yaml(text: str, max_resources: int) -> tuple[Any, dict[tuple[str, ...], int]]:
    loader = _TemplateLoader(text, max_resources)
    try:
        document = loader.get_single_data()
        plain_data.check(document)
        return document, loader.lines
    except plain_data.PlainDataError as exc:
        raise TemplateError(f"Refused: the template {exc}.") from None
    except TemplateError:
        raise
    except yaml.MarkedYAMLError as exc:
        where = f" (line {exc.problem_mark.line + 1}, column {exc.problem_mark.column + 1})" if exc.problem_mark else ""
        problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "unreadable"
        raise TemplateError(f"Not valid YAML or JSON: {problem}{where}.") from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"Not valid YAML or JSON: {str(exc).splitlines()[0][:200]}.") from None
    except RecursionError:
        raise TemplateError(f"Refused: the template is nested more than {MAX_DEPTH} levels deep.") from None
    except (ValueError, OverflowError):
        raise TemplateError("Not valid YAML or JSON: a value cannot be read "
                            "(a number thousands of digits long, or a date that does not exist).") from None
    finally:
        loader.dispose()


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

    def __init__(self, document: dict, limits: Mapping[str, float]):
        self.document = document
        self.limits = limits
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
        return _number(props["Timeout"]) if "Timeout" in props else LAMBDA_DEFAULT_TIMEOUT_S

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
        result = {}
        for function in self.functions:
            _on_time()
            props = self.props(function)
            role = _target(props.get("Role"))
            documents = list(self.role_documents.get(role or "", []))
            groups: list[tuple[_Grant, ...]] = []
            if role is None and self.type_of(function) == "AWS::Serverless::Function":
                documents += self.role_documents.get(f"{function}Role", [])
                for policy in _listed(props.get("Policies")):
                    if not isinstance(policy, dict):
                        continue  # a managed policy by name: its contents are not in the template
                    if "Statement" in policy:
                        documents.append(policy)
                    else:
                        groups.append(self._read_once(policy, _policy_template_grants))
            for document in documents:
                groups.append(self._read_once(document, _statements))
            result[function] = groups
        return result

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
            yield _Grant(known[0], (_get(parameters, known[1]),))


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


# Patterns ------------------------------------------------------------------------------------------

def _patterns(t: _Template) -> tuple[str, ...]:
    """The patterns the template uses: each pattern folder's detect.py decides for its own."""
    found = []
    for pattern in registry.patterns():
        detector = pattern.part("detect")
        if detector is not None and detector.detect(t):
            found.append(pattern.slug)
    return tuple(found)


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


# Findings -------------------------------------------------------------------------------------------

def _join(labels: Iterable[str]) -> str:
    labels = sorted(set(labels))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _check_missing_dlq(t: _Template) -> Iterator[Finding]:
    dead_letter_queues = {
        _target(_get(t.props(q), "RedrivePolicy", "deadLetterTargetArn")) for q in t.of_type("AWS::SQS::Queue")}
    for queue in sorted({s.origin for s in t.sources if s.kind == "sqs" and s.origin}, key=t.position):
        props = t.props(queue)
        if "RedrivePolicy" in props or queue in dead_letter_queues or t.type_of(queue) != "AWS::SQS::Queue":
            continue
        consumers = _join(s.function or s.owner for s in t.sources_from(queue) if s.kind == "sqs")
        yield Finding("missing-dlq", "high", queue,
                      f"Queue {queue} (read by {consumers}) has no redrive policy: a message that always fails "
                      "is received again and again until it expires, costing invocations and hiding the error. "
                      "Add a RedrivePolicy with a dead-letter queue and a maxReceiveCount of about 5, and alarm "
                      "on messages arriving in that queue.")
    for source in t.sources:
        if source.kind in ("dynamodb", "kinesis") and source.function is not None and \
                _get(source.settings, "DestinationConfig", "OnFailure") is None:
            where = source.owner
            yield Finding("missing-dlq", "high", where,
                          f"The {source.kind} stream trigger ({source.label} of {source.function}) has no on-failure "
                          "destination: records that keep failing are dropped without a trace when they age out. "
                          "Set DestinationConfig.OnFailure to an SQS queue or SNS topic so failed batches are kept "
                          "for inspection and replay.")
    for function in t.functions:
        asynchronous = [s for s in t.sources_of(function) if s.kind in ("s3", "sns", "eventbridge", "schedule")]
        if not asynchronous or _has_function_dlq(t, function):
            continue
        unprotected = [s for s in asynchronous if not _source_has_dlq(s)]
        if unprotected:
            yield Finding("missing-dlq", "high", function,
                          f"Function {function} is invoked asynchronously ({_join(s.label for s in unprotected)}) "
                          "with no dead-letter queue or on-failure destination: after Lambda's retries an event "
                          "that keeps failing is discarded. Add EventInvokeConfig.DestinationConfig.OnFailure (or a "
                          "DeadLetterQueue) pointing at an SQS queue, and alarm on it.")


def _has_function_dlq(t: _Template, function: str) -> bool:
    props = t.props(function)
    if props.get("DeadLetterQueue") or _get(props, "DeadLetterConfig", "TargetArn") is not None:
        return True
    if _get(props, "EventInvokeConfig", "DestinationConfig", "OnFailure") is not None:
        return True
    return any(_get(config, "DestinationConfig", "OnFailure") is not None for config in t.invoke_configs_of(function))


def _source_has_dlq(source: _Source) -> bool:
    # EventBridge targets and SNS subscriptions can keep undeliverable events themselves.
    return bool(source.settings.get("DeadLetterConfig") or source.settings.get("RedrivePolicy"))


def _check_partial_batch(t: _Template) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for source in t.sources:
        if source.kind not in ("sqs", "dynamodb", "kinesis") or source.function is None:
            continue
        types = source.settings.get("FunctionResponseTypes")
        batch = _number(source.settings.get("BatchSize")) if "BatchSize" in source.settings else 10
        if types is not None and not isinstance(types, list):
            continue  # a parameter or condition
        if "ReportBatchItemFailures" in (types or []) or batch is None or batch <= 1:
            continue
        if (source.owner, source.kind) in seen:
            continue
        seen.add((source.owner, source.kind))
        what = "messages" if source.kind == "sqs" else "records"
        yield Finding("no-partial-batch-response", "medium", source.owner,
                      f"The {source.label} of {source.function} does not report partial batch failures: one bad "
                      f"record makes the whole batch fail, so {what} that succeeded are processed again. Add "
                      "FunctionResponseTypes: [ReportBatchItemFailures] and return the failed item ids in "
                      "batchItemFailures.")


def _check_visibility(t: _Template) -> Iterator[Finding]:
    for queue in t.of_type("AWS::SQS::Queue"):
        props = t.props(queue)
        visibility = _number(props["VisibilityTimeout"]) if "VisibilityTimeout" in props else SQS_DEFAULT_VISIBILITY_S
        consumers = [s.function for s in t.sources_from(queue) if s.kind == "sqs" and s.function]
        timeouts = [(t.timeout(function), function) for function in consumers]
        known = [(timeout, function) for timeout, function in timeouts if timeout is not None]
        if visibility is None or not known or len(known) < len(timeouts):
            continue
        timeout, function = max(known)
        if visibility < VISIBILITY_FACTOR * timeout:
            shown = "the default 30 s" if "VisibilityTimeout" not in props else f"{visibility:g} s"
            yield Finding("visibility-timeout-too-short", "high" if visibility < timeout else "medium", queue,
                          f"Queue {queue} hides a received message for {shown}, but {function} may run for "
                          f"{timeout:g} s: a slow or retried batch becomes visible again while it is still being "
                          f"processed and is handled twice. Set VisibilityTimeout to at least "
                          f"{VISIBILITY_FACTOR * timeout:g} s ({VISIBILITY_FACTOR} x the function timeout).")


def _check_recursive_s3(t: _Template) -> Iterator[Finding]:
    reported: set[tuple[str, str]] = set()
    for source in t.sources:
        if source.kind != "s3" or source.function is None or source.origin is None:
            continue
        function, bucket = source.function, source.origin
        if (function, bucket) in reported or not t.may(function, "s3:putobject", bucket):
            continue
        rules = _listed(_get(source.settings, "Filter", "S3Key", "Rules"))
        filters = {str(_get(rule, "Name")).lower(): _get(rule, "Value") for rule in rules if isinstance(rule, dict)}
        prefix, suffix = filters.get("prefix"), filters.get("suffix")
        outputs = _write_prefixes(t, function, bucket)
        if outputs is None or not all(isinstance(value, (str, type(None))) for value in (prefix, suffix)):
            continue  # a parameter or a computed key: cannot be compared
        if prefix:
            if all(not (output.startswith(prefix) or prefix.startswith(output)) for output in outputs):
                continue
            finding = Finding("recursive-s3-trigger", "high", function,
                              f"Function {function} is triggered by objects under {prefix!r} in bucket {bucket} and "
                              "may write under that prefix too, which would trigger it again. Limit its write "
                              "permission to an output prefix that does not overlap the input one, or write to "
                              "another bucket.")
        elif suffix:
            finding = Finding("recursive-s3-trigger", "medium", function,
                              f"Function {function} is triggered by bucket {bucket}, which it may also write to, and "
                              f"the event is filtered only by the suffix {suffix!r}: one output ending the same way "
                              "starts a loop. Filter on an input prefix and write results under another prefix or to "
                              "another bucket.")
        else:
            finding = Finding("recursive-s3-trigger", "critical", function,
                              f"Function {function} runs on every new object in bucket {bucket} and is allowed to "
                              "write to that same bucket: each object it writes triggers it again. Filter the event to "
                              "an input prefix (uploads/) and write results under another prefix or to another bucket.")
        reported.add((function, bucket))
        yield finding


def _write_prefixes(t: _Template, function: str, bucket: str) -> list[str] | None:
    """Key prefixes the function may write in the bucket ('' for anywhere); None when a
    prefix is computed from a parameter."""
    prefixes = []
    for grant in t.grants.get(function, []):
        if not _allows(grant.actions, "s3:putobject"):
            continue
        for resource in grant.resources:
            if not t.refers_to(resource, bucket):
                continue
            # The key part of an ARN: after "bucket/" in one text, or a "/key" piece of a Join.
            keys = [text.split(":::")[-1].split("/", 1)[1] if ":::" in text else text.split("/", 1)[1]
                    for text in _strings(resource) if "/" in text.split(":::")[-1]]
            if not keys:
                prefixes.append("")  # a policy template or a bare bucket: the whole bucket
            for key in keys:
                prefix = key.split("*")[0]
                if "${" in prefix:
                    return None
                prefixes.append(prefix)
    return prefixes


def _check_stream_same_table(t: _Template) -> Iterator[Finding]:
    for source in t.sources:
        if source.kind != "dynamodb" or source.function is None or source.origin is None:
            continue
        if source.settings.get("FilterCriteria"):
            continue  # the filter may drop the function's own writes; it cannot be judged here
        if any(t.may(source.function, action, source.origin) for action in TABLE_WRITE_ACTIONS):
            yield Finding("stream-writes-same-table", "critical", source.function,
                          f"Function {source.function} reacts to the stream of table {source.origin} and is allowed "
                          "to write to that table: each write it makes lands on the stream and invokes it again. "
                          "Write somewhere else, or guard the write with a condition (a processed flag or version) "
                          "and add FilterCriteria so the function's own changes are skipped.")


def _check_direct_invoke(t: _Template) -> Iterator[Finding]:
    for function in t.functions:
        targets = _invoked_functions(t, function)
        if targets:
            yield Finding("direct-lambda-invoke", "medium", function,
                          f"Function {function} is allowed to invoke {_join(targets)} directly: the caller waits "
                          "(and pays) while the other runs, retries multiply, and failures are hard to follow. "
                          "Hand the work over through SQS, SNS or EventBridge, or model the steps in Step Functions.")


def _check_relational(t: _Template) -> Iterator[Finding]:
    for function in t.functions:
        connects, data_api, proxied = t.database_access(function)
        if connects and not proxied:
            yield Finding("rds-without-proxy", "high", function,
                          f"Function {function} opens connections to a relational database without RDS Proxy: "
                          "every concurrent execution holds its own connection, and a traffic spike can use up the "
                          "database's connection limit. Connect through an RDS Proxy endpoint and open the "
                          "connection once per execution environment, outside the handler.")
        if (connects or data_api) and not _concurrency_bounded(t, function):
            yield Finding("unbounded-concurrency", "medium", function,
                          f"Function {function} writes to a relational database but nothing limits how many copies "
                          "run at once: Lambda can scale to hundreds of executions and overload the database. "
                          "Set ReservedConcurrentExecutions (or ScalingConfig.MaximumConcurrency on its SQS "
                          "trigger) to what the database can serve.")


def _concurrency_bounded(t: _Template, function: str) -> bool:
    if "ReservedConcurrentExecutions" in t.props(function):
        return True
    sources = t.sources_of(function)
    return bool(sources) and all(
        s.kind == "sqs" and _get(s.settings, "ScalingConfig", "MaximumConcurrency") is not None for s in sources)


def _check_api_timeout(t: _Template) -> Iterator[Finding]:
    for function in t.functions:
        limit, timeout = t.api_limit(function), t.timeout(function)
        if limit is not None and timeout is not None and timeout > limit:
            yield Finding("api-timeout-exceeds-gateway", "high", function,
                          f"Function {function} may run for {timeout:g} s, but the API in front of it stops waiting "
                          f"after {limit:g} s: callers get a 504 while the work goes on. Keep the request path under "
                          "the limit, or accept the request, queue the work and let the client poll or be notified.")


def _check_unbounded_retry(t: _Template) -> Iterator[Finding]:
    for source in t.sources:
        if source.kind not in ("dynamodb", "kinesis") or source.function is None:
            continue
        attempts = source.settings.get("MaximumRetryAttempts")
        if attempts is not None and _number(attempts) != -1:
            continue
        yield Finding("unbounded-retry", "high", source.owner,
                      f"The {source.kind} stream trigger ({source.label} of {source.function}) retries a failing "
                      "batch until its records expire, which blocks the shard behind it for up to the retention "
                      "period. Set MaximumRetryAttempts (and BisectBatchOnFunctionError) so a bad record is set "
                      "aside quickly.")


def _check_tracing(t: _Template) -> Iterator[Finding]:
    for function in t.functions:
        props = t.props(function)
        mode = props.get("Tracing") if "Tracing" in props else _get(props, "TracingConfig", "Mode")
        if mode is not None and not isinstance(mode, str):
            continue  # a parameter or condition
        if mode != "Active":
            yield Finding("no-tracing", "low", function,
                          f"Function {function} does not have active X-Ray tracing, so a request cannot be followed "
                          "across the services it touches. Set Tracing: Active (or Globals.Function.Tracing).")


_CHECKS = (
    _check_missing_dlq, _check_partial_batch, _check_visibility, _check_recursive_s3, _check_stream_same_table,
    _check_direct_invoke, _check_relational, _check_api_timeout, _check_unbounded_retry, _check_tracing,
)
