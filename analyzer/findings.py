"""The risks a template carries, as findings.

Findings are conservative: a value the template does not pin down (a parameter, a
condition, an import) never produces one, and a managed policy named by ARN is not read.
``Finding.resource`` is the logical id of the resource to change: the queue for a redrive
policy or its visibility, the event source mapping for a CloudFormation trigger setting, the
state machine for its steps, otherwise the function.

Each check says which finding, on which resource, in which case and with which values; the
words (title, severity, explanation, fix) are the catalogue's finding rows, filled in with
those values (``patterns.finding_texts`` lists the cases and values).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator, Mapping

from architecture import Architecture
from patterns.catalogue import SEVERITIES, AnalyzerFinding, load_files
from patterns.finding_texts import FINDING_IDS, case_text, fill

from .model import (
    STATE_MACHINE_TYPES,
    TABLE_WRITE_ACTIONS,
    _allows,
    _get,
    _invoked_functions,
    _listed,
    _number,
    _statements,
    _strings,
    _target,
    _Template,
    _unknown,
)
from .reading import _on_time

# The property each finding is about, in order of preference: its line is the finding's line
# when the resource sets it; otherwise the finding is on the resource's line.
FINDING_PROPERTIES: dict[str, tuple[str, ...]] = {
    "missing-dlq": ("RedrivePolicy", "DestinationConfig", "EventInvokeConfig", "Events", "Targets", "Target"),
    "no-partial-batch-response": ("FunctionResponseTypes", "Events"),
    "visibility-timeout-too-short": ("VisibilityTimeout",),
    "batch-timeout-too-short": ("BatchSize", "Events"),
    "direct-lambda-invoke": ("Policies",),
    "api-timeout-exceeds-gateway": ("Timeout",),
    "unbounded-retry": ("MaximumRetryAttempts", "Events"),
    "unbounded-concurrency": ("ReservedConcurrentExecutions",),
    "no-tracing": ("Tracing", "TracingConfig", "TracingConfiguration"),
    "recursive-loop-allowed": ("RecursiveLoop",),
    "task-without-retry": ("Definition", "DefinitionString"),
    "default-timeout": ("Timeout",),
    "default-memory": ("MemorySize",),
    "deprecated-runtime": ("Runtime",),
    "no-log-retention": ("LoggingConfig",),
    "wildcard-iam-action": ("Policies", "Role", "PolicyDocument"),
    "public-function-url": ("AuthType", "FunctionUrlConfig"),
    "api-access-logs-off": ("AccessLogSetting", "AccessLogSettings", "StageName"),
    "api-throttling-default": ("MethodSettings", "DefaultRouteSettings", "StageName"),
    "missing-queue-policy": ("QueueName",),
    "fifo-limits": ("RedrivePolicy", "BatchSize", "Events", "Protocol"),
    "loop": ("Policies", "Events"),
}


@dataclass(frozen=True)
class Finding:
    """One risk on one resource, in the catalogue's words."""
    id: str
    severity: str
    resource: str
    title: str
    explanation: str  # what is wrong here and why it matters
    fix: str  # what to change
    line: int | None = None  # 1-based, of the resource or the property concerned; None when not known
    rule_ids: tuple[str, ...] = ()  # the equivalent serverless-rules ids, where there are any

    @property
    def message(self) -> str:
        """The explanation and the fix, as one paragraph."""
        return f"{self.explanation} {self.fix}"

    @property
    def resources(self) -> tuple[str, ...]:
        return (self.resource,)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "resource": self.resource, "line": self.line,
                "title": self.title, "message": self.message, "explanation": self.explanation, "fix": self.fix,
                "rule_ids": list(self.rule_ids)}


@dataclass(frozen=True)
class _Found:
    """A finding as a check sees it: the finding id, the resource, the case or cases it shows up
    as with the values the text may name, and the serverless-rules ids."""
    id: str
    resource: str
    cases: tuple[tuple[str, Mapping[str, object]], ...]
    rule_ids: tuple[str, ...] = ()


def _found(finding_id: str, resource: str, /, case: str | None = None, rule_ids: Iterable[str] = (),
           **values: object) -> _Found:
    return _Found(finding_id, resource, ((case or finding_id, values),), tuple(rule_ids))


