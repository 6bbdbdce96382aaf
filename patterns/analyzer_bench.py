"""Benchmark of the template analyzer: templates per second over the real-world corpus.

    python -m patterns.analyzer_bench [--corpus DIR] [--rounds 3]

Analyses every ``*.yaml`` in the corpus (shared/corpus/serverless-patterns beside the
repository by default) several times on one core, and prints throughput, latency
percentiles and the slowest file. Refused templates count: refusing is work too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from .analyzer import TemplateError, analyze

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "serverless-patterns"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args(argv)

    files = sorted(options.corpus.glob("*.yaml"))
    if not files:
        print(f"no templates in {options.corpus}", file=sys.stderr)
        return 2
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in files]

    timings: dict[str, float] = {}
    refused = 0
    started = time.perf_counter()
    for _ in range(max(1, options.rounds)):
        for name, text in texts:
            begin = time.perf_counter()
            try:
                analyze(text)
            except TemplateError:
                refused += 1
            elapsed = time.perf_counter() - begin
            timings[name] = min(elapsed, timings.get(name, elapsed))
    total = time.perf_counter() - started
    count = len(texts) * max(1, options.rounds)

    latencies = sorted(timings.values())
    slowest = max(timings, key=timings.get)
    size_kb = sum(len(text.encode()) for _, text in texts) / 1024
    print(f"corpus:      {len(texts)} templates, {size_kb:,.0f} KB ({options.corpus})")
    print(f"throughput:  {count / total:,.0f} templates/s ({count} analyses in {total:.2f} s, "
          f"{refused // max(1, options.rounds)} refused per round)")
    print(f"latency:     median {statistics.median(latencies) * 1000:.2f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.2f} ms")
    print(f"slowest:     {slowest} ({timings[slowest] * 1000:.2f} ms, {len(dict(texts)[slowest]) / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
