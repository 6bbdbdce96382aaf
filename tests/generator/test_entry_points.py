"""Where work enters the stack from outside, the stack's outputs name it: its physical name is made
by CloudFormation at deploy time, and the systems that send work there need it."""

import json
import re

import pytest

import generator
from gencheck import generate, load_template

TRIGGERS = ("http", "queue", "event", "file_upload", "data_change", "schedule")


def named_in_outputs(template: dict, logical_id: str) -> bool:
    outputs = json.dumps(template.get("Outputs", {}))
    return bool(re.search(r'"(Ref|Fn::GetAtt)": \[?"' + re.escape(logical_id) + r'"|\$\{' + re.escape(logical_id)
                          + r'[}.]', outputs))


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("slug", generator.PATTERN_SLUGS)
def test_every_entry_point_is_named_in_the_outputs(slug, trigger):
    files = generate([slug], name="entry", trigger=trigger)
    template = load_template(files["entry/template.yaml"])
    graph = json.loads(files["entry/architecture.json"])["architecture"]
    kinds = {c["id"]: c["kind"] for c in graph["components"]}
    entries = {e["to"] for e in graph["edges"] if kinds[e["from"]] in ("client", "external") and e["kind"] != "failure"}
    missing = sorted(e for e in entries if e in template["Resources"] and not named_in_outputs(template, e))
    assert not missing, f"systems outside the stack send work to {missing}, which no output names"
