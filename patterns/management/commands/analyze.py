import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from analyzer import MAX_TEMPLATE_BYTES, Analysis, TemplateError, analyze
from analyzer.sarif import sarif_log
from analyzer.stacks import StackError, stack_template
from patterns.catalogue import SEVERITIES
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


def fails(analyses: list[tuple[str, Analysis]], threshold: str | None) -> bool:
    """Whether any finding is at or above the severity ``threshold`` (never without one)."""
    if threshold is None:
        return False
    floor = SEVERITIES.index(threshold)
    return any(SEVERITIES.index(f.severity) >= floor for _, analysis in analyses for f in analysis.findings)


class Command(BaseCommand):
    help = ("Report the architecture patterns and the risks of AWS SAM or CloudFormation templates "
            "(YAML with short tags, or JSON; '-' reads standard input), or of a deployed stack's template. "
            "Exits 1 when a finding at or above --fail-on is present, 2 on bad input.")

    def add_arguments(self, parser):
        parser.add_argument("templates", nargs="*", metavar="PATH",
                            help="paths to templates, or - for standard input")
        parser.add_argument("--format", choices=["text", "json", "sarif"], default="text",
                            help="text (default); json: one object, or one per line with its path when "
                                 "several templates are given; sarif: SARIF 2.1.0 for code-scanning tools")
        parser.add_argument("--fail-on", choices=SEVERITIES, default=None, metavar="SEVERITY",
                            help=f"exit 1 when a finding at or above this severity is present ({', '.join(SEVERITIES)})")
        parser.add_argument("--stack", metavar="NAME",
                            help="also analyse the template of this deployed CloudFormation stack "
                                 "(read with your usual AWS credentials)")
        parser.add_argument("--region", help="the AWS region of --stack (default: your AWS configuration's)")

    def handle(self, *args, **options):
        paths: list[str] = options["templates"]
        stack: str | None = options["stack"]
        if not paths and not stack:
            self._refuse(["give the path of a template (- for standard input) or --stack NAME"])
        if options["region"] and not stack:
            self._refuse(["--region applies only with --stack NAME"])
        if paths.count("-") > 1:
            self._refuse(["standard input (-) can be read only once"])
        engine = live_or_shipped_engine()
        catalogue = engine.catalogue
        analyses: list[tuple[str, Analysis]] = []
        problems: list[str] = []
        sources = [(path, None) for path in paths] + ([(f"stack:{stack}", stack)] if stack else [])
        for path, stack_name in sources:
            try:
                if stack_name is not None:
                    text = stack_template(stack_name, options["region"])
                else:
                    text = read_text(path, sys.stdin, limit=MAX_TEMPLATE_BYTES, what="template")
                analyses.append((path, analyze(text, catalogue=catalogue)))
            except (BadInput, StackError) as exc:
                problems.append(str(exc))
            except TemplateError as exc:
                problems.append(f"{path}: {exc}")
        if problems:
            self._refuse(problems)
        self._write(analyses, options["format"], {pattern.slug: pattern.name for pattern in catalogue.patterns},
                    engine.version)
        if fails(analyses, options["fail_on"]):
            raise SystemExit(1)

    def _refuse(self, problems: list[str]) -> None:
        for problem in problems:
            self.stderr.write(f"error: {problem}")
        raise SystemExit(2)

    def _write(self, analyses: list[tuple[str, Analysis]], fmt: str, names: dict[str, str], version: str) -> None:
        if fmt == "sarif":
            self.stdout.write(json.dumps(sarif_log(analyses, version), indent=2))
        elif fmt == "json" and len(analyses) == 1:
            self.stdout.write(json.dumps(analyses[0][1].to_dict(), indent=2))
        elif fmt == "json":
            for path, analysis in analyses:
                self.stdout.write(json.dumps({"path": path, **analysis.to_dict()}))
        elif len(analyses) == 1:
            self.stdout.write(render_analysis_text(analyses[0][1].to_dict(), names), ending="")
        else:
            self.stdout.write("\n".join(f"== {path}\n{render_analysis_text(analysis.to_dict(), names)}"
                                        for path, analysis in analyses), ending="")
