"""Just enough of CloudFormation's intrinsic functions to see what a template deploys as,
for given parameter values and pseudo parameters (the way a stack sees them)."""

from __future__ import annotations

import re
from typing import Any

NO_VALUE = object()


class Stack:
    def __init__(self, template: dict, *, name: str = "app-dev", account: str = "123456789012",
                 region: str = "eu-west-1", guid: str = "3f1b2a60-0d1e-11f0-9c3a-0a1b2c3d4e5f",
                 parameters: dict[str, Any] | None = None):
        self.template = template
        self.values: dict[str, Any] = {
            "AWS::StackName": name, "AWS::AccountId": account, "AWS::Region": region,
            "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{account}:stack/{name}/{guid}",
        }
        for key, spec in template.get("Parameters", {}).items():
            if "Default" in spec:
                self.values[key] = spec["Default"]
        self.values.update(parameters or {})

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.resolve(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                if arg == "AWS::NoValue":
                    return NO_VALUE
                return self.values.get(arg, f"<{arg}>")
            if key == "Fn::If":
                name, yes, no = arg
                return self.resolve(yes if self.condition(name) else no)
            if key == "Fn::Equals":
                left, right = (self.resolve(a) for a in arg)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::And":
                return all(self.resolve(a) for a in arg)
            if key == "Fn::Or":
                return any(self.resolve(a) for a in arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(index)]
            if key == "Fn::Split":
                sep, text = arg
                return str(self.resolve(text)).split(sep)
            if key == "Fn::Join":
                sep, items = arg
                return sep.join(str(i) for i in self.resolve(items))
            if key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else arg
                local = {k: self.resolve(v) for k, v in variables.items()}

                def value(match: re.Match) -> str:
                    name = match.group(1)
                    return str(local[name] if name in local else self.values.get(name, f"<{name}>"))

                return re.sub(r"\$\{([^}!]+)\}", value, text)
        out = {}
        for key, value in node.items():
            resolved = self.resolve(value)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def resources(self) -> dict[str, dict]:
        """Resources the stack creates (their Condition holds), with properties resolved."""
        created = {}
        for lid, res in self.template["Resources"].items():
            if "Condition" in res and not self.condition(res["Condition"]):
                continue
            created[lid] = {**res, "Properties": self.resolve(res.get("Properties", {}))}
        return created
