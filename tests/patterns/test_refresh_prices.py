"""`manage.py refresh_prices` reads current prices from the AWS Price List Query API (stubbed
with botocore's Stubber on responses shaped like the API's), shows the differences and applies
them only with --apply, recording them in the catalogue's history."""

import io
import json
from decimal import Decimal

import botocore.session
import pytest
from botocore.stub import Stubber
from django.core.management import call_command

from patterns import live_prices
from patterns.models import CatalogueChange, Price
from patterns.store import catalogue_from_db

LOOKUPS = """
lambda-requests:
  service_code: AWSLambda
  filters: {group: AWS-Lambda-Requests}
lambda-gb-second-x86:
  service_code: AWSLambda
  filters: {group: AWS-Lambda-Duration, usagetype: {contains: Lambda-GB-Second}}
"""


def product(group: str, dimensions: list[tuple[str, str]], region="us-east-1") -> str:
    """One PriceList entry as the API returns it: a JSON string."""
    sku = f"SKU{abs(hash(group)) % 10**8:08d}"
    return json.dumps({
        "product": {"productFamily": "Serverless", "sku": sku,
                    "attributes": {"regionCode": region, "group": group, "servicecode": "AWSLambda",
                                   "usagetype": "Lambda-GB-Second" if "Duration" in group else "Request"}},
        "serviceCode": "AWSLambda",
        "terms": {"OnDemand": {f"{sku}.JRTCKXETXF": {
            "offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z", "termAttributes": {},
            "priceDimensions": {f"{sku}.JRTCKXETXF.{i}": {
                "unit": "Lambda-GB-Second" if "Duration" in group else "Requests", "beginRange": begin,
                "endRange": "Inf", "description": "on demand", "appliesTo": [], "rateCode": f"{sku}.{i}",
                "pricePerUnit": {"USD": usd}} for i, (begin, usd) in enumerate(dimensions)},
        }}},
        "version": "20261101000000", "publicationDate": "2026-11-01T00:00:00Z",
    })


def expect(stubber, group_filters, entries, region="us-east-1"):
    stubber.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": entries}, {
        "ServiceCode": "AWSLambda", "FormatVersion": "aws_v1", "MaxResults": 100,
        "Filters": [*group_filters, {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]})


REQUESTS = [{"Type": "TERM_MATCH", "Field": "group", "Value": "AWS-Lambda-Requests"}]
DURATION = [{"Type": "TERM_MATCH", "Field": "group", "Value": "AWS-Lambda-Duration"},
            {"Type": "CONTAINS", "Field": "usagetype", "Value": "Lambda-GB-Second"}]


@pytest.fixture
def lookups(tmp_path):
    path = tmp_path / "lookups.yaml"
    path.write_text(LOOKUPS)
    return str(path)


@pytest.fixture
def stubber(monkeypatch):
    client = botocore.session.get_session().create_client(
        "pricing", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    with Stubber(client) as stub:
        monkeypatch.setattr(live_prices, "pricing_client", lambda: client)
        yield stub
        stub.assert_no_pending_responses()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("refresh_prices", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def stub_new_prices(stubber):
    # Rows are asked in the catalogue's order (service, id). Tiered: the row reads the first
    # tier (beginRange 0).
    expect(stubber, DURATION, [product("AWS-Lambda-Duration", [("0", "0.0000166667"), ("6000000000", "0.0000150000"),
                                                               ("15000000000", "0.0000133334")])])
    expect(stubber, REQUESTS, [product("AWS-Lambda-Requests", [("0", "0.0000002500")])])


def test_differences_are_shown_and_nothing_changes_without_apply(db, stubber, lookups):
    stub_new_prices(stubber)
    code, out, err = run("--lookups", lookups)
    assert code == 0, err
    assert "~ lambda-requests (us-east-1): 0.2 -> 0.25 USD" in out
    assert "lambda-gb-second-x86" not in out  # unchanged
    assert "1 of 2 prices read differ" in out and "Nothing was changed" in out
    assert Price.objects.get(pk="lambda-requests").usd == Decimal("0.2")
    assert not CatalogueChange.objects.filter(source="refresh_prices").exists()


def test_apply_writes_the_prices_and_records_them(db, stubber, lookups):
    version = catalogue_from_db().version
    stub_new_prices(stubber)
    code, out, err = run("--lookups", lookups, "--apply")
    assert code == 0, err
    assert "applied: 1 of 2 prices read differ" in out
    row = Price.objects.get(pk="lambda-requests")
    assert row.usd == Decimal("0.25") and row.verified
    change = CatalogueChange.objects.get(source="refresh_prices")
    assert (change.kind, change.key, change.before["usd"], change.after["usd"]) == (
        "prices", "lambda-requests", "0.2", "0.25")
    assert change.previous_version == version and change.rules_version == catalogue_from_db().version != version


def test_a_lookup_matching_several_prices_is_reported_and_skipped(db, stubber, lookups):
    expect(stubber, DURATION, [])
    expect(stubber, REQUESTS, [product("AWS-Lambda-Requests", [("0", "0.0000002500")]),
                               product("AWS-Lambda-Requests-Edge", [("0", "0.0000006000")])])
    code, out, err = run("--lookups", lookups, "--apply")
    assert code == 1
    assert "lambda-requests (us-east-1): the filters match 2 different prices" in err
    assert "lambda-gb-second-x86 (us-east-1): no on-demand USD price matched" in err
    assert Price.objects.get(pk="lambda-requests").usd == Decimal("0.2")


def test_results_come_page_by_page(db, stubber, lookups):
    expect(stubber, DURATION, [product("AWS-Lambda-Duration", [("0", "0.0000166667")])])
    stubber.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": [], "NextToken": "page-2"})
    stubber.add_response("get_products", {"FormatVersion": "aws_v1",
                                          "PriceList": [product("AWS-Lambda-Requests", [("0", "0.0000002000")])]},
                         {"ServiceCode": "AWSLambda", "FormatVersion": "aws_v1", "MaxResults": 100,
                          "NextToken": "page-2",
                          "Filters": [*REQUESTS, {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"}]})
    code, out, err = run("--lookups", lookups)
    assert code == 0, err
    assert "0 of 2 prices read differ: nothing to do" in out


@pytest.mark.parametrize("args, message", [
    (["--region", "Mars"], "'Mars' is not an AWS Region code"),
    (["--region", "eu-west-1"], "no price row for eu-west-1 has a lookup"),
])
def test_bad_input_exits_2_with_the_reason(db, stubber, lookups, args, message):
    code, out, err = run("--lookups", lookups, *args)
    assert code == 2 and message in err


def test_a_broken_lookups_file_exits_2(db, tmp_path):
    path = tmp_path / "lookups.yaml"
    path.write_text("lambda-requests: {filters: {group: x}}\n")
    code, out, err = run("--lookups", str(path))
    assert code == 2 and "needs service_code" in err


def test_no_credentials_exits_2_with_a_clear_message(db, lookups, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, out, err = run("--lookups", lookups)
    assert code == 2 and "no AWS credentials were found" in err


def test_the_shipped_lookups_name_existing_price_rows(db):
    lookups = live_prices.read_lookups()
    assert lookups and set(lookups) <= set(Price.objects.values_list("id", flat=True))
