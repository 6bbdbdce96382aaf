"""Templates CloudFormation takes as they are: no YAML anchors or aliases."""

import re

import pytest

import generator
from gencheck import generate

ALL = list(generator.PATTERN_SLUGS)
ANCHOR_OR_ALIAS = re.compile(r"[&*]id\d+")


@pytest.mark.parametrize("patterns", [[slug] for slug in ALL] + [ALL], ids=[*ALL, "all"])
def test_no_template_uses_yaml_anchors_or_aliases(patterns):
    files = generate(patterns, consumers=3, steps=4, compensation=True, long_waits=True, trigger="schedule",
                     aggregate_sources=3, content_routing=True)
    text = files["serverless-app/template.yaml"].decode()
    assert ANCHOR_OR_ALIAS.findall(text) == []
