"""Benchmark of the template analyzer: templates per second over the real-world corpus, and
how the time grows with the size of a template.

    python -m benchmarks.analyze [--corpus DIR] [--rounds 3] [--sizes 100,250,...]

Analyses every ``*.yaml`` in the corpus (shared/corpus/serverless-patterns beside the
repository by default) several times on one core, and prints throughput, latency
percentiles and the slowest file. Refused templates count: refusing is work too.

Then the curve: generated templates of 100 to 4,000 functions in two shapes that used to
cost functions squared (every function allowed to invoke any function through a Globals
policy; one queue feeding each function), analysed with the resource cap lifted so the
growth shows, and the time a capped analysis takes to refuse the largest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from patterns.catalogue import load_files

from analyzer import MAX_RESOURCES, TemplateError, analyze

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "serverless-patterns"
DEFAULT_SIZES = "100,250,500,1000,2000,4000"
HEADER = ["AWSTemplateFormatVersion: '2010-09-09'", "Transform: AWS::Serverless-2016-10-31"]


def wildcard_invoke(functions: int) -> str:
    """Functions that may all invoke any function (a Globals policy on Resource '*')."""
    lines = [*HEADER, "Globals:", "  Function:", "    Runtime: python3.13", "    Handler: app.handler",
             "    Policies:", "      - Statement:", "          - Effect: Allow", "            Action: lambda:InvokeFunction",
             "            Resource: '*'", "Resources:"]
    for n in range(functions):
        lines += [f"  Fn{n}:", "    Type: AWS::Serverless::Function", "    Properties:", f"      FunctionName: fn-{n}",
                  "      CodeUri: src/"]
    return "\n".join(lines) + "\n"


def queue_pairs(functions: int) -> str:
    """One queue feeding each function."""
    lines = [*HEADER, "Resources:"]
    for n in range(functions):
        lines += [f"  Queue{n}:", "    Type: AWS::SQS::Queue", f"  Fn{n}:", "    Type: AWS::Serverless::Function",
                  "    Properties:", "      Handler: app.handler", "      Runtime: python3.13", "      Events:",
                  "        Jobs:", "          Type: SQS", f"          Properties: {{Queue: !GetAtt Queue{n}.Arn}}"]
    return "\n".join(lines) + "\n"


def timed(text: str, **options) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, outcome) of one analysis: on a busy machine the CPU time
    is the steadier figure."""
    begin, begin_cpu = time.perf_counter(), time.process_time()
    try:
        outcome = f"{len(analyze(text, **options).findings):,} findings"
    except TemplateError as exc:
        outcome = f"refused: {str(exc)[:60]}..."
    return time.perf_counter() - begin, time.process_time() - begin_cpu, outcome


def curve(sizes: list[int]) -> None:
    print(f"\ncurve (resource cap of {MAX_RESOURCES:,} lifted):")
    print(f"  {'shape':<16} {'functions':>9} {'resources':>9} {'KB':>6} {'seconds':>8} {'CPU s':>6} "
          f"{'CPU us/function':>15}  result")
    for name, build, per_function in (("wildcard invoke", wildcard_invoke, 1), ("queue + function", queue_pairs, 2)):
        for size in sizes:
            text = build(size)
            seconds, cpu, outcome = timed(text, max_resources=10**9, seconds=600)
            print(f"  {name:<16} {size:>9,} {size * per_function:>9,} {len(text.encode()) / 1024:>6,.0f} "
                  f"{seconds:>8.2f} {cpu:>6.2f} {cpu / size * 1e6:>15,.0f}  {outcome}")
    for name, build in (("wildcard invoke", wildcard_invoke), ("queue + function", queue_pairs)):
        seconds, cpu, outcome = timed(build(max(sizes)))
        print(f"  as served, {name} with {max(sizes):,} functions: {seconds:.2f} s ({cpu:.2f} s of CPU), {outcome}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="numbers of functions for the curve, comma-separated")
    options = parser.parse_args(argv)

    files = sorted(options.corpus.glob("*.yaml"))
    if not files:
        print(f"no templates in {options.corpus}", file=sys.stderr)
        return 2
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in files]
    load_files()  # the shipped catalogue the analyses speak with, read once before the clock starts

    timings: dict[str, float] = {}
    refused = 0
    started, started_cpu = time.perf_counter(), time.process_time()
    for _ in range(max(1, options.rounds)):
        for name, text in texts:
            begin = time.perf_counter()
            try:
                analyze(text)
            except TemplateError:
                refused += 1
            elapsed = time.perf_counter() - begin
            timings[name] = min(elapsed, timings.get(name, elapsed))
    total, total_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    count = len(texts) * max(1, options.rounds)

    latencies = sorted(timings.values())
    slowest = max(timings, key=timings.get)
    size_kb = sum(len(text.encode()) for _, text in texts) / 1024
    print(f"corpus:      {len(texts)} templates, {size_kb:,.0f} KB ({options.corpus})")
    print(f"throughput:  {count / total:,.0f} templates/s ({count} analyses in {total:.2f} s, "
          f"{total_cpu:.2f} s of CPU, "
          f"{refused // max(1, options.rounds)} refused per round)")
    print(f"latency:     median {statistics.median(latencies) * 1000:.2f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.2f} ms")
    print(f"slowest:     {slowest} ({timings[slowest] * 1000:.2f} ms, {len(dict(texts)[slowest]) / 1024:.1f} KB)")
    curve(sorted(int(size) for size in options.sizes.split(",") if size.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