def findings_of(t: _Template, lines: Mapping[tuple[str, ...], int], graph: Architecture,
                texts: Mapping[str, AnalyzerFinding]) -> list[Finding]:
    """Every finding of the template, each with its line, written in the words of ``texts``
    (the catalogue's finding rows by id); ``graph`` is the architecture read from it, where
    loops are looked for."""
    found: list[_Found] = []
    for check in _CHECKS:
        _on_time()
        found.extend(check(t))
    found.extend(_check_loops(t, graph))
    return [_written(item, texts, lines) for item in found]


def _written(found: _Found, texts: Mapping[str, AnalyzerFinding], lines: Mapping[tuple[str, ...], int]) -> Finding:
    try:
        row, parts = texts[found.id], _parts(found, texts[found.id])
    except (KeyError, StopIteration, ValueError, IndexError, AttributeError):
        # A row the catalogue check would refuse (only reachable around the admin): the shipped words.
        row = load_files().finding_map[found.id]
        parts = _parts(found, row)
    severity = max((severity for severity, _, _ in parts), key=SEVERITIES.index)
    explanation = " ".join(dict.fromkeys(explanation for _, explanation, _ in parts))
    fix = " ".join(dict.fromkeys(fix for _, _, fix in parts))
    keys = [(found.resource, name) for name in FINDING_PROPERTIES.get(found.id, ())] + [(found.resource,)]
    line = next((lines[key] for key in keys if key in lines), None)
    return Finding(found.id, severity, found.resource, row.title, explanation, fix, line, found.rule_ids)


def _parts(found: _Found, row: AnalyzerFinding) -> list[tuple[str, str, str]]:
    """(severity, explanation, fix) of each case, filled in."""
    parts = []
    for case, values in found.cases:
        severity, explanation, fix = case_text(row, case)
        if severity not in SEVERITIES:
            raise ValueError(severity)
        parts.append((severity, fill(explanation, values), fill(fix, values)))
    return parts


def _join(labels: Iterable[str]) -> str:
    labels = sorted(set(labels))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


ASYNC_KINDS = ("s3", "sns", "eventbridge", "schedule")
# SAM events that create an EventBridge rule target (which can have its own dead-letter queue).
RULE_EVENT_TYPES = ("EventBridgeRule", "CloudWatchEvent", "Schedule")


