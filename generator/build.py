"""Selection -> Composition (the architecture and its sizing) -> Project (rendered) -> files."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from typing import Any, Iterator

from architecture.sizing import Proposal
from generator import diagram, wiring
from generator.cfn import dump_yaml
from generator.composition import Composition
from generator.project import IDEMPOTENCY_EXPIRY_S, LOG_RETENTION_DAYS, Function, Project
from generator.render import render
from generator.selection import GenerationError, Selection, chosen_api
from pattern_library import registry

TEST_REQUIREMENTS = """\
pytest>=8.3
moto[dynamodb,events,kinesis,s3,secretsmanager,sns,sqs,stepfunctions]>=5.0
boto3>=1.35
aws-lambda-powertools[tracer]>=3.4,<4
"""


FUNCTION_REQUIREMENTS_NOTE = ("# Powertools for AWS Lambda comes from the layer set in template.yaml "
                              "(PowertoolsLayerArn) and boto3 from the Lambda runtime: neither is listed here.")


PYTEST_INI = """\
[pytest]
testpaths = tests
addopts = -p no:cacheprovider
filterwarnings =
    ignore:No application metrics to publish:UserWarning
"""


def compose(selection: Selection) -> Composition:
    """The architecture of the selected patterns: every pattern's hubs and other resources
    first, so functions can wire to any hub, then the functions in build order. Nothing of
    the template, handlers or tests is built."""
    composition = Composition(selection)
    chosen = [registry.get(slug) for slug in selection.patterns]
    for pattern in chosen:
        pattern.compose.resources(composition)
    for pattern in sorted(chosen, key=lambda p: p.build_order):
        pattern.compose.functions(composition)
    wiring.feed_from_outside(composition)
    return composition


def render_project(composition: Composition) -> Project:
    """The template resources, functions and notes of a composed architecture, in the same order."""
    project = Project(composition)
    chosen = [registry.get(slug) for slug in composition.selection.patterns]
    for pattern in chosen:
        pattern.generate.resources(project)
    for pattern in sorted(chosen, key=lambda p: p.build_order):
        pattern.generate.functions(project)
    _name_called_functions(project)
    return project


# What an output naming a function says, by how systems outside the stack call it.
CALLED_FUNCTION_OUTPUTS = {
    "event": "Function your systems invoke asynchronously (InvocationType=Event)",
    "invoke": "Function your systems invoke and wait for (InvocationType=RequestResponse)",
}


def _name_called_functions(project: Project) -> None:
    """A function that systems outside the stack invoke directly gets an output with its name,
    which CloudFormation makes up at deploy time."""
    architecture = project.architecture
    for connection in architecture.connections:
        source, target = architecture.component(connection.source), architecture.component(connection.target)
        if source.kind == "external" and target.kind == "function" and connection.kind in CALLED_FUNCTION_OUTPUTS:
            project.add_output(f"{target.id}Name", CALLED_FUNCTION_OUTPUTS[connection.kind], {"Ref": target.id})


# The public Powertools for AWS Lambda (Python) v3 layer, published by AWS in every commercial
# Region: one layer per Python version and architecture. It carries Powertools with its extras
# (the X-Ray SDK for Tracer); boto3 comes with the Lambda runtime.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_VERSION = 27


def powertools_layer_arn(runtime: str, architecture: str) -> str:
    """The layer ARN for ${AWS::Region}, as Fn::Sub text."""
    python = runtime.replace(".", "")  # python3.13 -> python313
    return (f"arn:aws:lambda:${{AWS::Region}}:{POWERTOOLS_LAYER_ACCOUNT}:layer:"
            f"AWSLambdaPowertoolsPythonV3-{python}-{architecture}:{POWERTOOLS_LAYER_VERSION}")


def _powertools_layer(project: Project) -> dict[str, Any]:
    """Globals `Layers` entry: the public layer unless the PowertoolsLayerArn parameter names another."""
    sel = project.selection
    project.add_parameter("PowertoolsLayerArn", {
        "Type": "String", "Default": "", "AllowedPattern": r"^$|^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:.+:\d+$",
        "Description": "Powertools for AWS Lambda layer version ARN; empty uses the public layer "
                       + powertools_layer_arn(sel.runtime, sel.architecture).replace("${AWS::Region}", "<region>"),
    })
    project.conditions["PowertoolsLayerGiven"] = {"Fn::Not": [{"Fn::Equals": [{"Ref": "PowertoolsLayerArn"}, ""]}]}
    return {"Fn::If": ["PowertoolsLayerGiven", {"Ref": "PowertoolsLayerArn"},
                       {"Fn::Sub": powertools_layer_arn(sel.runtime, sel.architecture)}]}


def template(project: Project) -> dict[str, Any]:
    sel = project.selection
    titles = ", ".join(registry.get(s).title for s in sel.patterns)
    layer = _powertools_layer(project)
    variables = {
        "POWERTOOLS_SERVICE_NAME": project.name,
        "POWERTOOLS_METRICS_NAMESPACE": project.name,
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    doc: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"{project.name}: {titles}",
        "Globals": {"Function": {
            "Runtime": sel.runtime,
            "Architectures": [sel.architecture],
            "MemorySize": int(project.answer("memory_mb")),
            "Tracing": "Active",
            "Layers": [layer],
            "Environment": {"Variables": variables},
        }},
    }
    if project.parameters:
        doc["Parameters"] = project.parameters
    if project.conditions:
        doc["Conditions"] = project.conditions
    if project.rules:
        doc["Rules"] = project.rules
    doc["Resources"] = project.resources
    if project.outputs:
        doc["Outputs"] = project.outputs
    return doc


def _settings(project: Project) -> dict[str, str]:
    """Plain (non-resource) environment values, for the generated tests."""
    settings: dict[str, str] = {}
    for fn in project.functions:
        for key, value in fn.environment.items():
            if isinstance(value, str):
                settings[key] = value
        settings.update(fn.test_settings)
    return dict(sorted(settings.items()))


# The Powertools event handler that understands each API's event (payload 2.0 or 1.0).
API_RESOLVERS = {"http": "APIGatewayHttpResolver", "rest": "APIGatewayRestResolver"}


def _function_context(project: Project, fn: Function) -> dict[str, Any]:
    output = None
    if fn.output:
        _, spec = project.env[fn.output.env]
        output = {"kind": fn.output.kind, "env": fn.output.env, "fifo": bool(spec.get("fifo"))}
    return {**fn.context, "logical_id": fn.logical_id, "folder": fn.folder, "output": output,
            "name": project.name, "timeout": fn.timeout,
            "api_resolver": API_RESOLVERS[project.selection.api], "idempotency_expiry_s": IDEMPOTENCY_EXPIRY_S}


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _clean(text: Any, limit: int = 600) -> str:
    """Recommendation text goes into Markdown: one line, no control characters."""
    text = _CONTROL.sub(" ", str(text)).strip()
    return text[:limit]


# How work from outside reaches the stack, per kind of source and connection.
ENTRY_WORDS: dict[str, dict[str, str]] = {
    "client": {"": "clients call it over HTTPS."},
    "schedule": {"": "a schedule starts it."},
    "external": {
        "publish": "your systems send messages or events here; nothing in this stack produces them.",
        "start": "your systems start executions (`StartExecution`); nothing in this stack does.",
        "event": "your systems invoke it asynchronously (`InvocationType=Event`); nothing in this stack does.",
        "write": "your users or systems upload files here.",
        "invoke": "your systems call it.",
        "": "your systems feed it.",
    },
}


def _api_example(project: Project) -> tuple[dict[str, Any] | None, set[tuple[str, str]]]:
    """The request the README shows (the one an API function's sample event makes: a route the API
    has, with a body the function accepts), and every route of the API."""
    routes: set[tuple[str, str]] = set()
    example = None
    for fn in project.functions:
        api_events = [e["Properties"] for e in fn.events.values() if e["Type"] in ("Api", "HttpApi")]
        routes |= {(e["Method"].upper(), e["Path"]) for e in api_events}
        sample = fn.sample_event if isinstance(fn.sample_event, dict) else {}
        method = sample.get("httpMethod") or sample.get("requestContext", {}).get("http", {}).get("method")
        path = sample.get("path") if "httpMethod" in sample else sample.get("rawPath")
        if example is None and api_events and method and path:
            example = {"method": method, "path": path.lstrip("/"), "body": sample.get("body")}
    return example, routes


def _readme(project: Project, diagrams_rendered: bool) -> str:
    sel = project.selection
    # Only the risks of what was generated: a warning about a pattern left out would mislead.
    warnings = [{k: _clean(w.get(k) or "") for k in ("id", "severity", "pattern", "message")}
                for w in sel.warnings if not w.get("pattern") or w.get("pattern") in sel.patterns]
    patterns = [{"slug": s, "title": registry.get(s).title, "summary": registry.get(s).summary,
                 "notes": project.notes.get(s, [])} for s in sel.patterns]
    functions = [{"id": f.logical_id, "folder": f.folder, "description": f.description,
                  "timeout": f.timeout} for f in project.functions]
    parameters = [{"name": k, "description": v.get("Description", "")} for k, v in project.parameters.items()
                  if "Default" not in v]
    architecture = project.architecture
    entries = []
    for connection in architecture.connections:
        source = architecture.component(connection.source)
        if source.kind in ENTRY_WORDS:
            target = architecture.component(connection.target)
            entries.append({"target": target.id, "target_kind": target.kind.replace("-", " "),
                            "how": ENTRY_WORDS[source.kind].get(connection.kind, ENTRY_WORDS[source.kind][""])})
    def output_naming(logical_id: str) -> str | None:
        return next((name for name, out in project.outputs.items() if out["Value"] == {"Ref": logical_id}), None)

    api_example, api_routes = _api_example(project)
    # What `sam delete` leaves behind or cannot delete on its own.
    kept = [lid for lid, res in project.resources.items() if res.get("DeletionPolicy") == "Retain"]
    buckets = [{"id": lid, "output": output_naming(lid)} for lid, res in project.resources.items()
               if res["Type"] == "AWS::S3::Bucket"]
    return render("project/README.md.j2", {
        "kept": kept, "buckets": buckets, "api_example": api_example,
        "api_health": ("GET", "/health") in api_routes,
        "name": project.name, "patterns": patterns, "functions": functions, "warnings": warnings,
        "shared_notes": project.notes.get("shared", []), "parameters": parameters,
        "diagrams_rendered": diagrams_rendered, "runtime": sel.runtime,
        "architecture": sel.architecture, "log_retention": LOG_RETENTION_DAYS,
        "powertools_layer": powertools_layer_arn(sel.runtime, sel.architecture).replace("${AWS::Region}", "<region>"),
        "outputs": sorted(project.outputs), "entries": entries,
        "api_auth": project.parameters["ApiAuth"]["Default"] if "ApiAuth" in project.parameters else None,
    })


def _project_files(project: Project) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "template.yaml": dump_yaml(template(project)),
    }
    needs_pg8000 = False
    for fn in project.functions:
        context = _function_context(project, fn)
        files[f"src/{fn.folder}/app.py"] = render(fn.template, context)
        files[f"src/{fn.folder}/requirements.txt"] = "".join(line + "\n" for line in (FUNCTION_REQUIREMENTS_NOTE,
                                                                                   *fn.requirements))
        files[f"events/{fn.folder}.json"] = json.dumps(fn.sample_event, indent=2, sort_keys=True) + "\n"
        files[f"tests/unit/test_{fn.folder}.py"] = render(fn.test_template, context)
        needs_pg8000 = needs_pg8000 or any(r.startswith("pg8000") for r in fn.requirements)
    resources = {env: spec for env, (_, spec) in sorted(project.env.items())}
    needs = {fn.folder: sorted((set(fn.environment) | set(fn.test_resources)) & set(resources))
             for fn in project.functions}
    files["tests/conftest.py"] = render("project/conftest.py.j2", {
        "name": project.name, "resources": resources, "settings": _settings(project), "needs": needs,
        "needs_pg8000_stub": needs_pg8000, "api": project.selection.api,
        "has_api": project.api_id in project.resources,
    })
    files["tests/requirements.txt"] = TEST_REQUIREMENTS + ("pg8000>=1.31\n" if needs_pg8000 else "")
    files["pytest.ini"] = PYTEST_INI
    files["samconfig.toml"] = render("project/samconfig.toml.j2", {"name": project.name})
    files[".gitignore"] = ".aws-sam/\n__pycache__/\n*.pyc\n.pytest_cache/\n"
    files.update(project.extra_files)
    return files


@contextmanager
def _answers_checked() -> Iterator[None]:
    """Answers of the wrong type or range, reported as a GenerationError."""
    try:
        yield
    except GenerationError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise GenerationError(f"answers do not have the expected types or ranges: {exc}") from None


def compose_checked(sel: Selection) -> Composition:
    """compose(), with answers of the wrong type or range reported as a GenerationError."""
    with _answers_checked():
        return compose(sel)


def build_project(sel: Selection) -> Project:
    """The composed and rendered project of a validated selection; GenerationError when it cannot be built."""
    composition = compose_checked(sel)
    with _answers_checked():
        return render_project(composition)


def propose(answers: Any, patterns: tuple[str, ...], limits: Any) -> Proposal | None:
    """The architecture and each component's sizing (memory, timeout, queue type...), as a
    project of these patterns would have them, composed without rendering anything; None when
    they cannot be composed."""
    if not patterns:
        return None
    try:
        return _composed(answers, patterns, limits).proposal
    except GenerationError:
        return None


def composition_problem(answers: Any, patterns: tuple[str, ...], limits: Any) -> str | None:
    """Why these patterns cannot be composed for these answers, in the generator's words (such
    as a consumer name that another component already has); None when they can."""
    try:
        _composed(answers, patterns, limits)
    except GenerationError as exc:
        return str(exc)
    return None


def _composed(answers: Any, patterns: tuple[str, ...], limits: Any) -> Composition:
    selection = Selection(patterns=patterns, answers=answers, render_diagrams=False,
                          limits=dict(limits or {}), api=chosen_api(answers)).validated()
    return compose_checked(selection)


def generate_files(selection: Selection) -> dict[str, bytes]:
    sel = selection.validated()
    project = build_project(sel)
    dot = diagram.dot_source(project.composition)
    # Graphviz draws on its own thread (or process), on another core, while the project is templated.
    rendering = diagram.Rendering(dot) if sel.render_diagrams else None
    try:
        files = _project_files(project)
        files["architecture.dot"] = dot
        files["architecture.json"] = json.dumps({"architecture": project.architecture.to_dict()},
                                                indent=2) + "\n"
        files["architecture.mmd"] = diagram.mermaid_source(project.composition)
        # Written while Graphviz still draws, as if it will succeed; rewritten if it did not.
        expected = rendering is not None and rendering.how is not None
        files["README.md"] = _readme(project, expected)
        images = rendering.result() if rendering else None
    finally:
        if rendering:
            rendering.close()
    if images:
        files.update(images)
    elif expected:
        files["README.md"] = _readme(project, False)

    root = sel.name
    return {f"{root}/{path}": (content if isinstance(content, bytes) else content.encode("utf-8"))
            for path, content in sorted(files.items())}
