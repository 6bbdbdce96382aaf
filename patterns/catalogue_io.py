"""The catalogue to and from its YAML files: export, and the difference an import would make.

``export_tree`` writes the repository's own layout under a folder: the shared files in
``patterns/data/`` and each pattern's entry and own rules in
``pattern_library/<folder>/catalogue.yaml``; ``catalogue.read_catalogue_dir`` reads it
back. Rows are written so that reading them gives the same content (and so the same rules
version): a field is left out only where the reader would give it the same value.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any, Iterable

import yaml

from . import catalogue as values
from .scenarios import Scenario

SHARED_HEADER = "# Exported from the catalogue database; fields as in patterns/data/README.md.\n\n"
FOLDER_HEADER = ("# {slug}: the catalogue's entry for this pattern and its own rules, exported from the\n"
                 "# catalogue database (fields as in patterns/data/README.md).\n\n")


# Writing YAML -----------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Short lists and flat mappings on one line, lists indented under their key."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _plain(data: Any) -> bool:
    return data is None or isinstance(data, (str, int, float, bool))


def _represent_str(dumper, data: str):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


def _represent_list(dumper, data: list):
    flow = all(_plain(item) for item in data) and len(repr(data)) <= 90
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper, data: dict):
    flow = all(_plain(value) for value in data.values()) and len(repr(data)) <= 90
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def dump_yaml(data: Any) -> str:
    """YAML text for rows; a blank line between the rows of a list at the top of the file
    (or under one of its keys)."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    lines = text.splitlines()
    out = []
    for index, line in enumerate(lines):
        if re.match(r"(  )?- ", line) and index and not lines[index - 1].endswith(":"):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


