"""Hostile names and answers: a clean refusal or a safe project."""

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator
from gencheck import answers, cfn_lint, contract_problems, unpack, unsafe_paths, zip_names

HOSTILE = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=string.printable, max_size=80),
    st.sampled_from(["../../etc/passwd", "a/../../b", "x\ny: 1", "a: !!python/object", "${AWS::Region}",
                     "{{ 7*7 }}", "'; import os; #", "a" * 64, "con", "aux", "xn--abc", "a--b", "a-"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,62}", fullmatch=True),
)


def attempt(name, patterns=("s3-processing", "eventbridge"), **overrides):
    try:
        return generator.generate_files(generator.Selection(patterns=patterns, answers=answers(**overrides),
                                                            name=name, render_diagrams=False))
    except generator.GenerationError as exc:
        assert str(exc)
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_a_hostile_name_is_refused_or_yields_safe_paths_and_yaml(name):
    files = attempt(name)
    if files is None:
        return
    assert unsafe_paths(zip_names(generator.build_zip(files))) == []
    doc = yaml.safe_load(files[f"{name}/template.yaml"])
    assert doc["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == name
    for path, content in files.items():
        if path.endswith(".py"):
            compile(content, path, "exec")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    consumers=st.integers(1, 1000), steps=st.integers(1, 100), compensation=st.booleans(),
    long_waits=st.booleans(), duration=st.floats(0.001, 3600), extra=st.floats(0, 100000),
    latency=st.integers(1, 3_600_000), peak=st.floats(0, 1_000_000), ordering=st.booleans(),
    routing=st.booleans(), writes_back=st.booleans(), sources=st.integers(0, 50),
    downstream=st.one_of(st.none(), st.floats(0, 10000)), db=st.integers(1, 100000),
    trigger=st.sampled_from(["http", "queue", "event", "file_upload", "data_change", "schedule"]),
    patterns=st.lists(st.sampled_from(generator.PATTERN_SLUGS), min_size=1, max_size=10, unique=True),
    api=st.sampled_from(generator.API_TYPES),
)
def test_any_valid_answers_give_a_project_that_keeps_the_contract(consumers, steps, compensation, long_waits,
                                                                  duration, extra, latency, peak, ordering, routing,
                                                                  writes_back, sources, downstream, db, trigger,
                                                                  patterns, api):
    files = generator.generate_files(generator.Selection(patterns=tuple(patterns), render_diagrams=False, api=api,
                                                         answers=answers(
        consumers=consumers, steps=steps, compensation=compensation, long_waits=long_waits, duration_s=duration,
        max_duration_s=duration + extra, latency_ms=latency, peak_rps=peak, ordering=ordering,
        content_routing=routing, writes_back_to_source=writes_back, aggregate_sources=sources,
        downstream_max_rps=downstream, db_max_connections=db, trigger=trigger)))
    assert contract_problems(files) == []
    for path, content in files.items():
        if path.endswith(".py"):
            compile(content, path, "exec")


def test_names_at_the_edges_lint_clean(tmp_path):
    for name in ["a", "a-", "xn--abc", "z" * 63]:
        files = attempt(name, patterns=tuple(generator.PATTERN_SLUGS))
        folder = unpack(files, tmp_path / name)
        result = cfn_lint(folder / "template.yaml")
        assert result.returncode == 0, (name, result.stdout)
