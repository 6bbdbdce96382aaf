"""kinesis-stream's catalogue rows, sizing and cost, all from its own folder (SPEC §8.2)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pattern_library import registry
from pattern_library.kinesis_stream.sizing import consumer_sizing, shard_count
from patterns.catalogue import load_files
from patterns.engine import compile_catalogue

CATALOGUE = load_files()
ENGINE = compile_catalogue(CATALOGUE)
LIMITS = {limit.id: limit.value for limit in CATALOGUE.limits}


def test_its_limit_and_price_rows_come_from_its_folder_with_their_sources():
    own = registry.get("kinesis-stream").catalogue_file.read_text()
    for row_id in ("kinesis-record-size", "kinesis-shard-write-records", "kinesis-shard-write-kb",
                   "kinesis-shard-read-kb", "kinesis-shard-read-transactions", "kinesis-shard-quota",
                   "kinesis-shard-hours", "kinesis-put-payload-units", "kinesis-put-payload-unit"):
        assert f"id: {row_id}" in own
    limits, prices = CATALOGUE.limit_map, CATALOGUE.price_map
    assert (limits["kinesis-shard-write-records"].value, limits["kinesis-shard-write-kb"].value) == (1000, 1024)
    assert (limits["kinesis-shard-read-kb"].value, limits["kinesis-record-size"].value) == (2048, 1024)
    # Service limits come from the developer guide; the unit records are billed in, from the pricing page.
    assert all(limits[i].source.startswith("https://docs.aws.amazon.com/streams/") for i in limits
               if i.startswith("kinesis") and i != "kinesis-put-payload-unit")
    assert limits["kinesis-put-payload-unit"].value == 25
    assert limits["kinesis-put-payload-unit"].source == "https://aws.amazon.com/kinesis/data-streams/pricing/"
    assert prices["kinesis-shard-hours"].unit_usd == 0.015
    assert prices["kinesis-put-payload-units"].unit_usd == pytest.approx(0.014 / 1_000_000)


@pytest.mark.parametrize("peak, kb, shards", [
    (5, 4, 1),          # a trickle still needs one shard
    (1000, 1, 1),       # exactly one shard's records and KB
    (1001, 1, 2),
    (2000, 4, 8),       # 8,000 KB/s: the data rate decides
    (5000, 0.2, 5),     # a record is counted as at least 1 KB; the record rate decides
])
def test_the_stream_has_enough_shards_for_the_peak_in_records_and_in_kb(peak, kb, shards):
    assert shard_count({"peak_rps": peak, "payload_kb": kb}, LIMITS) == shards


def test_shards_stop_at_the_account_quota():
    assert shard_count({"peak_rps": 1_000_000, "payload_kb": 1024}, LIMITS) == LIMITS["kinesis-shard-quota"]


def test_the_consumer_keeps_up_per_shard_within_lambdas_bounds():
    # 1,000 records/s on one shard at 20 ms each: 20 records in flight, so 10 batches at once (the maximum).
    busy = consumer_sizing({"peak_rps": 1000, "payload_kb": 1, "duration_s": 0.02, "max_duration_s": 0.1}, LIMITS, 900)
    assert busy.parallelization == 10 and busy.batch_size == 100 and busy.timeout == 15
    # Slow records: a batch shrinks so the worst case still fits Lambda's 900 s.
    slow = consumer_sizing({"peak_rps": 10, "payload_kb": 1, "duration_s": 30, "max_duration_s": 60}, LIMITS, 900)
    assert slow.batch_size == 14 and slow.timeout == 14 * 60 + 5


def test_the_cost_shows_shard_hours_and_put_payload_units_with_their_arithmetic():
    answers = {"trigger": "event", "client_waits": False, "peak_rps": 5000, "payload_kb": 30, "ordering": True,
               "monthly_invocations": 100_000_000}
    advice = ENGINE.recommend(answers, patterns=("kinesis-stream",))
    lines = {line.price: line for line in advice.cost.lines if line.service == "Kinesis"}
    # 5,000 records/s x 30 KB = 150,000 KB/s over 1,024 KB/s per shard: 147 shards.
    # 147 shards x 730 h = 107,310 shard-hours x $0.015 = $1,609.65
    shards = lines["kinesis-shard-hours"]
    assert (shards.quantity, shards.unit_usd, shards.usd) == (107_310, 0.015, 1609.65)
    assert shards.assumption == "147 shards x 730 h (sized for 5,000 records/s at peak)"
    # 30 KB records are 2 PUT payload units of 25 KB: 200,000,000 units x $0.014 per million = $2.80
    units = lines["kinesis-put-payload-units"]
    assert (units.quantity, units.usd) == (200_000_000, 2.80)
    assert units.assumption == "100,000,000 records x 2 PUT payload units (per 25 KB)"
    # Both are lines of the stream itself, and nothing is left unpriced.
    assert {line.component for line in lines.values()} == {"EventStream"}
    assert not [note for note in advice.cost.notes if "Not priced" in note]


def test_the_put_payload_unit_is_the_catalogue_row():
    unit = replace(CATALOGUE.limit_map["kinesis-put-payload-unit"], value=50)
    engine = compile_catalogue(replace(CATALOGUE, limits=tuple(unit if limit.id == unit.id else limit
                                                                for limit in CATALOGUE.limits)))
    answers = {"trigger": "event", "client_waits": False, "peak_rps": 50, "payload_kb": 30,
               "monthly_invocations": 1_000_000}
    (line,) = [line for line in engine.recommend(answers, patterns=("kinesis-stream",)).cost.lines
               if line.price == "kinesis-put-payload-units"]
    assert (line.quantity, line.assumption) == (1_000_000, "1,000,000 records x 1 PUT payload unit (per 50 KB)")


def test_a_pattern_without_a_stream_has_no_kinesis_cost():
    advice = ENGINE.recommend({"trigger": "queue", "client_waits": False}, patterns=("sqs-worker",))
    assert all(line.service != "Kinesis" for line in advice.cost.lines)


@pytest.mark.django_db
def test_a_shard_limit_edited_in_the_admin_sizes_both_the_template_and_the_cost():
    import yaml

    import generator
    from patterns.models import Limit
    from patterns.store import current_engine

    row = Limit.objects.get(id="kinesis-shard-write-records")
    row.value = 500
    row.save()
    engine = current_engine()
    answers = {"trigger": "event", "client_waits": False, "peak_rps": 2000, "payload_kb": 0.5}
    advice = engine.recommend(answers, patterns=("kinesis-stream",))
    assert any(line.assumption.startswith("4 shards x 730 h") for line in advice.cost.lines)
    files = generator.generate_files(generator.Selection(
        patterns=("kinesis-stream",), answers=advice.answers, name="edited", render_diagrams=False,
        limits=engine.limit_values))
    template = yaml.safe_load(files["edited/template.yaml"])
    assert template["Resources"]["EventStream"]["Properties"]["ShardCount"] == 4
