"""Memory and time of the questionnaire's diagrams, drawn in the web process or by the worker pool.

Requests many distinct drawings (each with its own consumer names, so each is a new graph)
through the whole Django stack (its WSGI handler, as a server calls it), the cache switched off so every
request draws, and prints how much the web process's resident memory grew and the median
time per drawing. Each way of drawing runs in a fresh interpreter. Nothing here asserts.

    python -m benchmarks.diagrams [--count 500]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable

from benchmarks.django_setup import setup

WARMUP = 30
MODES = {"in the web process": "0", "by the worker pool": None}  # DIAGRAM_PROCESSES; None: as configured


def rss_kb(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def children_rss_kb() -> int:
    """Resident memory of this process's children (the fork server and diagram workers included)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid():  # the parent pid
                total += rss_kb(pid)
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(count: int) -> dict[str, float]:
    """In this process: draw WARMUP then `count` distinct diagrams; memory growth and timing."""
    from urllib.parse import urlencode
    from wsgiref.util import setup_testing_defaults

    from django.core.cache.backends.dummy import DummyCache
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import reverse

    from advisor import diagrams

    diagrams.cache = DummyCache("bench", {})  # every request draws
    # The WSGI handler a server calls (django.test.Client keeps a little per request itself).
    handler = WSGIHandler()
    url = reverse("questionnaire:diagram")

    def draw(i: int) -> None:
        answers = {"trigger": "event", "client_waits": "false", "consumers": "3",
                   "consumer_names": f"billing{i},shipping{i},audit{i}"}
        environ = {"PATH_INFO": url, "QUERY_STRING": urlencode(answers), "REQUEST_METHOD": "GET",
                   "SERVER_NAME": "localhost", "HTTP_HOST": "localhost"}
        setup_testing_defaults(environ)
        statuses = []
        body = b"".join(handler(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        assert statuses[0].startswith("200") and b"<svg" in body, statuses

    for i in range(WARMUP):
        draw(i)
    before = rss_kb()
    times = []
    for i in range(WARMUP, WARMUP + count):
        start = time.perf_counter()
        draw(i)
        times.append((time.perf_counter() - start) * 1000)
    grown = rss_kb() - before
    return {"web_rss_growth_kb": grown, "per_diagram_kb": grown / count, "median_ms": statistics.median(times),
            "p99_ms": sorted(times)[int(len(times) * 0.99) - 1], "children_rss_kb": children_rss_kb()}


def main(count: int = 500, write: Callable[[str], None] = print) -> dict[str, dict[str, float]]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    results = {}
    write(f"{count} distinct questionnaire diagrams through the Django stack, cache off, after {WARMUP} to warm up")
    for label, processes in MODES.items():
        env = dict(os.environ)
        if processes is not None:
            env["DIAGRAM_PROCESSES"] = processes
        done = subprocess.run([sys.executable, "-m", "benchmarks.diagrams", "--count", str(count), "--one"],
                              cwd=root, env=env, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results[label] = result
        extra = f"; workers and fork server hold {result['children_rss_kb'] / 1024:.1f} MB" \
            if result["children_rss_kb"] else ""
        write(f"  drawn {label:20} web process RSS {result['web_rss_growth_kb'] / 1024:+7.1f} MB "
              f"({result['per_diagram_kb']:5.1f} KB a diagram), median {result['median_ms']:5.1f} ms, "
              f"p99 {result['p99_ms']:5.1f} ms{extra}")
    return results


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--one", action="store_true", help="measure this process as configured; print JSON")
    args = parser.parse_args(argv)
    if args.one:
        setup()
        print(json.dumps(measure(args.count)))
    else:
        main(args.count)


if __name__ == "__main__":
    run()
