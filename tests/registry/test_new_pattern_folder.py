"""A new pattern is one folder: placed on the registry's path, it is recommended, drawn,
generated and detected without any other module changing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import pattern_library
from pattern_library import registry

SLUG = "click-stream-demo"

FILES = {
    "__init__.py": f'''
        """Clicks on a Kinesis stream, read in batches by one function."""

        SLUG = "{SLUG}"
        TITLE = "Click stream (demo)"
        SUMMARY = "Clients put click records on a Kinesis stream; one function reads them in ordered batches."
        ORDER = 900
        BUILD_ORDER = 900
        SERVES_API = False
    ''',
    "compose.py": '''
        from generator.composition import Composition

        SLUG = "click-stream-demo"


        def resources(c: Composition) -> None:
            c.add("ClickStream", "stream", "Clicks", group=SLUG)


        def functions(c: Composition) -> None:
            c.dlq("ClickFailures", group=SLUG, label="Unreadable clicks")
            c.function("ClickReaderFunction", group=SLUG, timeout=30)
            c.connect("ClickStream", "ClickReaderFunction", "poll", "ordered batches")
            c.connect("ClickReaderFunction", "ClickFailures", "failure", "after 3 retries")
    ''',
    "generate.py": '''
        from generator.cfn import get_att
        from generator.project import Function, Project

        SLUG = "click-stream-demo"


        def resources(p: Project) -> None:
            p.add_resource("ClickStream", "AWS::Kinesis::Stream", {
                "ShardCount": 1, "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            }, group=SLUG)


        def functions(p: Project) -> None:
            p.add_dlq("ClickFailures", group=SLUG, label="Unreadable clicks")
            p.add_function(Function(
                logical_id="ClickReaderFunction", folder="click_reader", pattern=SLUG,
                template="handlers/click_reader.py.j2", test_template="tests/click_reader.py.j2",
                description="Counts clicks per page",
                events={"Clicks": {"Type": "Kinesis", "Properties": {
                    "Stream": get_att("ClickStream", "Arn"), "StartingPosition": "LATEST", "BatchSize": 100,
                    "MaximumRetryAttempts": 3, "BisectBatchOnFunctionError": True,
                    "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": get_att("ClickFailures", "Arn")}},
                }}},
                sample_event={"Records": []},
            ))
    ''',
    "detect.py": '''
        def detect(t) -> bool:
            return any(source.kind == "kinesis" for source in t.sources)
    ''',
    "catalogue.yaml": '''
        pattern:
          name: Click stream (demo)
          summary: Ordered, high-volume records read in batches from a Kinesis stream.
        rules:
          - name: demo-clicks-at-volume
            effect: score
            pattern: click-stream-demo
            when: "trigger == 'event' and peak_rps >= 5000 and ordering"
            weight: 9
            explanation: "{peak_rps} ordered events per second suit a stream read in batches."
    ''',
    "templates/handlers/click_reader.py.j2": '''
        """{{ logical_id }}: counts the clicks of each batch."""


        def lambda_handler(event, context):
            return {"clicks": len(event["Records"])}
    ''',
    "templates/tests/click_reader.py.j2": '''
        def test_it_counts_an_empty_batch(load_handler):
            assert load_handler({{ folder|py }}).lambda_handler({"Records": []}, None) == {"clicks": 0}
    ''',
}


@pytest.fixture
def new_pattern(tmp_path, monkeypatch):
    """The folder on an added search path of the registry, removed again afterwards."""
    folder = tmp_path / "click_stream_demo"
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    monkeypatch.setattr(pattern_library, "__path__", [*pattern_library.__path__, str(tmp_path)])
    _forget()
    yield folder
    monkeypatch.undo()
    _forget()


def _forget():
    import importlib
    import sys

    from patterns.catalogue import load_files

    for name in [m for m in sys.modules if m.startswith("pattern_library.click_stream_demo")]:
        del sys.modules[name]  # the folder's files may have changed: import them afresh
    importlib.invalidate_caches()
    registry.refresh()
    load_files.cache_clear()


def test_a_folder_on_the_registry_path_is_recommended_drawn_generated_and_detected(new_pattern):
    import generator
    from analyzer import analyze
    from patterns.catalogue import load_files
    from patterns.engine import compile_catalogue

    assert registry.slugs()[-1] == SLUG

    # Recommended: its catalogue entry and rule come from the folder.
    catalogue = load_files()
    assert SLUG in {p.slug for p in catalogue.patterns}
    advice = compile_catalogue(catalogue).recommend(
        {"trigger": "event", "client_waits": False, "peak_rps": 20000, "ordering": True})
    assert advice.recommendations[0].pattern == SLUG
    assert "20,000 ordered events per second" in advice.recommendations[0].reasons[0].text

    # Generated and drawn, with its own templates.
    files = generator.generate_files(generator.Selection(
        patterns=(SLUG,), answers=advice.answers, name="clicks", render_diagrams=False))
    template = files["clicks/template.yaml"].decode()
    assert "ClickReaderFunction" in template and "AWS::Kinesis::Stream" in template
    assert b"counts the clicks of each batch" in files["clicks/src/click_reader/app.py"]
    assert "ClickStream" in files["clicks/architecture.dot"].decode()
    recorded = json.loads(files["clicks/architecture.json"])["architecture"]
    assert {"from": "ClickStream", "to": "ClickReaderFunction", "kind": "poll", "label": "ordered batches"} \
        in recorded["edges"]

    # Detected in the generated template, and read back as the same architecture.
    analysis = analyze(template)
    assert SLUG in analysis.patterns
    from architecture import Architecture

    assert analysis.architecture.shape() == Architecture.from_dict(recorded).shape()


def test_without_the_folder_the_pattern_is_unknown_everywhere():
    import generator
    from patterns.catalogue import load_files

    assert SLUG not in registry.slugs()
    assert SLUG not in {p.slug for p in load_files().patterns}
    with pytest.raises(generator.GenerationError, match="unknown pattern"):
        generator.generate_files(generator.Selection(patterns=(SLUG,), answers={}))


@pytest.fixture
def storing_pattern(new_pattern):
    """The same folder, declaring that its polled functions store what they handled."""
    init = new_pattern / "__init__.py"
    # Built before rds (BUILD_ORDER 90), which gives the storing functions database access.
    init.write_text(init.read_text().replace("BUILD_ORDER = 900", "BUILD_ORDER = 89") + 'STORES = "polled"\n')
    _forget()
    return new_pattern


def test_a_folder_declares_that_its_functions_store_into_the_database(storing_pattern):
    import generator
    from generator.build import compose
    from patterns.catalogue import load_files
    from patterns.engine import compile_catalogue

    answers = compile_catalogue(load_files()).validate({"trigger": "event"})
    selection = generator.Selection(patterns=(SLUG, "rds"), answers=answers, name="clicks").validated()
    edges = {(e.source, e.target, e.kind) for e in compose(selection).architecture.connections}
    # No API nobody asked for: the stream's reader writes through the proxy itself.
    assert ("ClickReaderFunction", "DbProxyEndpoint", "write") in edges
    assert not any(kind == "api" for kind in (c.kind for c in compose(selection).architecture.components))


def test_a_folder_that_stores_in_an_unknown_way_is_refused(new_pattern):
    init = new_pattern / "__init__.py"
    init.write_text(init.read_text() + 'STORES = "sometimes"\n')
    _forget()
    with pytest.raises(registry.RegistryError, match="STORES must be one of"):
        registry.slugs()
