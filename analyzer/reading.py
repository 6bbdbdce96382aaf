"""Reading a template: YAML or JSON into plain data, with the lines of its resources and
properties, refusing what CloudFormation refuses or leaves undefined; and the processing-time
budget every step of an analysis checks.

Parsing is hostile-input safe: the text is bounded in size, the YAML is composed in
Python with limits on nesting and on the number of values, and every CloudFormation short
tag becomes its long form (``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``). What
CloudFormation refuses or leaves undefined is refused with its line: YAML aliases and
merge keys (so a "billion laughs" document stops at its first alias), and a key repeated
in one mapping. A template may declare at most ``MAX_RESOURCES`` resources, and one
analysis may take at most ``ANALYSIS_SECONDS`` of processing: past either it is refused.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from patterns import plain_data

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


class TemplateError(ValueError):
    """The text is not a template we can read; the message says why, for the user."""



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
    if "Resources" not in document:
        raise TemplateError("Not a CloudFormation template: it has no Resources section "
                            "(a template declares at least one resource).")
    resources = document["Resources"]
    if resources is not None and not isinstance(resources, dict):
        kind = {list: "a list", str: "a single text value"}.get(type(resources), "a single value")
        raise TemplateError(f"Not a CloudFormation template: its Resources section is {kind}, "
                            "not a mapping of logical ids to resources.")
    if not resources:
        raise TemplateError("Not a CloudFormation template: its Resources section is empty "
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
