"""Generation time, in process: `python -m benchmarks.generate`.

Prints the median of several runs for one pattern and for all of them, with and without
rendering the diagram with Graphviz (libgvc in process, and a `dot` process for
comparison; either runs while the project is templated), and the time of the whole
command-line run in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import shutil
import tempfile
import time
from contextlib import contextmanager

from generator import PATTERN_SLUGS, Selection, build_zip, generate_files
from generator import diagram
from generator.build import compose

ANSWERS = {
    "trigger": "http", "client_waits": True, "latency_ms": 1000, "duration_s": 1, "max_duration_s": 1,
    "consumers": 3, "content_routing": True, "steps": 4, "compensation": True, "long_waits": False,
    "aggregate_sources": 3, "data_store": "dynamodb", "react_to_changes": True, "writes_back_to_source": False,
    "peak_rps": 50, "monthly_invocations": 1_000_000, "payload_kb": 4, "downstream_max_rps": None,
    "unreliable_downstream": False, "ordering": False, "memory_mb": 512, "db_max_connections": 100,
}


def measure(patterns: tuple[str, ...], render: bool, runs: int) -> float:
    selection = Selection(patterns=patterns, answers=ANSWERS, render_diagrams=render)
    build_zip(generate_files(selection))  # warm-up: template compilation, imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build_zip(generate_files(selection))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


@contextmanager
def _backend(how: str):
    original = diagram.backend
    diagram.backend = lambda: how
    try:
        yield
    finally:
        diagram.backend = original


def _rss_kb() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def kept_per_diagram_kb(count: int) -> float:
    """Graphviz's layout never frees some of its memory; Celery workers are recycled for it."""
    selection = Selection(patterns=PATTERN_SLUGS, answers=ANSWERS).validated()
    source = diagram.dot_source(compose(selection))
    for _ in range(20):  # allocator and caches reach their working size
        diagram.Rendering(source).result()
    before = _rss_kb()
    for _ in range(count):
        diagram.Rendering(source).result()
    return (_rss_kb() - before) / count


def cli_seconds() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        answers = os.path.join(tmp, "answers.json")
        with open(answers, "w") as handle:
            json.dump(ANSWERS, handle)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", answers, "--out", os.path.join(tmp, "p.zip"),
                        "--patterns", ",".join(PATTERN_SLUGS)], check=True, capture_output=True)
        return time.perf_counter() - start


def manage_generate_seconds() -> float:
    """The whole `python manage.py generate` command, Django start-up included."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        answers = os.path.join(tmp, "answers.json")
        with open(answers, "w") as handle:
            json.dump({k: v for k, v in ANSWERS.items() if v is not None}, handle)
        start = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "generate", answers, "--out", os.path.join(tmp, "p.zip"),
                        "--patterns", ",".join(PATTERN_SLUGS)], check=True, capture_output=True, cwd=root)
        return time.perf_counter() - start


def find_sam() -> str | None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in (os.environ.get("SAM_CLI", ""), os.path.join(root, ".venv-sam", "bin", "sam"), shutil.which("sam")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def sam_init_seconds(sam: str) -> float:
    """`sam init` from a small local cookiecutter template, for comparison."""
    with tempfile.TemporaryDirectory() as tmp:
        template = os.path.join(tmp, "template")
        project = os.path.join(template, "{{cookiecutter.project_name}}")
        os.makedirs(os.path.join(project, "hello_world"))
        with open(os.path.join(template, "cookiecutter.json"), "w") as handle:
            json.dump({"project_name": "sam-app"}, handle)
        files = {
            "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
                             "Resources:\n  HelloWorldFunction:\n    Type: AWS::Serverless::Function\n"
                             "    Properties:\n      CodeUri: hello_world/\n      Handler: app.handler\n"
                             "      Runtime: python3.13\n",
            "README.md": "# {{cookiecutter.project_name}}\n",
            "hello_world/app.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
            "hello_world/requirements.txt": "",
        }
        for name, content in files.items():
            with open(os.path.join(project, name), "w") as handle:
                handle.write(content)
        out = os.path.join(tmp, "out")
        start = time.perf_counter()
        subprocess.run([sam, "init", "--no-interactive", "--no-input", "--name", "sam-app", "--location", template,
                        "--output-dir", out],
                       check=True, capture_output=True, env={**os.environ, "SAM_CLI_TELEMETRY": "0"})
        return time.perf_counter() - start


def main() -> None:
    runs = int(os.environ.get("BENCH_RUNS", "20"))
    print(f"median of {runs} runs, generate_files + build_zip, in process")
    every = f"all {len(PATTERN_SLUGS)} patterns"
    targets = {"1 pattern (sqs-worker)": 10, every: 100}
    for label, patterns in (("1 pattern (sqs-worker)", ("sqs-worker",)), (every, PATTERN_SLUGS)):
        print(f"  {label:24} without diagram rendering: {measure(patterns, False, runs):7.1f} ms")
        if diagram.backend() == "library":
            took = measure(patterns, True, runs)
            verdict = "met" if took < targets[label] else "MISSED"
            print(f"  {label:24} with SVG+PNG, libgvc:      {took:7.1f} ms   (target < {targets[label]} ms: {verdict})")
        if shutil.which("dot"):
            with _backend("dot"):
                print(f"  {label:24} with SVG+PNG, `dot`:       {measure(patterns, True, max(5, runs // 2)):7.1f} ms")
    if not diagram.dot_available():
        print("  Graphviz `dot` not found: only DOT and Mermaid text are produced")
    if diagram.backend() == "library":
        print(f"memory kept by in-process Graphviz per {len(PATTERN_SLUGS)}-pattern diagram (RSS over 200 diagrams): "
              f"{kept_per_diagram_kb(200):.0f} KB")
    print(f"whole CLI (python -m generator, fresh interpreter, {every}): {cli_seconds():.2f} s")
    # Whole commands vary a lot from run to run on a shared machine: the median of several.
    command_runs = int(os.environ.get("BENCH_COMMAND_RUNS", "5"))
    generate = statistics.median(manage_generate_seconds() for _ in range(command_runs))
    print(f"whole CLI (python manage.py generate, Django start-up included, {every}), median of {command_runs}: "
          f"{generate:.2f} s")
    sam = find_sam()
    if sam:
        init = statistics.median(sam_init_seconds(sam) for _ in range(command_runs))
        print(f"sam init --no-interactive --no-input --location <local 4-file template>, median of {command_runs}: "
              f"{init:.2f} s")
        print(f"manage.py generate takes {generate / init:.0%} of the time of sam init "
              f"(target: under 100%: {'met' if generate < init else 'MISSED'})")
    else:
        print("sam init: not measured (aws-sam-cli not installed; `make bench` installs it into .venv-sam)")


if __name__ == "__main__":
    main()
