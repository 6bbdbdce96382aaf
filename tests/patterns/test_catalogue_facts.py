"""The AWS facts the code reads are catalogue rows: a catalogue without a limit row the code
reads is refused with a reason naming the row and its reader; the Lambda runtimes the analyzer
reports as deprecated are rows of their own, checked, stored, edited in the admin and brought
back by migrate like the rest."""

import html
import io
import re
from dataclasses import replace
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from analyzer import analyze
from patterns import signals
from patterns.catalogue import Catalogue, CatalogueError, Runtime, load_files
from patterns.engine import check_catalogue, compile_catalogue, recommend
from patterns.models import CatalogueChange, LambdaRuntime, Limit
from patterns.read_by_code import ANALYZER_LIMITS, GENERATOR_LIMITS
from patterns.store import catalogue_from_db, current_engine

SHIPPED = load_files()

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.8, Timeout: 10, MemorySize: 256}
"""


def without_limits(*ids: str) -> Catalogue:
    return replace(SHIPPED, limits=tuple(limit for limit in SHIPPED.limits if limit.id not in ids))


@pytest.mark.parametrize("limit_id, reader", [
    ("lambda-sqs-default-batch", "the template analyzer reads it"),
    ("lambda-sqs-max-batch-without-window", "the generator reads it"),
    ("api-gateway-timeout", "the template analyzer and the generator read it"),
    ("lambda-stream-max-parallelization", "pattern kinesis-stream reads it"),
    ("lambda-sqs-min-concurrency", "pattern sqs-worker reads it"),
])
def test_a_limit_row_the_code_reads_cannot_be_left_out(limit_id, reader):
    assert check_catalogue(SHIPPED) == []
    problem = f"limit '{limit_id}' has no row, and {reader}"
    assert problem in check_catalogue(without_limits(limit_id))
    with pytest.raises(CatalogueError, match=re.escape(problem)):
        compile_catalogue(without_limits(limit_id))


def test_every_limit_the_analyzer_and_generator_read_is_shipped():
    assert set(ANALYZER_LIMITS) | set(GENERATOR_LIMITS) <= set(SHIPPED.limit_map)


def rows(**changes) -> dict:
    row = {"id": "python3.8", "deprecated": "2024-10-14", "source": "https://docs.aws.amazon.com/lambda/",
           "as_of": "2026-11-30", "verified": True}
    return {"runtimes": [{**row, **changes}]}


def test_runtime_rows_are_read_as_dates_and_bad_ones_are_refused_with_the_reason():
    (runtime,) = Catalogue.from_dict(rows()).runtimes
    assert runtime.deprecated == date(2024, 10, 14)
    assert Catalogue.from_dict(rows(deprecated=date(2024, 10, 14))).runtimes == (runtime,)
    for changes, reason in [
        ({"deprecated": "14 October 2024"}, "runtimes[python3.8]: deprecated must be a date written YYYY-MM-DD"),
        ({"deprecated": None}, "runtimes[python3.8]: deprecated must be a date"),
        ({"id": "Python 3.8"}, "runtimes[Python 3.8]: id must be a Lambda runtime identifier"),
        ({"until": "2025-01-01"}, "runtimes[python3.8]: unknown field(s) until"),
    ]:
        with pytest.raises(CatalogueError, match=re.escape(reason)):
            Catalogue.from_dict(rows(**changes))
    twice = replace(SHIPPED, runtimes=SHIPPED.runtimes + (Runtime("python3.8", date(2030, 1, 1)),))
    assert "runtime 'python3.8' is listed twice" in check_catalogue(twice)


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-password-1")
    client.force_login(user)
    return client


def deprecated_in_live_catalogue() -> list[str]:
    return [f.resource for f in analyze(TEMPLATE, catalogue=current_engine().catalogue).findings
            if f.id == "deprecated-runtime"]


@pytest.mark.django_db
def test_the_runtimes_are_database_rows_an_admin_edit_reaches_the_analyzer(staff_client):
    assert catalogue_from_db().runtime_map == SHIPPED.runtime_map
    assert catalogue_from_db().version == SHIPPED.version
    assert deprecated_in_live_catalogue() == ["Worker"]
    runtime = LambdaRuntime.objects.get(id="python3.8")
    url = reverse("admin:patterns_lambdaruntime_change", args=[runtime.pk])
    form = {"id": runtime.id, "deprecated": "2099-01-01", "source": runtime.source, "as_of": "2026-11-30",
            "notes": "postponed"}
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert deprecated_in_live_catalogue() == []  # a day still ahead
    assert CatalogueChange.objects.filter(kind="runtimes", key="python3.8", action="change").exists()
    refused = staff_client.post(url, {**form, "deprecated": "soon"})
    assert refused.status_code == 200 and "Enter a valid date" in html.unescape(refused.content.decode())


@pytest.mark.django_db
def test_a_limit_row_the_code_reads_comes_back_at_migrate_even_if_removed_on_record():
    Limit.objects.get(id="lambda-sqs-default-batch").delete()
    assert CatalogueChange.objects.filter(kind="limits", key="lambda-sqs-default-batch", action="remove").exists()
    LambdaRuntime.objects.get(id="python3.8").delete()  # not needed by the code: a removal staff may make
    signals.load_shipped_catalogue(sender=None, verbosity=1, stdout=io.StringIO())
    assert Limit.objects.filter(id="lambda-sqs-default-batch").exists()
    assert not LambdaRuntime.objects.filter(id="python3.8").exists()
    assert check_catalogue(catalogue_from_db()) == []


def with_limit(limit_id: str, value: float) -> Catalogue:
    return replace(SHIPPED, limits=tuple(replace(limit, value=value) if limit.id == limit_id else limit
                                         for limit in SHIPPED.limits))


def test_the_size_a_service_meters_as_one_request_is_a_row():
    def line(catalogue, answers, patterns, price_id):
        (found,) = [line for line in recommend(answers, catalogue, patterns=patterns).cost.lines if line.price == price_id]
        return found

    api = {"payload_kb": 600}
    shipped = line(SHIPPED, api, ("api-gateway-lambda",), "apigw-http-requests")
    assert "× 2 (each 512 KB of a request is metered as one)" in shipped.assumption
    edited = line(with_limit("http-api-metered-kb", 100), api, ("api-gateway-lambda",), "apigw-http-requests")
    assert "× 6 (each 100 KB of a request is metered as one)" in edited.assumption
    assert edited.quantity == 3 * shipped.quantity
    queue = {"trigger": "queue", "client_waits": False, "payload_kb": 100}
    assert "(each 64 KB of a message is metered as one)" in line(SHIPPED, queue, ("sqs-worker",),
                                                                 "sqs-standard-requests").assumption
    assert "(each 128 KB returned counts as one)" in line(with_limit("sqs-metered-kb", 128), queue, ("sqs-worker",),
                                                          "sqs-standard-requests").assumption


def test_the_billing_units_the_estimate_prices_by_are_rows():
    def quantity(catalogue, answers, patterns, price_id):
        return sum(line.quantity for line in recommend(answers, catalogue, patterns=patterns).cost.lines
                   if line.price == price_id)

    proxy = quantity(SHIPPED, {}, ("rds",), "rds-proxy-vcpu-hour")
    assert proxy == 2 * 730
    assert quantity(with_limit("rds-proxy-min-vcpus", 4), {}, ("rds",), "rds-proxy-vcpu-hour") == 2 * proxy
    reading = {"data_store": "dynamodb", "monthly_invocations": 1000, "read_percent": 100, "item_kb": 6}
    assert quantity(SHIPPED, reading, ("api-gateway-lambda",), "dynamodb-read-units") == 1000 * 2 * 0.5
    assert quantity(with_limit("dynamodb-read-unit-kb", 8), reading, ("api-gateway-lambda",),
                    "dynamodb-read-units") == 1000 * 1 * 0.5
    assert quantity(with_limit("dynamodb-eventual-read-units", 1), reading, ("api-gateway-lambda",),
                    "dynamodb-read-units") == 1000 * 2 * 1


@pytest.mark.django_db
def test_deleting_a_limit_row_the_code_reads_is_refused_with_the_reader(staff_client):
    url = reverse("admin:patterns_limit_delete", args=["lambda-default-memory"])
    page = html.unescape(staff_client.get(url).content.decode())
    assert "would break the catalogue" in page
    assert "limit 'lambda-default-memory' has no row, and the template analyzer reads it" in page
    staff_client.post(url, {"post": "yes"})
    assert Limit.objects.filter(id="lambda-default-memory").exists()
