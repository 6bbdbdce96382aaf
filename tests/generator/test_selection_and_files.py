"""Public API: validation, file layout, determinism, diagrams, README."""

import io
import json
import zipfile

import pytest

import generator
from generator import diagram
from gencheck import answers, generate, load_template, unsafe_paths, zip_names


def selection(**kwargs):
    defaults = {"patterns": ("sqs-worker",), "answers": answers()}
    return generator.Selection(**{**defaults, **kwargs})


@pytest.mark.parametrize("name", ["a", "serverless-app", "orders-2", "x" * 63, "a-"])
def test_valid_names_are_kept_as_given(name):
    assert generator.validate_name(name) == name


@pytest.mark.parametrize("name", ["", "App", "1app", "-app", "my_app", "a" * 64, "a b", "../etc", "é", "a.b",
                                  None, 5])
def test_invalid_names_are_refused_with_the_reason(name):
    with pytest.raises(generator.GenerationError, match="name"):
        generator.validate_name(name)


@pytest.mark.parametrize("kwargs, message", [
    ({"patterns": ()}, "at least one pattern"),
    ({"patterns": ("sqs-worker", "kafka")}, "kafka"),
    ({"patterns": "sqs-worker"}, "list"),
    ({"runtime": "python2.7"}, "runtime"),
    ({"architecture": "sparc"}, "architecture"),
    ({"name": "Bad Name"}, "name"),
])
def test_bad_selections_raise_generation_error(kwargs, message):
    with pytest.raises(generator.GenerationError, match=message):
        generator.generate_files(selection(**kwargs))


def test_generation_error_is_a_value_error():
    assert issubclass(generator.GenerationError, ValueError)


def test_missing_answer_keys_are_reported_by_name():
    with pytest.raises(generator.GenerationError, match="max_duration_s"):
        generator.generate_files(selection(answers={k: v for k, v in answers().items() if k != "max_duration_s"}))


def test_it_lays_out_the_project_as_the_spec_says():
    files = generate(["sqs-worker"], name="jobs", render_diagrams=True)
    names = set(files)
    for path in ["template.yaml", "samconfig.toml", "README.md", "architecture.dot", "architecture.mmd",
                 "src/worker/app.py", "src/worker/requirements.txt", "events/worker.json",
                 "tests/unit/test_worker.py", "tests/requirements.txt", "tests/conftest.py"]:
        assert f"jobs/{path}" in names
    if diagram.dot_available():
        assert {"jobs/architecture.svg", "jobs/architecture.png"} <= names
    assert all(p.startswith("jobs/") for p in names)


def test_pattern_order_does_not_change_the_output():
    assert generate(["sqs-worker", "api-gateway-lambda"]) == generate(["api-gateway-lambda", "sqs-worker"])


def test_the_same_input_gives_a_byte_identical_zip():
    slugs = list(generator.PATTERN_SLUGS)
    first_files = generate(slugs, render_diagrams=True, consumers=3)
    second_files = generate(slugs, render_diagrams=True, consumers=3)
    # File by file first, so that a difference names the file and its sizes rather than zip bytes.
    differing = {path: (len(content), len(second_files.get(path, b"")))
                 for path, content in first_files.items() if second_files.get(path) != content}
    assert differing == {} and set(first_files) == set(second_files)
    assert generator.build_zip(first_files) == generator.build_zip(second_files)


