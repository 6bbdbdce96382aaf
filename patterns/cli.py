"""Shared plumbing of the management commands: reading input, exit codes, text output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from . import formatting, plain_data

MAX_INPUT_BYTES = 1024 * 1024


class BadInput(Exception):
    """Input the user must fix; the command prints the message and exits 2."""


def read_text(path: str, stdin: TextIO | None = None, limit: int = MAX_INPUT_BYTES, what: str = "input") -> str:
    """The UTF-8 text of a file or of standard input ("-"), at most ``limit`` bytes."""
    if path == "-":
        stream = stdin or sys.stdin
        buffer = getattr(stream, "buffer", None)  # the bytes, when standard input is a real stream
        raw = buffer.read(limit + 1) if buffer is not None else stream.read(limit + 1)
    else:
        file = Path(path)
        if not file.exists():
            raise BadInput(f"{path}: no such file")
        if file.is_dir():
            raise BadInput(f"{path}: is a directory, not a {what} file")
        try:
            with file.open("rb") as handle:
                raw = handle.read(limit + 1)
        except OSError as exc:
            raise BadInput(f"{path}: cannot be read ({exc.strerror})") from None
    if len(raw) > limit:
        raise BadInput(f"{path}: {what} is larger than {limit // 1024} KB")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BadInput(f"{path}: is not UTF-8 text") from None
    if plain_data.text_problem(text):
        raise BadInput(f"{path}: is not UTF-8 text")
    return text


def read_json(path: str, stdin: TextIO | None = None, what: str = "answers") -> Any:
    text = read_text(path, stdin, what=what)
    if not text.strip():
        raise BadInput(f"{path}: is empty; expected a JSON object of {what}")
    try:
        return plain_data.loads(text)
    except plain_data.PlainDataError as exc:
        raise BadInput(f"{path}: {exc}") from None


def _alternative_lines(data: dict[str, Any], names: dict[str, str]) -> list[str]:
    fits = data.get("fits_lambda", True)
    lines = ["Beside Lambda" if fits else "Where Lambda is not the answer (the core of the work does not belong in a function)"]
    for alternative in data.get("alternatives", ()):
        tag = "beside" if alternative["fits_lambda"] else "INSTEAD"
        lines.append(f"  [{tag}] {alternative['id']}: {alternative['title']}")
        lines.append(f"       {alternative['message']}")
        if alternative["replaces"]:
            lines.append("       stands in for the function of: "
                         + ", ".join(names.get(slug, slug) for slug in alternative["replaces"]))
    return [*lines, ""]


def render_recommendation_text(data: dict[str, Any], names: dict[str, str]) -> str:
    lines = []
    if data.get("alternatives") and not data.get("fits_lambda", True):
        lines += _alternative_lines(data, names)  # first: nothing below is the whole answer
    lines.append(f"Recommended patterns (rules version {data['rules_version']})")
    if not data["recommendations"]:
        lines.append("  none of the patterns fits these answers")
    for rank, item in enumerate(data["recommendations"], 1):
        chosen = " *" if item["pattern"] in data.get("selected", ()) else ""
        lines.append(f"  {rank}. {names.get(item['pattern'], item['pattern'])} ({item['pattern']})  score {item['score']:.2f}{chosen}")
        lines += [f"       - {reason}" for reason in item["reasons"]]
    if data.get("selected"):
        lines.append("  * proposed architecture")
    lines.append("")
    if data.get("alternatives") and data.get("fits_lambda", True):
        lines += _alternative_lines(data, names)
    lines.append("Warnings" if data["warnings"] else "Warnings: none")
    for warning in data["warnings"]:
        where = f" ({warning['pattern']})" if warning["pattern"] else ""
        lines.append(f"  [{warning['severity'].upper()}] {warning['id']}{where}: {warning['message']}")
    lines.append("")
    lines.append("Limits")
    for check in data["limits"]:
        status = "ok    " if check["ok"] else "BROKEN"
        sign = "<=" if check["ok"] else ">"
        lines.append(f"  {status} {check['id']}: {check['value']} {sign} {check['limit']} {check['unit']}  {check['message']}")
    lines.append("")
    lines.append("Checklist")
    lines += [f"  - {item}" for item in data["checklist"]]
    lines.append("")
    cost = data["cost"]
    region = f" ({cost['region']} prices" + (", free tier deducted)" if cost.get("free_tier") else ")") \
        if cost.get("region") else ""
    lines.append(f"Estimated monthly cost: {formatting.usd(cost['monthly_usd'])}{region}")
    lines += _cost_lines(cost["lines"])
    if cost.get("alternatives"):
        lines.append("Other options, not in the total")
        lines += _cost_lines(cost["alternatives"])
    lines += [f"  note: {note}" for note in cost.get("notes", ())]
    return "\n".join(lines) + "\n"


def _cost_lines(cost_lines: list[dict[str, Any]]) -> list[str]:
    """Each line under the component it prices, with its arithmetic (``basis``)."""
    out: list[str] = []
    shown = None
    for line in cost_lines:
        title = line.get("component_name") or line["service"]
        if title != shown:
            out.append(f"  {title}")
            shown = title
        out.append(f"    {line['service']:<15} {formatting.usd(line['usd']):>11}  {line['basis']}")
    return out
