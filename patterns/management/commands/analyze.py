import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from analyzer import MAX_TEMPLATE_BYTES, TemplateError, analyze
from patterns.catalogue import Catalogue, load_files
from patterns.cli import BadInput, read_text
from patterns.store import live_or_shipped_engine


def render_analysis_text(data: dict[str, Any], names: dict[str, str]) -> str:
    lines = [f"Resources: {data['resources']}", ""]
    lines.append("Patterns found" if data["patterns"] else "Patterns found: none of the catalogue's patterns")
    lines += [f"  - {names.get(slug, slug)} ({slug})" for slug in data["patterns"]]
    lines.append("")
    lines.append(f"Findings ({len(data['findings'])})" if data["findings"] else "Findings: none")
    for finding in data["findings"]:
        where = finding["resource"] + (f", line {finding['line']}" if finding.get("line") else "")
        lines.append(f"  [{finding['severity'].upper()}] {finding['id']} ({where}): {finding['message']}")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = ("Report the architecture patterns and the risks of an AWS SAM or CloudFormation template "
            "(YAML with short tags, or JSON; '-' reads standard input).")

    def add_arguments(self, parser):
        parser.add_argument("template", help="path to the template, or - for standard input")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        path = options["template"]
        catalogue = live_or_shipped_engine().catalogue
        try:
            text = read_text(path, sys.stdin, limit=MAX_TEMPLATE_BYTES, what="template")
            result = analyze(text, catalogue=catalogue).to_dict()
        except BadInput as exc:
            self.stderr.write(f"error: {exc}")
            raise SystemExit(2)
        except TemplateError as exc:
            self.stderr.write(f"error: {path}: {exc}")
            raise SystemExit(2)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
        else:
            names = {pattern.slug: pattern.name for pattern in catalogue.patterns}
            self.stdout.write(render_analysis_text(result, names), ending="")
