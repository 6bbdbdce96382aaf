"""Turning what a user sends (pasted text, an uploaded file) into template text, and the
analysis into what the page shows. The analysis itself is ``analyzer.analyze``."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from advisor.diagrams import MAX_DRAWN_COMPONENTS, MAX_DRAWN_CONNECTIONS, architecture_svg, marking_of
from analyzer import MAX_TEMPLATE_BYTES, Analysis, Finding, TemplateError, analyze, load_template
from analyzer.marks import Marks, marks_of
from analyzer.applies import fix_of, resources_of
from generator import dot_available
from patterns.catalogue import SEVERITIES
from patterns.engine import Engine

from .start import Start, start_from


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
class Place:
    """One resource a finding applies to, where it is in the template and what is wrong there."""

    resource: str
    line: int | None
    message: str


@dataclass(frozen=True)
class FindingGroup:
    """Every finding of one id and severity: titled once, with each place it applies to."""

    id: str
    title: str
    severity: str
    rule_ids: tuple[str, ...]
    fix: str  # what to do, when the finding says it apart from its message
    places: tuple[Place, ...]


@dataclass(frozen=True)
class SeverityGroup:
    severity: str
    kinds: tuple[FindingGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(kind.places) for kind in self.kinds)


@dataclass(frozen=True)
class Drawing:
    svg_src: str  # a data: URI of the SVG, "" when not drawn
    not_drawn: str  # why it is not drawn, "" when it is


@dataclass(frozen=True)
class MarkedPart:
    """A component or connection carrying findings, for the list beside the drawing."""

    name: str  # "BillingQueue", or "BillingQueue → Worker"
    kind: str  # its component or connection kind
    titles: tuple[str, ...]  # the titles of its findings


@dataclass(frozen=True)
class Report:
    analysis: Analysis
    patterns: tuple[tuple[str, str], ...]  # (slug, name)
    groups: tuple[SeverityGroup, ...]  # most severe first, only severities that occur
    marks: Marks
    marked_parts: tuple[MarkedPart, ...]
    drawing: Drawing
    start: Start


def group_findings(findings: tuple[Finding, ...]) -> tuple[SeverityGroup, ...]:
    groups = []
    for severity in reversed(SEVERITIES):
        kinds: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.severity == severity:
                kinds.setdefault(finding.id, []).append(finding)
        if kinds:
            groups.append(SeverityGroup(severity, tuple(_kind_group(same) for same in kinds.values())))
    return tuple(groups)


def _kind_group(same: list[Finding]) -> FindingGroup:
    first = same[0]
    rule_ids = tuple(dict.fromkeys(rule for finding in same for rule in finding.rule_ids))
    fix = fix_of(first)
    return FindingGroup(first.id, first.title, first.severity, rule_ids, "" if fix == first.message else fix,
                        tuple(Place(resource, finding.line, finding.message)
                              for finding in same for resource in resources_of(finding)))


def marked_parts(analysis: Analysis, marks: Marks) -> tuple[MarkedPart, ...]:
    titles = {finding.id: finding.title for finding in analysis.findings}
    return (*(MarkedPart(m.component.id, m.component.kind, tuple(titles[f] for f in m.findings))
              for m in marks.components),
            *(MarkedPart(f"{m.connection.source} → {m.connection.target}", m.connection.kind,
                         tuple(titles[f] for f in m.findings)) for m in marks.connections))


def drawing_of(analysis: Analysis, marks: Marks, title: str) -> Drawing:
    architecture = analysis.architecture
    if not architecture.components:
        return Drawing("", "The template declares nothing to draw.")
    if len(architecture.components) > MAX_DRAWN_COMPONENTS:
        return Drawing("", f"The architecture has {len(architecture.components):,} components, more than the "
                           f"{MAX_DRAWN_COMPONENTS} drawn here; the lists below still cover all of them.")
    if len(architecture.connections) > MAX_DRAWN_CONNECTIONS:
        return Drawing("", f"The architecture has {len(architecture.connections):,} connections, more than the "
                           f"{MAX_DRAWN_CONNECTIONS} drawn here; the lists below still cover all of them.")
    if not dot_available():
        return Drawing("", "Graphviz is not installed here, so the architecture is not drawn.")
    svg = architecture_svg(architecture, title, marking_of(marks))
    if svg is None:
        return Drawing("", "The architecture could not be drawn.")
    return Drawing("data:image/svg+xml;base64," + base64.b64encode(svg).decode(), "")


def analyze_for_page(engine: Engine, text: str, title: str = "") -> Report:
    catalogue = engine.catalogue
    analysis = analyze(text, catalogue=catalogue)
    names = {pattern.slug: pattern.name for pattern in catalogue.patterns}
    marks = marks_of(analysis.architecture, analysis.findings)
    return Report(analysis, tuple((slug, names.get(slug, slug)) for slug in analysis.patterns),
                  group_findings(analysis.findings), marks, marked_parts(analysis, marks), drawing_of(analysis, marks, title or "Your template"),
                  start_from(engine, analysis, load_template(text)))
