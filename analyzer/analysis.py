"""Read an AWS SAM or CloudFormation template; report the patterns it uses and the risks it carries.

    analyze(text) -> Analysis(patterns, resources, findings, architecture)   (SPEC 3.2, 3.5, 4.4, 8.5)

The catalogue's knowledge run backwards: instead of answers -> patterns -> warnings, the
resources and their wiring -> patterns -> findings. Plain Python: the command, the web
page and the API call this one function.

The steps, one module each: ``reading`` (text -> document and lines, refusals, the time
budget), ``model`` (the lookups built once per template), ``detection`` (the patterns, by each
pattern folder's ``detect.py``), ``findings`` (the risks) and ``architecture`` (the graph the
generator records, read back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from architecture import Architecture
from patterns.catalogue import SEVERITIES, Catalogue, load_files

from .architecture import architecture_of
from .detection import patterns_in
from .findings import Finding, findings_of
from .model import _Template, deprecated_runtimes, limits_from
from .reading import _BUDGET, ANALYSIS_SECONDS, MAX_RESOURCES, _Budget, _on_time, _read


@dataclass(frozen=True)
class Analysis:
    patterns: tuple[str, ...]
    resources: int
    findings: tuple[Finding, ...]
    architecture: Architecture = Architecture()  # the components and connections (SPEC 8.5)

    def to_dict(self) -> dict[str, Any]:
        return {
            "patterns": list(self.patterns),
            "resources": self.resources,
            "findings": [finding.to_dict() for finding in self.findings],
            "architecture": self.architecture.to_dict(),
        }


def analyze(text: str, limits: Mapping[str, float] | None = None, *, catalogue: Catalogue | None = None,
            seconds: float = ANALYSIS_SECONDS, max_resources: int = MAX_RESOURCES) -> Analysis:
    """Analyse one template. ``catalogue`` gives the findings' titles, severities and texts,
    the limits and the deprecated Lambda runtimes (the live catalogue in the web app; the
    shipped files when None).
    ``limits``, when given, maps limit ids (``model.LIMIT_IDS``) to values in place of the
    catalogue's rows. Raises TemplateError when the template
    cannot be read, declares more than ``max_resources`` resources, or takes longer than
    ``seconds`` to analyse."""
    catalogue = catalogue if catalogue is not None else load_files()
    limits = {**limits_from(catalogue.limit_map), **(limits or {})}
    token = _BUDGET.set(_Budget(seconds))
    try:
        document, lines = _read(text, max_resources)
        template = _Template(document, limits, deprecated_runtimes(catalogue))
        graph = architecture_of(template)
        findings = findings_of(template, lines, graph, catalogue.finding_map)
        order = {resource: index for index, resource in enumerate(template.resources)}
        findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), order.get(f.resource, len(order)), f.id))
        patterns = patterns_in(template)
        _on_time()
        return Analysis(patterns=patterns, resources=len(template.raw_resources), findings=tuple(findings),
                        architecture=graph)
    finally:
        _BUDGET.reset(token)