def _check_missing_dlq(t: _Template) -> Iterator[_Found]:
    """Every asynchronous hand-over without a place for what fails: queues, stream and Kafka
    mappings, functions invoked asynchronously, EventBridge rule targets and schedules, SNS
    subscriptions. One finding per resource, naming each gap."""
    gaps: dict[str, list[tuple[str, dict[str, object], tuple[str, ...]]]] = {}

    def gap(resource: str, case: str, values: dict[str, object], *rule_ids: str) -> None:
        gaps.setdefault(resource, []).append((case, values, rule_ids))

    for queue in t.of_type("AWS::SQS::Queue"):
        props = t.props(queue)
        if "RedrivePolicy" in props or "RedriveAllowPolicy" in props or queue in t.failure_targets:
            continue
        readers = [s for s in t.sources_from(queue) if s.kind == "sqs"]
        if readers:
            mapped = any(t.type_of(s.owner) == "AWS::Lambda::EventSourceMapping" for s in readers)
            gap(queue, "missing-dlq", dict(queue=queue, consumers=_join(s.function or s.owner for s in readers)),
                "ES6000", *(("ES1001",) if mapped else ()))
        else:
            gap(queue, "queue-no-redrive", dict(queue=queue), "ES6000")
    for source in t.sources:
        if source.kind in ("dynamodb", "kinesis") and not _on_failure_set(source.settings):
            gap(source.owner, "stream-no-destination", dict(kind=f"{source.kind} stream", label=source.label,
                                                             function=source.function or "its function"), "ES1001")
    for rid in t.of_type("AWS::Lambda::EventSourceMapping"):
        props = t.props(rid)
        kafka = "SelfManagedEventSource" in props or ":kafka:" in " ".join(_strings(props.get("EventSourceArn")))
        if kafka and not _on_failure_set(props):
            gap(rid, "stream-no-destination", dict(kind="Kafka", label=f"event source mapping {rid}",
                                                 function=t.function_of(props.get("FunctionName")) or "its function"), "ES1001")
    for function in t.of_type("AWS::Serverless::Function"):
        for name, event in _events_of(t, function):
            if _get(event, "Type") in ("MSK", "SelfManagedKafka") and not _on_failure_set(_get(event, "Properties")):
                gap(function, "stream-no-destination", dict(kind="Kafka", label=f"event {name}",
                                                          function=function), "ES1001")
    for function in t.functions:
        if _has_function_dlq(t, function):
            continue
        labels = [s.label for s in t.sources_of(function) if s.kind in ASYNC_KINDS]
        labels += [f"event {name}" for name, event in _events_of(t, function) if _get(event, "Type") == "IoTRule"]
        labels += [f"permission {rid}" for rid in t.async_permissions.get(function, ())]
        if labels:
            gap(function, "async-no-destination", dict(function=function, labels=_join(labels)), "ES1007")
    for owner in t.of_type("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
        for name, event in _events_of(t, owner):
            settings = _get(event, "Properties")
            if _get(event, "Type") in RULE_EVENT_TYPES and isinstance(settings, dict) and not _rule_dlq(settings):
                gap(owner, "rule-target-no-dlq", dict(rule=f"The rule of event {name}", targets=owner),
                    *(("ES4000",) if t.type_of(owner) == "AWS::Serverless::Function" else ()))
            elif _get(event, "Type") == "ScheduleV2" and isinstance(settings, dict) and not _rule_dlq(settings):
                # An EventBridge Scheduler schedule, judged like an AWS::Scheduler::Schedule.
                gap(owner, "rule-target-no-dlq", dict(rule=f"The schedule of event {name}", targets=owner))
    for rule in t.of_type("AWS::Events::Rule"):
        targets = t.props(rule).get("Targets")
        if not isinstance(targets, list):
            continue
        lacking = [target for target in targets if not _unknown(target) and (
                   not isinstance(target, dict) or not _unknown(target.get("DeadLetterConfig")) and (
                       not isinstance(target.get("DeadLetterConfig"), dict) or "Arn" not in target["DeadLetterConfig"]))]
        if lacking:
            names = [str(_get(target, "Id") or _target(_get(target, "Arn")) or "a target") for target in lacking]
            gap(rule, "rule-target-no-dlq", dict(rule=f"Rule {rule}", targets=_join(names)), "ES4000")
    for schedule in t.of_type("AWS::Scheduler::Schedule"):
        target = t.props(schedule).get("Target")
        if isinstance(target, dict) and _get(target, "DeadLetterConfig", "Arn") is None \
                and not _unknown(target.get("DeadLetterConfig")):
            gap(schedule, "rule-target-no-dlq", dict(rule=f"Schedule {schedule}",
                                                   targets=_target(target.get("Arn")) or "its target"))
    for subscription in t.of_type("AWS::SNS::Subscription"):
        props = t.props(subscription)
        protocol, topic = props.get("Protocol"), _target(props.get("TopicArn"))
        if "RedrivePolicy" in props or (str(protocol).startswith("email") and topic in t.alarm_topics):
            continue  # an alarm's e-mail: a dead-letter queue's own alarm would go the same way
        gap(subscription, "subscription-no-redrive", dict(subscription=subscription,
                                                           protocol=protocol if isinstance(protocol, str) else "a protocol",
                                                           topic=topic or "its topic"), "ES7000")
    for topic in t.of_type("AWS::SNS::Topic"):
        inline = [_get(item, "Protocol") for item in _listed(t.props(topic).get("Subscription"))]
        if inline and topic not in t.alarm_topics:
            gap(topic, "inline-subscription-no-redrive", dict(topic=topic,
                                                             protocols=_join(str(protocol) for protocol in inline)))
    for resource in sorted(gaps, key=lambda rid: t.position(rid) if rid in t.resources else len(t.resources)):
        found = gaps[resource]
        rule_ids = tuple(dict.fromkeys(rule for _, _, rules in found for rule in rules))
        yield _Found("missing-dlq", resource, tuple((case, values) for case, values, _ in found), rule_ids)


def _events_of(t: _Template, rid: str) -> list[tuple[str, Any]]:
    events = t.props(rid).get("Events")
    return list(events.items()) if isinstance(events, dict) else []


def _rule_dlq(settings: dict) -> bool:
    config = settings.get("DeadLetterConfig")
    return _unknown(config) or isinstance(config, dict) and ("Arn" in config or config.get("Type") == "SQS")


def _on_failure_set(settings: Any) -> bool:
    """Whether settings name an on-failure destination, or leave it to a condition or parameter."""
    config = _get(settings, "DestinationConfig")
    return _unknown(config) or _unknown(_get(config, "OnFailure")) or _get(config, "OnFailure") is not None


def _has_function_dlq(t: _Template, function: str) -> bool:
    props = t.props(function)
    if props.get("DeadLetterQueue") or _get(props, "DeadLetterConfig", "TargetArn") is not None:
        return True
    if _unknown(props.get("DeadLetterConfig")) or _unknown(props.get("EventInvokeConfig")):
        return True
    if _on_failure_set(props.get("EventInvokeConfig")):
        return True
    return any(_on_failure_set(config) for config in t.invoke_configs_of(function))


def _check_partial_batch(t: _Template) -> Iterator[_Found]:
    seen: set[tuple[str, str]] = set()
    for source in t.sources:
        if source.kind not in ("sqs", "dynamodb", "kinesis") or source.function is None:
            continue
        types = source.settings.get("FunctionResponseTypes")
        batch = (_number(source.settings["BatchSize"]) if "BatchSize" in source.settings
                 else t.limits[DEFAULT_BATCH_SIZE[source.kind]])
        if types is not None and not isinstance(types, list):
            continue  # a parameter or condition
        if "ReportBatchItemFailures" in (types or []) or batch is None or batch <= 1:
            continue
        if (source.owner, source.kind) in seen:
            continue
        seen.add((source.owner, source.kind))
        what = "messages" if source.kind == "sqs" else "records"
        yield _found("no-partial-batch-response", source.owner, label=source.label, function=source.function,
                     what=what)


def _check_visibility(t: _Template) -> Iterator[_Found]:
    for queue in t.of_type("AWS::SQS::Queue"):
        props = t.props(queue)
        default = t.limits["sqs-default-visibility-timeout"]
        visibility = _number(props["VisibilityTimeout"]) if "VisibilityTimeout" in props else default
        readers = [s for s in t.sources_from(queue) if s.kind == "sqs" and s.function]
        # What each reader needs: the recommended multiple of its timeout, plus the time a batch
        # may be gathered.
        factor = t.limits["sqs-visibility-factor"]
        needs = [(t.timeout(s.function), _number(s.settings.get("MaximumBatchingWindowInSeconds", 0)), s.function)
                 for s in readers]
        known = [(factor * timeout + window, timeout, window, function)
                 for timeout, window, function in needs if timeout is not None and window is not None]
        if visibility is None or not known or len(known) < len(needs):
            continue
        need, timeout, window, function = max(known)
        if visibility < need:
            shown = f"the default {default:g} s" if "VisibilityTimeout" not in props else f"{visibility:g} s"
            gathered = f" plus the {window:g} s batching window" if window else ""
            case = "visibility-below-timeout" if visibility < timeout + window else None
            yield _found("visibility-timeout-too-short", queue, case, queue=queue, shown=shown, function=function,
                         timeout=f"{timeout:g}", need=f"{need:g}", factor=f"{factor:g}", gathered=gathered)


# The least time a record takes when the handler does anything with it: about one call to
# another AWS service. A full batch at this pace that cannot fit the timeout times out whatever
# the code does.
RECORD_MS = 10
# The limit row of Lambda's batch size when a trigger of each kind sets none.
DEFAULT_BATCH_SIZE = {"sqs": "lambda-sqs-default-batch", "kinesis": "lambda-kinesis-default-batch",
                      "dynamodb": "lambda-dynamodb-default-batch"}


def _check_batch_time(t: _Template) -> Iterator[_Found]:
    """A queue or stream trigger whose full batch, at RECORD_MS a record, outlasts the
    function's timeout."""
    seen: set[str] = set()
    for source in t.sources:
        if source.kind not in DEFAULT_BATCH_SIZE or source.function is None or source.owner in seen:
            continue
        given = source.settings.get("BatchSize")
        size = t.limits[DEFAULT_BATCH_SIZE[source.kind]] if given is None else _number(given)
        timeout = t.timeout(source.function)
        if size is None or timeout is None:
            continue  # a parameter or condition
        need = size * RECORD_MS / 1000
        if need > timeout:
            seen.add(source.owner)
            yield _found("batch-timeout-too-short", source.owner, label=source.label, function=source.function,
                         size=f"{size:,g}", record_ms=RECORD_MS, need=f"{need:g}", timeout=f"{timeout:g}")


def _check_recursive_s3(t: _Template) -> Iterator[_Found]:
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
            finding = _found("recursive-s3-trigger", function, "recursive-s3-prefix", function=function,
                             prefix=repr(prefix), bucket=bucket)
        elif suffix:
            finding = _found("recursive-s3-trigger", function, "recursive-s3-suffix", function=function,
                             suffix=repr(suffix), bucket=bucket)
        else:
            finding = _found("recursive-s3-trigger", function, function=function, bucket=bucket)
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
                    for text in _strings(_without_separators(resource)) if "/" in text.split(":::")[-1]]
            if not keys:
                prefixes.append("")  # a policy template or a bare bucket: the whole bucket
            for key in keys:
                prefix = key.split("*")[0]
                if "${" in prefix:
                    return None
                prefixes.append(prefix)
    return prefixes


