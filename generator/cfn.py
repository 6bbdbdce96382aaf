"""CloudFormation as plain data: long-form intrinsics and a safe YAML dump."""

from __future__ import annotations

import json
from typing import Any

import yaml

try:  # libyaml is much faster; output is identical for our data
    _BaseDumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _BaseDumper = yaml.SafeDumper


class _Dumper(_BaseDumper):
    """Writes a value used twice in full: CloudFormation rejects YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def ref(logical_id: str) -> dict:
    return {"Ref": logical_id}


def get_att(logical_id: str, attribute: str) -> dict:
    return {"Fn::GetAtt": [logical_id, attribute]}


def sub(text: str) -> dict:
    return {"Fn::Sub": text}


def join(sep: str, items: Any) -> dict:
    return {"Fn::Join": [sep, items]}


def dump_yaml(data: dict) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=False,
        width=100,
    )


def json_text(data: Any) -> str:
    """Compact JSON for properties CloudFormation wants as a string (filter patterns)."""
    return json.dumps(data, separators=(",", ":"), sort_keys=True)
