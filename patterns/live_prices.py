"""Current prices for the catalogue's price rows from the AWS Price List Query API.

Which product each row reads is data (``data/price_lookups.yaml``): a service code, attribute
filters and the tier to read. ``plan`` asks the API and lists the rows whose figure differs;
``apply`` writes them (recorded in the catalogue's history) in one checked transaction.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from . import catalogue as values
from . import history

LOOKUPS_FILE = values.DATA_DIR / "price_lookups.yaml"
REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
# The row's usd field keeps 10 decimal places (Price.usd).
USD_PLACES = Decimal("1e-10")


class LookupFileError(ValueError):
    pass


@dataclass(frozen=True)
class Lookup:
    price_id: str
    service_code: str
    filters: tuple[tuple[str, str, str], ...]  # (type, field, value)
    begin_range: str = "0"

    def api_filters(self, region: str) -> list[dict[str, str]]:
        return [{"Type": kind, "Field": name, "Value": value} for kind, name, value in self.filters] + [
            {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]


@dataclass(frozen=True)
class PriceChange:
    price_id: str
    region: str
    old: Decimal
    new: Decimal

    def line(self) -> str:
        return f"~ {self.price_id} ({self.region}): {self.old.normalize():f} -> {self.new.normalize():f} USD"


def read_lookups(path: Path = LOOKUPS_FILE) -> dict[str, Lookup]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LookupFileError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise LookupFileError(f"{path}: expected a mapping of price ids to lookups")
    lookups, problems = {}, []
    for price_id, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("service_code"), str) \
                or not isinstance(entry.get("filters", {}), dict) or set(entry) - {"service_code", "filters", "begin_range"}:
            problems.append(f"{price_id}: needs service_code, filters (a mapping) and optionally begin_range")
            continue
        filters = []
        for name, value in entry.get("filters", {}).items():
            if isinstance(value, dict) and set(value) == {"contains"}:
                filters.append(("CONTAINS", str(name), str(value["contains"])))
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                filters.append(("TERM_MATCH", str(name), str(value)))
            else:
                problems.append(f"{price_id}: filter {name!r} must be a value or {{contains: text}}")
        lookups[str(price_id)] = Lookup(str(price_id), entry["service_code"], tuple(filters),
                                        str(entry.get("begin_range", "0")))
    if problems:
        raise LookupFileError(f"{path}: " + "; ".join(problems))
    return lookups


def pricing_client():
    import boto3

    return boto3.client("pricing", region_name=settings.PRICE_LIST_API_REGION)


def _products(client, lookup: Lookup, region: str) -> list[dict[str, Any]]:
    products, token = [], None
    while True:
        kwargs = {"ServiceCode": lookup.service_code, "Filters": lookup.api_filters(region),
                  "FormatVersion": "aws_v1", "MaxResults": 100}
        if token:
            kwargs["NextToken"] = token
        response = client.get_products(**kwargs)
        products += [json.loads(entry) if isinstance(entry, str) else entry for entry in response.get("PriceList", [])]
        token = response.get("NextToken")
        if not token:
            return products


def current_unit_price(client, lookup: Lookup, region: str) -> Decimal:
    """USD per AWS unit of the one on-demand price the lookup picks; LookupError otherwise."""
    found = set()
    for product in _products(client, lookup, region):
        for term in (product.get("terms", {}).get("OnDemand") or {}).values():
            for dimension in (term.get("priceDimensions") or {}).values():
                if str(dimension.get("beginRange", "0")) != lookup.begin_range:
                    continue
                try:
                    found.add(Decimal(dimension["pricePerUnit"]["USD"]))
                except (KeyError, TypeError, InvalidOperation):
                    continue
    if not found:
        raise LookupError(f"{lookup.price_id} ({region}): no on-demand USD price matched {lookup.service_code} "
                          f"{dict((f, v) for _, f, v in lookup.filters)} from tier {lookup.begin_range}")
    if len(found) > 1:
        raise LookupError(f"{lookup.price_id} ({region}): the filters match {len(found)} different prices "
                          f"({', '.join(sorted(f'{p:f}' for p in found))}): narrow them in the lookups file")
    return found.pop()


def plan(client, lookups: dict[str, Lookup], region: str | None = None) -> tuple[list[PriceChange], list[str], int]:
    """The rows whose current price differs, the rows that could not be read, and how many
    rows were looked up."""
    from .models import Price

    rows = [row for row in Price.objects.all() if row.id in lookups
            and (region is None or (row.region or values.DEFAULT_REGION) == region)]
    changes, problems = [], []
    for row in rows:
        row_region = row.region or values.DEFAULT_REGION
        try:
            unit = current_unit_price(client, lookups[row.id], row_region)
        except LookupError as exc:
            problems.append(str(exc))
            continue
        new = (unit * row.per).quantize(USD_PLACES)
        if new != row.usd:
            changes.append(PriceChange(row.id, row_region, row.usd, new))
    return changes, problems, len(rows)


def apply(changes: list[PriceChange], today: datetime.date | None = None) -> None:
    """Write the new figures (and today's date) in one transaction, checked as a whole."""
    from .engine import check_catalogue
    from .models import Price
    from .store import catalogue_from_db

    today = today or datetime.date.today()
    with transaction.atomic(), history.recording(source="refresh_prices"):
        for change in changes:
            row = Price.objects.get(pk=change.price_id)
            row.usd, row.as_of, row.verified = change.new, today, True
            row.full_clean()
            row.save()
        problems = check_catalogue(catalogue_from_db())
        if problems:
            raise values.CatalogueError(problems)