def _without_separators(value: Any) -> Any:
    """The value without the separators of Fn::Join and Fn::Split, which are not part of any key."""
    if isinstance(value, list):
        return [_without_separators(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and ("Fn::Join" in value or "Fn::Split" in value):
        arguments = next(iter(value.values()))
        return _without_separators(arguments[1:] if isinstance(arguments, list) else arguments)
    return {key: _without_separators(item) for key, item in value.items()}


def _check_stream_same_table(t: _Template) -> Iterator[_Found]:
    for source in t.sources:
        if source.kind != "dynamodb" or source.function is None or source.origin is None:
            continue
        if source.settings.get("FilterCriteria"):
            continue  # the filter may drop the function's own writes; it cannot be judged here
        if any(t.may(source.function, action, source.origin) for action in TABLE_WRITE_ACTIONS):
            yield _found("stream-writes-same-table", source.function, function=source.function,
                         table=source.origin)


def _check_direct_invoke(t: _Template) -> Iterator[_Found]:
    for function in t.functions:
        targets = _invoked_functions(t, function)
        if targets:
            yield _found("direct-lambda-invoke", function, function=function, targets=_join(targets))


def _check_relational(t: _Template) -> Iterator[_Found]:
    for function in t.functions:
        connects, data_api, proxied = t.database_access(function)
        if connects and not proxied:
            yield _found("rds-without-proxy", function, function=function)
        if (connects or data_api) and not _concurrency_bounded(t, function):
            yield _found("unbounded-concurrency", function, function=function)


def _concurrency_bounded(t: _Template, function: str) -> bool:
    """Reserved concurrency, or only sources that bound it: a queue's maximum concurrency, or a
    stream's shards × parallelization factor (at most that many batches run at once)."""
    if "ReservedConcurrentExecutions" in t.props(function):
        return True
    sources = t.sources_of(function)
    return bool(sources) and all(
        s.kind in ("kinesis", "dynamodb")
        or (s.kind == "sqs" and _get(s.settings, "ScalingConfig", "MaximumConcurrency") is not None)
        for s in sources)


def _check_api_timeout(t: _Template) -> Iterator[_Found]:
    for function in t.functions:
        limit, timeout = t.api_limit(function), t.timeout(function)
        if limit is not None and timeout is not None and timeout > limit:
            yield _found("api-timeout-exceeds-gateway", function, function=function, timeout=f"{timeout:g}",
                         limit=f"{limit:g}")


def _check_unbounded_retry(t: _Template) -> Iterator[_Found]:
    for source in t.sources:
        if source.kind not in ("dynamodb", "kinesis") or source.function is None:
            continue
        attempts = source.settings.get("MaximumRetryAttempts")
        if attempts is not None and _number(attempts) != -1:
            continue
        yield _found("unbounded-retry", source.owner, kind=source.kind, label=source.label, function=source.function)


def _check_tracing(t: _Template) -> Iterator[_Found]:
    for function in t.functions:
        props = t.props(function)
        mode = props.get("Tracing") if "Tracing" in props else _get(props, "TracingConfig", "Mode")
        if mode is not None and not isinstance(mode, str):
            continue  # a parameter or condition
        if mode != "Active":
            yield _found("no-tracing", function, rule_ids=("WS1000",), function=function)
    for machine in t.of_type(*STATE_MACHINE_TYPES):
        props = t.props(machine)
        key = "Tracing" if t.type_of(machine) == "AWS::Serverless::StateMachine" else "TracingConfiguration"
        enabled = _get(props, key, "Enabled")
        if enabled is not None and not isinstance(enabled, (bool, str)):
            continue  # a parameter or condition
        if enabled not in (True, "true", "True"):
            yield _found("no-tracing", machine, "state-machine-no-tracing", state_machine=machine)


# Failure queues, loop detection, workflows ------------------------------------------------------

def _check_dlq_alarms(t: _Template) -> Iterator[_Found]:
    """A queue that receives what failed, on which no alarm of the template watches. Not judged
    when an SQS alarm names its queue in a way that cannot be told (a parameter, an import)."""
    watched: set[str] = set()
    for alarm in t.of_type("AWS::CloudWatch::Alarm"):
        props = t.props(alarm)
        named = {rid for key in ("Dimensions", "Metrics") for rid in t.referenced(props.get(key))}
        if not named and "SQS" in " ".join(_strings(props.get("Namespace"))) + " ".join(_strings(props.get("Metrics"))):
            return
        watched |= named
    for queue in sorted(t.failure_targets, key=t.position):
        if t.type_of(queue) == "AWS::SQS::Queue" and queue not in watched:
            yield _found("dlq-without-alarm", queue, queue=queue, max_days=f"{t.limits['sqs-max-retention']:g}")


def _check_recursive_loop_setting(t: _Template) -> Iterator[_Found]:
    for function in t.functions:
        if t.props(function).get("RecursiveLoop") == "Allow":
            yield _found("recursive-loop-allowed", function, function=function)


def _check_workflow_tasks(t: _Template) -> Iterator[_Found]:
    for machine in t.of_type(*STATE_MACHINE_TYPES):
        definition = _definition(t.props(machine))
        if not isinstance(definition, dict):
            continue  # in a file, or built from pieces that cannot be read here
        bare = _tasks_without_retry(definition, retried=False)
        if bare:
            yield _found("task-without-retry", machine, state_machine=machine, tasks=_join(bare))


def _definition(props: Mapping[str, Any]) -> Any:
    """A state machine's definition as data, when the template holds it whole."""
    if isinstance(props.get("Definition"), dict):
        return props["Definition"]
    text = props.get("DefinitionString")
    if isinstance(text, dict) and len(text) == 1 and "Fn::Sub" in text:
        text = text["Fn::Sub"][0] if isinstance(text["Fn::Sub"], list) and text["Fn::Sub"] else text["Fn::Sub"]
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _tasks_without_retry(definition: Mapping[str, Any], retried: bool) -> list[str]:
    """The Task states with no Retry of their own or on a Parallel or Map state around them."""
    bare = []
    states = definition.get("States")
    for name, state in (states.items() if isinstance(states, dict) else ()):
        if not isinstance(state, dict):
            continue
        covered = retried or bool(state.get("Retry"))
        if state.get("Type") == "Task" and not covered:
            bare.append(str(name))
        for branch in _listed(state.get("Branches")):
            if isinstance(branch, dict):
                bare += _tasks_without_retry(branch, covered)
        for key in ("Iterator", "ItemProcessor"):
            if isinstance(state.get(key), dict):
                bare += _tasks_without_retry(state[key], covered)
    return bare


# Function settings ---------------------------------------------------------------------------

def _check_function_settings(t: _Template) -> Iterator[_Found]:
    today = date.today()
    for function in t.functions:
        props = t.props(function)
        image = props.get("PackageType") == "Image"
        if "Timeout" not in props:
            yield _found("default-timeout", function, rule_ids=("ES1006",), function=function,
                         seconds=f"{t.limits['lambda-default-timeout']:g}")
        if "MemorySize" not in props:
            yield _found("default-memory", function, rule_ids=("ES1005",), function=function,
                         memory=f"{t.limits['lambda-default-memory']:g}")
        runtime = props.get("Runtime")
        deprecated = t.deprecated.get(runtime) if not image and isinstance(runtime, str) else None
        if deprecated is not None and deprecated <= today:
            yield _found("deprecated-runtime", function, function=function, runtime=runtime,
                         since=deprecated.isoformat())
        if not t.log_retention(function):
            yield _found("no-log-retention", function, rule_ids=("WS1004",), function=function)
        wildcards = sorted({action for grant in t.grants.get(function, []) if not grant.template
                            for action in grant.actions if action == "*" or action.endswith(":*")})
        if wildcards:
            yield _found("wildcard-iam-action", function, rule_ids=("WS1003",), function=function,
                         actions=_join(wildcards))
    yield from _other_wildcards(t)
    for function, url in t.function_urls:
        yield _found("public-function-url", url, function=function)


def _other_wildcards(t: _Template) -> Iterator[_Found]:
    """Wildcard actions a state machine's policies, or a role or policy no function of the
    template uses, allow (what a function's role allows is reported on the function)."""
    function_roles = {f"{function}Role" for function in t.functions}
    function_roles |= {role for function in t.functions for role in t.referenced(t.props(function).get("Role"))}
    for rid in t.of_type(*STATE_MACHINE_TYPES, "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        props = t.props(rid)
        kind = t.type_of(rid)
        if kind == "AWS::IAM::Role":
            if rid in function_roles:
                continue
            documents = [_get(policy, "PolicyDocument") for policy in _listed(props.get("Policies"))]
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            # A role by logical id, including SAM's implicit <Function>Role, which is not in the template.
            roles = {role for value in _listed(props.get("Roles"))
                     for role in t.referenced(value) | {_target(value) or (value if isinstance(value, str) else "")}}
            if not roles.isdisjoint(function_roles) or any(
                    rid in t.referenced(t.props(role).get("ManagedPolicyArns")) for role in function_roles
                    if role in t.resources):
                continue
            documents = [props.get("PolicyDocument")]
        else:
            policies = props.get("Policies")
            documents = [policy for policy in _listed(policies) if isinstance(policy, dict) and "Statement" in policy]
        wildcards = sorted({action for document in documents for grant in _statements(document)
                            for action in grant.actions if action == "*" or action.endswith(":*")})
        if wildcards:
            yield _found("wildcard-iam-action", rid, "wildcard-iam-action-other", resource=rid,
                         actions=_join(wildcards))


# APIs ---------------------------------------------------------------------------------------------

def _check_apis(t: _Template) -> Iterator[_Found]:
    for resource, api, stage_settings in t.api_stages:
        access_logs, throttled = stage_settings
        if access_logs is False:
            yield _found("api-access-logs-off", resource, rule_ids=("ES2000",), api=api)
        if throttled is False:
            yield _found("api-throttling-default", resource, rule_ids=("ES2003",), api=api)


# Queues fed by SNS and EventBridge ---------------------------------------------------------------

def _queue_named(t: _Template, value: Any) -> str | None:
    """The queue of the template a target or endpoint ARN names: !GetAtt Q.Arn, or the one
    queue an ARN built with Sub or Join refers to."""
    queue = _target(value)
    if queue is None:
        queues = [rid for rid in t.referenced(value) if t.type_of(rid) == "AWS::SQS::Queue"]
        queue = queues[0] if len(queues) == 1 else None
    return queue


def _check_queue_policy(t: _Template) -> Iterator[_Found]:
    feeders: dict[str, list[str]] = {}
    for subscription in t.of_type("AWS::SNS::Subscription"):
        props = t.props(subscription)
        queue = _queue_named(t, props.get("Endpoint"))
        if str(props.get("Protocol")).lower() == "sqs" and t.type_of(queue) == "AWS::SQS::Queue":
            feeders.setdefault(queue, []).append(f"topic {_target(props.get('TopicArn')) or 'of ' + subscription}")
    for topic in t.of_type("AWS::SNS::Topic"):
        for item in _listed(t.props(topic).get("Subscription")):
            queue = _queue_named(t, _get(item, "Endpoint"))
            if str(_get(item, "Protocol")).lower() == "sqs" and t.type_of(queue) == "AWS::SQS::Queue":
                feeders.setdefault(queue, []).append(f"topic {topic}")
    for rule in t.of_type("AWS::Events::Rule"):
        for target in _listed(t.props(rule).get("Targets")):
            queue = _queue_named(t, _get(target, "Arn"))
            if t.type_of(queue) == "AWS::SQS::Queue" and not _get(target, "RoleArn"):
                feeders.setdefault(queue, []).append(f"rule {rule}")
    for queue in sorted(feeders, key=t.position):
        if queue not in t.queues_with_policy:
            yield _found("missing-queue-policy", queue, queue=queue, senders=_join(feeders[queue]))


# FIFO ---------------------------------------------------------------------------------------------

def _check_fifo(t: _Template) -> Iterator[_Found]:
    for queue in t.of_type("AWS::SQS::Queue"):
        props = t.props(queue)
        if props.get("FifoQueue") not in (True, "true", "True"):
            continue
        dlq = _target(_get(props, "RedrivePolicy", "deadLetterTargetArn"))
        if t.type_of(dlq) == "AWS::SQS::Queue" and t.props(dlq).get("FifoQueue") in (None, False, "false", "False"):
            yield _found("fifo-limits", queue, queue=queue, dlq=dlq)
        most = t.limits["sqs-fifo-max-batch"]
        for source in t.sources_from(queue):
            size = _number(source.settings.get("BatchSize"))
            if source.kind == "sqs" and size is not None and size > most:
                yield _found("fifo-limits", source.owner, "fifo-batch", label=source.label, queue=queue,
                             size=f"{size:g}", most=f"{most:g}")
                break
    for subscription in t.of_type("AWS::SNS::Subscription"):
        props = t.props(subscription)
        topic, queue = _target(props.get("TopicArn")), _target(props.get("Endpoint"))
        if t.props(topic).get("FifoTopic") not in (True, "true", "True"):
            continue
        protocol = str(props.get("Protocol")).lower()
        if protocol != "sqs" or (t.type_of(queue) == "AWS::SQS::Queue"
                                 and t.props(queue).get("FifoQueue") in (None, False, "false", "False")):
            yield _found("fifo-limits", subscription, "fifo-topic", subscription=subscription, topic=topic)


# Loops ---------------------------------------------------------------------------------------------

# Hand-overs that do not wait for an answer, and the components they pass through.
LOOP_EDGES = frozenset(("event", "poll", "publish", "write", "start", "invoke"))
# What does the work on the way round: a function, or a workflow (and the functions it calls).
LOOP_WORKERS = frozenset(("function", "state-machine"))
LOOP_HUBS = frozenset(("bucket", "topic", "event-bus", "queue", "stream", "table"))


def _check_loops(t: _Template, graph: Architecture) -> Iterator[_Found]:
    """A cycle of hand-overs through buckets, topics, buses, queues, streams or tables: what a
    function or workflow (or a function a workflow calls) sends comes back to it. A function and
    its own bucket or table alone are left to recursive-s3-trigger and stream-writes-same-table,
    which read the filters."""
    kinds = {component.id: component.kind for component in graph.components}
    # A trigger with a filter may leave out what the function itself wrote: not judged here.
    filtered = {(s.origin, s.function) for s in t.sources if s.settings.get("FilterCriteria")}
    following: dict[str, list[str]] = {}
    for connection in graph.connections:
        if connection.kind in LOOP_EDGES and (connection.source, connection.target) not in filtered:
            following.setdefault(connection.source, []).append(connection.target)
    for members in _cycles(following):
        functions = [m for m in members if kinds.get(m) in LOOP_WORKERS]
        hubs = [m for m in members if kinds.get(m) in LOOP_HUBS]
        if not functions or not hubs:
            continue
        if _own_store_only(members, hubs, kinds, following):
            continue
        order = sorted(members, key=lambda rid: t.position(rid) if rid in t.resources else len(t.resources))
        only_buses = all(kinds.get(hub) == "event-bus" for hub in hubs)
        first = next(m for m in order if kinds.get(m) in LOOP_WORKERS)
        yield _found("loop", first, "loop-bus" if only_buses else None, function=first, members=_join(order))


def _own_store_only(members: list[str], hubs: list[str], kinds: Mapping[str, str],
                    following: Mapping[str, list[str]]) -> bool:
    """Whether the only cycles among ``members`` are functions writing the one bucket or table
    that triggers them: every function connects to that store alone, so each way round is a
    function and its own store (one or several functions on the same bucket)."""
    if len(hubs) != 1 or kinds.get(hubs[0]) not in ("bucket", "table"):
        return False
    inside = set(members)
    return all(target == hubs[0] for member in members if member != hubs[0]
               for target in following.get(member, ()) if target in inside)


def _cycles(following: Mapping[str, list[str]]) -> Iterator[list[str]]:
    """The strongly connected parts of more than one component (Tarjan's algorithm, without
    recursion): each holds at least one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in list(following):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                _on_time()
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = following.get(node, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    yield members


_CHECKS = (
    _check_missing_dlq, _check_partial_batch, _check_visibility, _check_batch_time, _check_recursive_s3,
    _check_stream_same_table, _check_direct_invoke, _check_relational, _check_api_timeout, _check_unbounded_retry, _check_tracing,
    _check_function_settings, _check_apis, _check_queue_policy, _check_fifo, _check_dlq_alarms,
    _check_recursive_loop_setting, _check_workflow_tasks,
)
