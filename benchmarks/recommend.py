"""Benchmark of the rules engine: recommendations per second on one core.

    python -m benchmarks.recommend [--seconds 3]

Evaluates a rotating set of realistic answer sets against the shipped catalogue (no
database), prints throughput and latency percentiles, and the one-off compile time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from patterns.catalogue import load_files
from patterns.cost import estimate
from patterns.engine import Engine

WORKLOADS = [
    {},
    {"trigger": "http", "client_waits": False, "unreliable_downstream": True, "duration_s": 3},
    {"trigger": "queue", "client_waits": False, "peak_rps": 200, "downstream_max_rps": 5},
    {"trigger": "event", "consumers": 6, "content_routing": True, "client_waits": False},
    {"trigger": "file_upload", "client_waits": False, "writes_back_to_source": True, "payload_kb": 2048},
    {"trigger": "data_change", "data_store": "dynamodb", "react_to_changes": True, "client_waits": False},
    {"trigger": "http", "steps": 5, "compensation": True, "long_waits": True, "duration_s": 1200},
    {"trigger": "http", "aggregate_sources": 4, "latency_ms": 300, "data_store": "relational", "peak_rps": 2000},
    {"trigger": "schedule", "client_waits": False, "duration_s": 600, "monthly_invocations": 720},
    {"trigger": "http", "steps": 2, "client_waits": False, "ordering": True, "memory_mb": 2048},
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    options = parser.parse_args(argv)

    catalogue = load_files()
    started = time.perf_counter()
    engine = Engine(catalogue)
    compile_ms = (time.perf_counter() - started) * 1000

    for answers in WORKLOADS * 50:  # warm up
        engine.recommend(answers)

    timings: list[float] = []
    deadline = time.perf_counter() + options.seconds
    index = 0
    clock = time.perf_counter
    while clock() < deadline:
        answers = WORKLOADS[index % len(WORKLOADS)]
        start = clock()
        engine.recommend(answers)
        timings.append(clock() - start)
        index += 1
    timings.sort()
    total = sum(timings)
    print(f"catalogue: {len(catalogue.rules)} rules, {len(catalogue.questions)} questions, "
          f"{len(catalogue.patterns)} patterns (rules version {catalogue.version})")
    print(f"compile once: {compile_ms:.1f} ms")
    print(f"recommendations: {len(timings)} in {total:.2f} s of engine time")
    print(f"throughput: {len(timings) / total:,.0f} recommendations/s on one core (target >= 5,000)")
    print(f"latency: p50 {timings[len(timings) // 2] * 1e6:.0f} us, p99 {timings[int(len(timings) * 0.99)] * 1e6:.0f} us, "
          f"mean {statistics.fmean(timings) * 1e6:.0f} us (target p50 < 200 us)")

    # The architecture and its cost are computed only when a page or the JSON asks for them.
    for answers in WORKLOADS:  # warm up: imports the composition part of every pattern proposed
        engine.recommend(answers).proposal
    rounds: list[float] = []
    for peak in range(100, 130):  # a new answer set each time, as the panel sees them
        recommendations = [engine.recommend({**answers, "peak_rps": peak}) for answers in WORKLOADS]
        started = clock()
        for recommendation in recommendations:
            recommendation.proposal
        rounds.append((clock() - started) * 1000 / len(recommendations))
    proposal_ms = statistics.median(rounds)
    started, priced = clock(), 0
    while clock() - started < min(1.0, options.seconds):
        for recommendation in recommendations:
            estimate(recommendation.answers, recommendation.proposal, engine.prices,
                     provisioned=False, express_limit_s=engine.limit_values.get("step-functions-express-duration"))
            priced += 1
    cost_us = (clock() - started) * 1e6 / priced
    print(f"on demand: proposed architecture {proposal_ms:.2f} ms (median per new answer set), its cost {cost_us:.0f} us "
          "(not in the throughput above)")


if __name__ == "__main__":
    main()
