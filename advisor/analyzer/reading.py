"""Turning what a user sends (pasted text, an uploaded file) into template text, and the
analysis into what the page shows. The analysis itself is ``analyzer.analyze``."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from analyzer import MAX_TEMPLATE_BYTES, Analysis, Finding, TemplateError, analyze
from patterns.catalogue import SEVERITIES
from patterns.engine import Engine


def uploaded_text(upload: UploadedFile) -> str:
    raw = upload.read(MAX_TEMPLATE_BYTES + 1)
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"Too large: the template is over {MAX_TEMPLATE_BYTES // 1024:,} KB, "
                            "more than CloudFormation accepts.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(f"{upload.name} is not a text file (it is not UTF-8).") from None


@dataclass(frozen=True)
class SeverityGroup:
    severity: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Report:
    analysis: Analysis
    patterns: tuple[tuple[str, str], ...]  # (slug, name)
    groups: tuple[SeverityGroup, ...]  # most severe first, only severities that occur


def analyze_for_page(engine: Engine, text: str) -> Report:
    catalogue = engine.catalogue
    analysis = analyze(text, catalogue=catalogue)
    names = {pattern.slug: pattern.name for pattern in catalogue.patterns}
    groups = tuple(
        SeverityGroup(severity, tuple(f for f in analysis.findings if f.severity == severity))
        for severity in reversed(SEVERITIES) if any(f.severity == severity for f in analysis.findings)
    )
    return Report(analysis, tuple((slug, names.get(slug, slug)) for slug in analysis.patterns), groups)