# Rows as in the files -------------------------------------------------------------------------
def _listify(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        value = asdict(value)
    if isinstance(value, (tuple, list)):
        return [_listify(item) for item in value]
    if isinstance(value, dict):
        return {key: _listify(item) for key, item in value.items()}
    return value


# Numbers the reader turns into floats whatever is written, so 900 reads as 900.0.
_FLOAT_FIELDS = {"value", "usd", "per", "min", "max", "weight"}


def file_row(item: Any, default_order: int | None = None, drop: Iterable[str] = ()) -> dict[str, Any]:
    """A value object as a file row: fields equal to their default are left out, and so is
    ``order`` when the reader would give the row that position anyway."""
    row = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if f.name in drop:
            continue
        if f.name == "order":
            if value != default_order:
                row["order"] = value
            continue
        if f.default is not MISSING and value == f.default and f.name not in _REQUIRED.get(type(item), ()):
            continue
        if f.name in _FLOAT_FIELDS and isinstance(value, float) and value.is_integer():
            value = int(value)
        row[f.name] = _listify(value)
    return row


# Fields always written, even when equal to a default (they say what the row is).
_REQUIRED = {values.Limit: ("verified",), values.Price: ("verified",), values.Runtime: ("verified",)}


@dataclass(frozen=True)
class ExportedFile:
    path: Path  # relative to the export folder
    text: str


def export_files(catalogue: values.Catalogue, scenarios: Iterable[Scenario] = ()) -> list[ExportedFile]:
    """The catalogue as the files of the repository's layout (see the module docstring)."""
    from pattern_library import registry

    folder_of = {p.slug: p.folder.name for p in registry.patterns()}
    slug_order = {slug: index for index, slug in enumerate(registry.slugs())}
    own_rules: dict[str, list[values.Rule]] = {}
    shared_rules = []
    for rule in sorted(catalogue.rules, key=lambda r: (r.order, r.name)):
        (own_rules.setdefault(rule.pattern, []) if rule.pattern in folder_of else shared_rules).append(rule)
    shared_patterns = [p for p in catalogue.patterns if p.slug not in folder_of]  # none pass the check
    data_dir = values.EXPORT_DATA_DIR
    files = []

    def shared(kind: str, rows: list) -> None:
        files.append(ExportedFile(data_dir / f"{kind}.yaml", SHARED_HEADER + (dump_yaml(rows) if rows else "[]\n")))

    ordered = {
        "warnings": sorted(catalogue.warnings, key=lambda w: w.id),
        "limits": sorted(catalogue.limits, key=lambda lim: lim.id),
        "prices": sorted(catalogue.prices, key=lambda p: (p.service, p.id)),
        "questions": sorted(catalogue.questions, key=lambda q: (q.order, q.key)),
        "checklist": sorted(catalogue.checklist, key=lambda c: (c.order, c.id)),
        "alternatives": sorted(catalogue.alternatives, key=lambda a: (a.order, a.id)),
        "findings": sorted(catalogue.findings, key=lambda f: f.id),
        "runtimes": sorted(catalogue.runtimes, key=lambda r: r.id),
    }
    if shared_patterns:
        shared("patterns", [file_row(p, i) for i, p in enumerate(shared_patterns)])
    shared("warnings", [file_row(w) for w in ordered["warnings"]])
    shared("limits", [file_row(lim) for lim in ordered["limits"]])
    shared("prices", [file_row(p) for p in ordered["prices"]])
    shared("questions", [file_row(q, i) for i, q in enumerate(ordered["questions"])])
    shared("rules", [file_row(r, i) for i, r in enumerate(shared_rules)])
    shared("checklist", [file_row(c, i) for i, c in enumerate(ordered["checklist"])])
    shared("alternatives", [file_row(a, i) for i, a in enumerate(ordered["alternatives"])])
    shared("findings", [file_row(f) for f in ordered["findings"]])
    shared("runtimes", [file_row(r) for r in ordered["runtimes"]])
    shared("scenarios", [s.to_row() for s in scenarios])

    # Folder rows follow the shared ones in the registry's order, as the reader numbers them.
    next_rule = len(shared_rules)
    patterns = sorted((p for p in catalogue.patterns if p.slug in folder_of), key=lambda p: slug_order[p.slug])
    for index, pattern in enumerate(patterns, start=len(shared_patterns)):
        own: dict[str, Any] = {"pattern": file_row(pattern, index, drop=("slug",))}
        rules = own_rules.get(pattern.slug, [])
        if rules:
            own["rules"] = [file_row(r, next_rule + i, drop=("pattern",)) for i, r in enumerate(rules)]
        next_rule += len(rules)
        path = values.EXPORT_FOLDERS_DIR / folder_of[pattern.slug] / "catalogue.yaml"
        files.append(ExportedFile(path, FOLDER_HEADER.format(slug=pattern.slug) + dump_yaml(own)))
    return files


def export_tree(out: Path, catalogue: values.Catalogue, scenarios: Iterable[Scenario] = ()) -> list[Path]:
    """Write the files under ``out``; return their paths."""
    written = []
    for exported in export_files(catalogue, scenarios):
        path = Path(out) / exported.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(exported.text, encoding="utf-8")
        written.append(path)
    return written


# The difference an import makes ------------------------------------------------------------------
# Every kind of row, in the order an import writes them (what a row refers to exists
# first); it removes rows in the reverse order.
KINDS = ("warnings", "limits", "prices", "questions", "patterns", "rules", "checklist", "alternatives", "findings",
         "runtimes", "scenarios")
KEY_FIELDS = {"patterns": "slug", "questions": "key", "rules": "name", "scenarios": "name"}


@dataclass(frozen=True)
class Change:
    kind: str
    key: str
    action: str  # "add", "change", "remove"
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (field, before, after) for a change
    new: Any = None  # the value object to write, for add and change

    def lines(self) -> list[str]:
        sign = {"add": "+", "change": "~", "remove": "-"}[self.action]
        head = f"{sign} {self.kind} {self.key}"
        if self.action != "change":
            return [head]
        return [head] + [f"    {name}: {_short(before)} -> {_short(after)}" for name, before, after in self.fields]


def _short(value: Any, limit: int = 100) -> str:
    text = repr(_listify(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def diff(kind: str, current: Iterable[Any], incoming: Iterable[Any]) -> list[Change]:
    """Rows of ``kind`` that ``incoming`` adds, changes or removes compared with ``current``."""
    key_field = KEY_FIELDS.get(kind, "id")
    before = {getattr(item, key_field): item for item in current}
    after = {getattr(item, key_field): item for item in incoming}
    changes = []
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            changes.append(Change(kind, key, "add", new=new))
        elif old != new:
            changed = tuple((f.name, getattr(old, f.name), getattr(new, f.name)) for f in fields(new)
                            if getattr(old, f.name) != getattr(new, f.name))
            changes.append(Change(kind, key, "change", changed, new))
    changes += [Change(kind, key, "remove") for key in before if key not in after]
    return changes


def catalogue_diff(current: values.Catalogue, current_scenarios: Iterable[Scenario],
                   incoming: values.Catalogue, incoming_scenarios: Iterable[Scenario]) -> list[Change]:
    changes = []
    for kind in KINDS:
        if kind == "scenarios":
            changes += diff(kind, current_scenarios, incoming_scenarios)
        else:
            changes += diff(kind, getattr(current, kind), getattr(incoming, kind))
    return changes
