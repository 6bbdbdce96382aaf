"""What a Kinesis stream costs beyond its functions: shard-hours and PUT payload units.

The stream is provisioned (see sizing.py), so it is billed for every shard all month whether
records flow or not, plus every PUT payload unit (a limit row) of each record put.
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Mapping

from patterns.cost import HOURS_PER_MONTH

from patterns.catalogue import load_files

from .sizing import shard_count

PUT_PAYLOAD_UNIT = "kinesis-put-payload-unit"  # KB of a record billed as one PUT payload unit


def usage(answers: Mapping[str, Any], limits: Mapping[str, float]) -> Iterator[tuple[str, str, float, str]]:
    """(service, price id, quantity, assumption) lines for patterns.cost, on the stream."""
    shards = shard_count(answers, limits)
    replay_days = int(answers.get("replay_days") or 0)
    retention = (f"; retention beyond 24 hours for the {replay_days}-day replay window is billed on top, not priced here"
                 if replay_days > 1 else "")
    yield ("Kinesis", "kinesis-shard-hours", shards * HOURS_PER_MONTH,
           f"{shards} shard{'s' if shards != 1 else ''} x {HOURS_PER_MONTH} h (sized for "
           f"{answers.get('peak_rps', 0):,g} records/s at peak){retention}")
    unit_kb = limits.get(PUT_PAYLOAD_UNIT) or load_files().limit_map[PUT_PAYLOAD_UNIT].value
    units_per_record = max(1, math.ceil(float(answers.get("payload_kb") or 0) / unit_kb))
    records = int(answers.get("monthly_invocations") or 0)
    yield ("Kinesis", "kinesis-put-payload-units", records * units_per_record,
           f"{records:,} records x {units_per_record} PUT payload unit{'s' if units_per_record != 1 else ''} "
           f"(per {unit_kb:g} KB)")