def test_zip_entries_have_fixed_times_and_permissions():
    blob = generator.build_zip({"b/x.txt": b"2", "b/a.txt": b"1"})
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["b/a.txt", "b/x.txt"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_every_zip_path_is_safe():
    blob = generator.build_zip(generate(list(generator.PATTERN_SLUGS)))
    assert unsafe_paths(zip_names(blob)) == []


def test_without_graphviz_it_still_generates_and_says_so(monkeypatch):
    monkeypatch.setattr(diagram.graphviz_lib, "library", lambda: None)
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    files = generate(["sqs-worker"], render_diagrams=True)
    assert "serverless-app/architecture.svg" not in files
    assert "serverless-app/architecture.dot" in files and "serverless-app/architecture.mmd" in files
    assert b"rendering needs Graphviz" in files["serverless-app/README.md"]


@pytest.mark.skipif(not diagram.dot_available(), reason="Graphviz not installed")
def test_the_svg_is_self_contained():
    svg = generate(list(generator.PATTERN_SLUGS), render_diagrams=True)["serverless-app/architecture.svg"]
    assert b"<svg" in svg
    assert b"xlink:href" not in svg and b"<image" not in svg


def test_the_diagram_draws_failure_paths_dashed_and_groups_patterns():
    files = generate(["api-gateway-lambda", "sqs-worker"])
    dot = files["serverless-app/architecture.dot"].decode()
    assert "rankdir=LR" in dot and "cluster_sqs_worker" in dot and "style=dashed" in dot
    mermaid = files["serverless-app/architecture.mmd"].decode()
    assert mermaid.startswith("flowchart LR") and "-.->" in mermaid


def test_the_readme_lists_the_warnings_that_applied():
    warning = {"id": "poison-message", "severity": "high", "pattern": "sqs-worker",
               "message": "Bad payloads | retried\nforever"}
    readme = generate(["sqs-worker"], warnings=[warning])["serverless-app/README.md"].decode()
    assert "`poison-message`" in readme and "Bad payloads / retried forever" in readme
    for section in ("## Architecture", "## Deploy", "## Test", "## Tear down", "sam delete"):
        assert section in readme


def test_sample_events_are_json():
    files = generate(list(generator.PATTERN_SLUGS))
    events = [p for p in files if "/events/" in p]
    assert len(events) >= 10
    for path in events:
        json.loads(files[path])


def test_express_or_standard_follows_the_answers():
    def machine_type(**overrides):
        doc = load_template(generate(["step-functions"], **overrides)["serverless-app/template.yaml"])
        return doc["Resources"]["WorkflowStateMachine"]["Properties"]["Type"]

    assert machine_type(max_duration_s=300) == "EXPRESS"
    assert machine_type(max_duration_s=301) == "STANDARD"
    assert machine_type(long_waits=True) == "STANDARD"
    # A repeat does harm: Standard runs each execution once, where Express may run a step twice.
    assert machine_type(max_duration_s=30, duplicates_ok=False) == "STANDARD"


def test_compensation_states_undo_completed_steps_in_reverse():
    doc = load_template(generate(["step-functions"], steps=3, compensation=True)["serverless-app/template.yaml"])
    states = doc["Resources"]["WorkflowStateMachine"]["Properties"]["Definition"]["States"]
    assert states["Step03"]["Catch"][0]["Next"] == "UndoStep02"
    assert states["UndoStep02"]["Next"] == "UndoStep01"
    assert states["UndoStep01"]["Next"] == "RolledBack"
    assert states["Step01"]["Catch"][0]["Next"] == "WorkflowFailed"


def test_chaining_uses_a_queue_when_the_downstream_needs_protecting():
    def events_of(**overrides):
        doc = load_template(generate(["chaining"], **overrides)["serverless-app/template.yaml"])
        return doc["Resources"]

    assert "HandoffQueue" not in events_of()
    destination = events_of()["FirstStageFunction"]["Properties"]["EventInvokeConfig"]["DestinationConfig"]
    assert destination["OnSuccess"]["Type"] == "Lambda"
    assert "HandoffQueue" in events_of(unreliable_downstream=True)


def test_the_api_hands_work_to_the_queue_when_both_are_selected():
    doc = load_template(generate(["api-gateway-lambda", "sqs-worker"])["serverless-app/template.yaml"])
    env = doc["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert env["WORK_QUEUE_URL"] == {"Ref": "WorkQueue"}


def test_answers_of_the_wrong_type_raise_generation_error():
    with pytest.raises(generator.GenerationError):
        generator.generate_files(selection(patterns=("api-gateway-lambda",), answers=answers(latency_ms="fast")))


def test_the_readme_leaves_out_warnings_about_patterns_not_generated():
    warnings = [
        {"id": "poison-message", "severity": "high", "pattern": "sqs-worker", "message": "queue risk"},
        {"id": "connection-exhaustion", "severity": "high", "pattern": "rds", "message": "database risk"},
        {"id": "distributed-monolith", "severity": "medium", "pattern": None, "message": "whole-system risk"},
    ]
    readme = generate(["sqs-worker"], warnings=warnings)["serverless-app/README.md"].decode()
    assert "queue risk" in readme and "whole-system risk" in readme
    assert "database risk" not in readme and "connection-exhaustion" not in readme
    assert "| medium | all | `distributed-monolith` |" in readme


def test_kinesis_sizing_limits_come_from_the_caller_or_the_shipped_catalogue_and_are_checked():
    stream_answers = answers(trigger="event", client_waits=False, peak_rps=3000, payload_kb=1)

    def shards(limits):
        files = generator.generate_files(generator.Selection(
            patterns=("kinesis-stream",), answers=stream_answers, name="sized", render_diagrams=False,
            limits=limits))
        return load_template(files["sized/template.yaml"])["Resources"]["EventStream"]["Properties"]["ShardCount"]

    assert shards({}) == 3  # the shipped 1,000 records/s per shard
    assert shards({"kinesis-shard-write-records": 250}) == 12  # an edited row wins
    with pytest.raises(generator.GenerationError, match="'kinesis-shard-write-records' must be a positive number"):
        shards({"kinesis-shard-write-records": 0})


def test_limit_values_checked_once_are_still_refused_when_wrong():
    from generator.selection import shipped_limits, validate_limits

    good = dict(shipped_limits())
    checked = validate_limits(good)
    checked["lambda-max-duration"] = -1  # the caller's copy: what is kept does not change
    assert validate_limits(good) == {key: float(value) for key, value in good.items()}
    for wrong in (True, 0, -5, "900", [900], None):  # True equals 1, but is no limit
        for _ in range(2):
            with pytest.raises(generator.GenerationError, match="'lambda-max-duration' must be a positive number"):
                validate_limits({**good, "lambda-max-duration": wrong})
    assert validate_limits({**good, "lambda-max-duration": 1})["lambda-max-duration"] == 1.0
