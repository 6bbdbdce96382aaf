"""Server time of the live recommendation panel.

Sends a few hundred htmx requests through the whole Django stack (middleware, view,
engine, templates) with ``django.test.Client`` and prints the percentiles, next to the
full page and the rules engine alone for scale. Nothing here asserts: it measures.

    python -m benchmarks.panel [--requests 500]

``benchmarks/panel_loadtest.py`` measures throughput under gunicorn with wrk.
"""

from __future__ import annotations

import argparse
import statistics
import time
from itertools import cycle
from typing import Callable
from urllib.parse import urlencode

from advisor.questionnaire.examples import EXAMPLES
from advisor.questionnaire.submission import to_text
from benchmarks.django_setup import database_ready, setup

PANEL_BUDGET_MS = 50


def main(requests: int = 300, warmup: int = 30, write: Callable[[str], None] = print) -> dict[str, float]:
    from django.test import Client
    from django.urls import reverse

    from patterns.store import current_engine

    engine = current_engine()
    url = reverse("questionnaire:start")
    forms = [browser_form(engine, example.answers) for example in EXAMPLES] + [browser_form(engine, {})]
    client = Client()

    def panel(data):
        # Form-encoded, as htmx sends it.
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded",
                               HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.status_code

    def page(data):
        response = client.get(url, data)
        assert response.status_code == 200, response.status_code

    def rules(data):
        engine.recommend(engine.validate({}))

    results = {}
    write(f"Live panel benchmark: {requests} requests per line, rules version {engine.version}")
    for name, call in (("htmx panel (POST, partial)", panel), ("full page (GET)", page), ("rules engine only", rules)):
        samples = _measure(call, forms, requests, warmup)
        p50, p99 = _percentile(samples, 50), _percentile(samples, 99)
        results[name] = p50
        write(f"  {name:<28} p50 {p50:6.2f} ms   p90 {_percentile(samples, 90):6.2f} ms   "
              f"p99 {p99:6.2f} ms   max {max(samples):6.2f} ms")
    verdict = "within" if results["htmx panel (POST, partial)"] < PANEL_BUDGET_MS else "OVER"
    write(f"  The panel's median server time is {verdict} the {PANEL_BUDGET_MS} ms budget.")
    return results


def _measure(call, forms, requests: int, warmup: int) -> list[float]:
    data = cycle(forms)
    for _ in range(warmup):
        call(next(data))
    samples = []
    for _ in range(requests):
        item = next(data)
        start = time.perf_counter()
        call(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _percentile(samples: list[float], percent: int) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1] if percent < 100 else max(samples)


def browser_form(engine, answers: dict) -> dict[str, str]:
    """What a browser posts for these answers: every visible question's value."""
    typed = engine.validate(answers)
    visible = {question.key for question in engine.visible_questions(typed)}
    return {key: to_text(value) for key, value in typed.items() if key in visible}


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    setup()
    with database_ready():
        main(requests=args.requests)


if __name__ == "__main__":
    run()
