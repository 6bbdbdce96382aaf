"""Worked examples offered on the home page and above the questionnaire.

Each is a set of answers (only the ones that differ from the defaults); the tests check
that every example is valid and leads where its description says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from .submission import to_text


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    description: str
    answers: dict[str, Any]

    @property
    def url(self) -> str:
        query = urlencode({key: to_text(value) for key, value in self.answers.items()})
        return f"{reverse('questionnaire:start')}?{query}"


EXAMPLES = (
    Example(
        "order-api",
        "Order API with a flaky payment provider",
        "Orders arrive over HTTP and are charged in the background by a provider that times out now and then.",
        {"trigger": "http", "client_waits": False, "unreliable_downstream": True},
    ),
    Example(
        "image-thumbnails",
        "Thumbnails for uploaded images",
        "Each picture uploaded to a bucket gets resized copies saved in the same bucket.",
        {"trigger": "file_upload", "client_waits": False, "data_store": "s3", "writes_back_to_source": True},
    ),
    Example(
        "checkout-saga",
        "Checkout that must roll back",
        "Reserve stock, charge the card and book shipping; a failed payment releases the stock.",
        {"client_waits": False, "steps": 4, "compensation": True, "unreliable_downstream": True},
    ),
    Example(
        "order-events",
        "One order event, three consumers",
        "Billing, analytics and the warehouse each react to new orders, and each wants different ones.",
        {"trigger": "event", "client_waits": False, "consumers": 3, "content_routing": True},
    ),
    Example(
        "postgres-api",
        "Mobile API on PostgreSQL",
        "A busy API reading and writing a relational database that accepts 100 connections.",
        {"data_store": "relational", "peak_rps": 500, "latency_ms": 300, "db_max_connections": 100},
    ),
    Example(
        "nightly-export",
        "Nightly 20-minute export",
        "A scheduled job that builds a large export once a night and runs longer than a function may.",
        {"trigger": "schedule", "client_waits": False, "duration_s": 1200, "peak_rps": 0.1, "monthly_invocations": 30},
    ),
)
