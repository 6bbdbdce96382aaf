"""Answers for the questionnaire read from an analysed template: "start an architecture from
this". Only what the template shows is answered; every other question keeps its default.

Each answer says where it came from (the component, pattern or finding that shows it), so the
page can list them next to the button and the questionnaire can say which answers came from
the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode

from django.urls import reverse

from advisor.questionnaire.submission import read_submission, to_text
from analyzer import Analysis
from analyzer.applies import resources_of
from architecture.model import PRODUCERS
from patterns.engine import Engine
from patterns.wording import words_for

# What the questionnaire calls the trigger when work enters through a component of each kind.
TRIGGER_BY_ENTRY = {"api": "http", "queue": "queue", "event-bus": "event", "topic": "event",
                    "bucket": "file_upload", "table": "data_change", "stream": "event", "schedule": "schedule"}
ENTRY_WORDS = {"api": "the API", "schedule": "the schedule", "queue": "the queue", "event-bus": "the event bus",
               "topic": "the topic", "bucket": "the bucket", "table": "the table's stream", "stream": "the stream"}
API_TYPES = {"AWS::Serverless::HttpApi": "http", "AWS::Serverless::Api": "rest", "AWS::ApiGateway::RestApi": "rest"}
DATA_STORES = {"table": "dynamodb", "database": "relational"}
FIFO_PROPERTIES = {"AWS::SQS::Queue": "FifoQueue", "AWS::SNS::Topic": "FifoTopic"}


@dataclass(frozen=True)
class TemplateAnswer:
    key: str
    value: Any
    question: str  # the question, as the questionnaire words it
    answer: str  # the answer, worded
    source: str  # what in the template shows it


@dataclass(frozen=True)
class Start:
    answers: tuple[TemplateAnswer, ...]
    url: str  # the analyzer's hand-over to the questionnaire with these answers


def start_from(engine: Engine, analysis: Analysis, document: Mapping[str, Any]) -> Start:
    found: dict[str, tuple[Any, str]] = {}
    _read_answers(found, analysis, document)
    submission = read_submission(engine, {key: to_text(value) for key, (value, _) in found.items()})
    words = words_for(engine.catalogue)
    kept = [key for key in found if key in submission.visible and key not in submission.errors]
    answers = tuple(TemplateAnswer(key, submission.answers[key], words.question(key),
                                   words.value(key, submission.answers[key]), found[key][1]) for key in kept)
    query = urlencode([(a.key, to_text(a.value)) for a in answers])
    return Start(answers, reverse("analyzer:start") + (f"?{query}" if query else ""))


def _read_answers(found: dict[str, tuple[Any, str]], analysis: Analysis, document: Mapping[str, Any]) -> None:
    graph = analysis.architecture
    resources = document.get("Resources") if isinstance(document.get("Resources"), Mapping) else {}
    entry = _entry(analysis)
    if entry is not None:
        trigger = TRIGGER_BY_ENTRY[entry.kind]
        found["trigger"] = (trigger, f"work enters through {ENTRY_WORDS[entry.kind]} {entry.id}")
        if entry.kind == "api":
            api_type = _api_type(resources.get(entry.id))
            if api_type:
                found["api_type"] = (api_type, f"{entry.id} is {'an HTTP' if api_type == 'http' else 'a REST'} API")
        if entry.kind in ("topic", "event-bus"):
            consumers = {e.target for e in graph.outgoing(entry.id) if e.kind in ("event", "poll", "publish")}
            if len(consumers) > 1:
                found["consumers"] = (len(consumers), f"{entry.id} delivers to {', '.join(sorted(consumers))}")
    if "eventbridge" in analysis.patterns:
        found["content_routing"] = (True, "EventBridge rules choose their targets by the events' content")
    workflows = [c.id for c in graph.of_kind("state-machine")]
    if workflows:
        found["steps"] = (2, f"the workflow {workflows[0]} runs several steps (how many is not read: 2 stands for them)")
    for component in graph.components:
        store = DATA_STORES.get(component.kind)
        if store and "data_store" not in found:
            found["data_store"] = (store, f"the {'table' if store == 'dynamodb' else 'database'} {component.id}")
    changes = [e for e in graph.connections if e.kind == "poll" and _kind(analysis, e.source) == "table"]
    if changes:
        found["react_to_changes"] = (True, f"{changes[0].target} reads the stream of {changes[0].source}")
    writes_back = [f for f in analysis.findings if f.id in ("recursive-s3-trigger", "stream-writes-same-table")]
    if writes_back:
        found["writes_back_to_source"] = (True, f"{resources_of(writes_back[0])[0]} writes to what triggers it")
    fifo = [rid for rid, resource in resources.items() if _is_fifo(resource)]
    if fifo:
        found["ordering"] = (True, f"{fifo[0]} is first-in-first-out")


def _entry(analysis: Analysis):
    """The component work enters through: an API first, then what the outside feeds, a
    schedule, or else the first component that triggers something (a bucket a function also
    writes to, a table's stream)."""
    graph = analysis.architecture
    apis = graph.of_kind("api")
    if apis:
        return apis[0]
    for edge in graph.outgoing(PRODUCERS):
        component = graph.component(edge.target)
        if component is not None and component.kind in TRIGGER_BY_ENTRY:
            return component
    schedules = graph.of_kind("schedule")
    if schedules:
        return schedules[0]
    triggering = {edge.source for edge in graph.connections if edge.kind in ("event", "poll")}
    return next((c for c in graph.components if c.id in triggering and c.kind in TRIGGER_BY_ENTRY), None)


def _kind(analysis: Analysis, cid: str) -> str | None:
    component = analysis.architecture.component(cid)
    return component.kind if component else None


def _api_type(resource: Any) -> str | None:
    if not isinstance(resource, Mapping):
        return None
    kind = resource.get("Type")
    if kind == "AWS::ApiGatewayV2::Api":
        protocol = (resource.get("Properties") or {}).get("ProtocolType")
        return {"HTTP": "http", "WEBSOCKET": "websocket"}.get(protocol) if isinstance(protocol, str) else None
    return API_TYPES.get(kind)


def _is_fifo(resource: Any) -> bool:
    if not isinstance(resource, Mapping) or resource.get("Type") not in FIFO_PROPERTIES:
        return False
    properties = resource.get("Properties")
    if not isinstance(properties, Mapping):
        return False
    return properties.get(FIFO_PROPERTIES[resource["Type"]]) in (True, "true", "True")
