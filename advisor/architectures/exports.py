"""A recommendation to take away, saved as a revision or not: a Markdown document, and the
same document as a PDF.

``export_for`` gathers what a reader needs (the recommendation with its reasons, the
trade-offs of the chosen patterns, the risks and their fixes, the AWS limits, the cost
lines with their arithmetic, the checklist and the answers) in the catalogue's words.
``markdown`` writes it out; ``pdf`` renders the same Markdown sections to HTML with
markdown-it-py, adds the diagram, and prints that with WeasyPrint. No request, no ORM
beyond the revision given (``revision_export``); answers not saved (``answers_export``) need
none.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any, Mapping

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt

from advisor.questionnaire.panel import Explained, Panel, build_panel, stored_panel
from patterns.catalogue import Pattern
from patterns.engine import Engine

from .changes import amount
from .evaluation import answer_rows
from .models import Revision

MARKDOWN_TYPE = "text/markdown; charset=utf-8"
PDF_TYPE = "application/pdf"

# Characters that mean something in Markdown; a backslash makes each one literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


@dataclass(frozen=True)
class Export:
    title: str
    description: str
    origin: str  # what the advice is: a saved revision (when, and its note) or answers not saved
    file_stem: str
    panel: Panel
    answers: tuple[tuple[str, str], ...]  # (question, answer) in question order

    def file_name(self, extension: str) -> str:
        return f"{self.file_stem}.{extension}"


def export_for(engine: Engine, answers: Mapping[str, Any], panel: Panel, *, title: str, file_stem: str,
               origin: str, description: str = "") -> Export:
    """The document for a recommendation (``panel``) made from ``answers``."""
    return Export(title, description, origin, file_stem, panel, tuple(answer_rows(engine, answers)))


def revision_export(engine: Engine, revision: Revision) -> Export:
    architecture = revision.architecture
    saved_at = revision.created_at
    origin = f"Saved on {saved_at.day} {saved_at:%B %Y}" + (f": {revision.note}" if revision.note else "") + "."
    return export_for(engine, revision.answers, stored_panel(engine, revision.recommendation, revision.answers),
                      title=f"{architecture.name}, revision {revision.number}", description=architecture.description,
                      file_stem=f"{slugify(architecture.name) or 'architecture'}-revision-{revision.number}",
                      origin=origin)


def answers_export(engine: Engine, answers: Mapping[str, Any]) -> Export:
    """The recommendation for answers that are not saved, named after its best fit."""
    panel = build_panel(engine, engine.recommend(answers))
    best = f"-{slugify(panel.best.pattern.name)}" if panel.best else ""
    today = timezone.localdate()
    return export_for(engine, answers, panel, title="The recommendation for your workload",
                      file_stem=f"recommendation{best}",
                      origin=f"Made on {today.day} {today:%B %Y} from the answers at the end; not saved.")


def text(value: str) -> str:
    """Text shown as it is, whatever Markdown characters it holds."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _explained(explained: Explained) -> str:
    line = text(explained.text)
    if explained.answers:
        line += f" (from the answers: {text('; '.join(answer.text for answer in explained.answers))})"
    if explained.advice:
        line += f" {text(explained.advice)}"
    return line


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _recommendation(panel: Panel) -> str:
    parts = ["## Recommendation"]
    if not panel.fits_lambda and panel.alternatives:
        parts.append(f"**Lambda is not the answer for the core work: {text(panel.alternatives[0].title)}.**")
    best = panel.best
    if best is None:
        parts.append("No pattern fits these answers.")
    else:
        parts.append(f"Best fit: **{text(best.pattern.name)}** ({best.percent}% fit).")
    chosen = ", ".join(text(pattern.name) for pattern in panel.selected) or "none"
    parts.append(f"Patterns in the architecture: {chosen}. About {text(panel.monthly_usd)} a month; "
                 f"{len(panel.warnings)} risk{'s' if len(panel.warnings) != 1 else ''}; "
                 f"{len(panel.broken_limits)} AWS limit{'s' if len(panel.broken_limits) != 1 else ''} broken.")
    for row in panel.ranked:
        lines = [f"### {text(row.pattern.name)}: {row.percent}% fit{' (in the architecture)' if row.selected else ''}",
                 text(row.pattern.summary)]
        if row.reasons:
            lines.append("\n".join(f"- {_explained(reason)}" for reason in row.reasons))
        parts.append("\n\n".join(lines))
    if panel.alternatives:
        parts.append("### Instead of or beside Lambda")
        parts.append("\n".join(
            f"- **{text(alternative.title)}**"
            + (f" (in place of {text(', '.join(p.name for p in alternative.replaces))})" if alternative.replaces else "")
            + f": {_explained(alternative.explained)}"
            for alternative in panel.alternatives))
    return "\n\n".join(parts)


def _tradeoffs(patterns: tuple[Pattern, ...]) -> str:
    parts = ["## Trade-offs"]
    for pattern in patterns:
        if pattern.tradeoffs:
            parts.append(f"### {text(pattern.name)}")
            parts.append(_table(("You get", "You pay"),
                                [(text(t.benefit), text(t.cost)) for t in pattern.tradeoffs]))
    return "\n\n".join(parts) if len(parts) > 1 else ""


def _risks(panel: Panel) -> str:
    if not panel.warnings:
        return "## Risks\n\nNo risks apply to these answers."
    parts = ["## Risks"]
    for warning in panel.warnings:
        where = f" on {text(warning.pattern.name)}" if warning.pattern else ""
        lines = [f"### {text(warning.kind.title)}{where} ({warning.severity_label})", text(warning.explained.text)]
        if warning.explained.answers:
            lines.append("From the answers: " + text("; ".join(answer.text for answer in warning.explained.answers)) + ".")
        if warning.explained.advice:
            lines.append(f"**Fix:** {text(warning.explained.advice)}")
        parts.append("\n\n".join(lines))
    return "\n\n".join(parts)


def _limits(panel: Panel) -> str:
    rows = [*panel.broken_limits, *panel.ok_limits]
    if not rows:
        return ""
    table = _table(("AWS limit", "This workload", "Limit", "", "Why"), [
        (text(row.name), text(amount(row.value, row.unit)), text(amount(row.limit, row.unit)),
         "**broken**" if not row.check.ok else "within", _explained(row.explained))
        for row in rows])
    return f"## AWS limits\n\n{table}"


def _cost(panel: Panel) -> str:
    parts = [f"## Monthly cost: {text(panel.monthly_usd)}"]
    if panel.cost_caveat:
        parts.append(f"**{text(panel.cost_caveat)}**")
    for heading, groups in (("", panel.cost), ("Other options, not in the total", panel.cost_alternatives)):
        if not groups:
            continue
        if heading:
            parts.append(f"### {heading}")
        rows = [(text(group.title), text(line.service), text(line.arithmetic) or "", text(line.usd), text(line.assumption))
                for group in groups for line in group.lines]
        parts.append(_table(("Component", "Service", "Arithmetic", "Per month", "Assumption"), rows))
        parts.append("\n".join(f"- {text(group.title)}: {text(group.usd)}" for group in groups))
    notes = list(panel.cost_notes)
    if panel.cost_region:
        notes.append(f"{panel.cost_region} prices{', free tier deducted' if panel.cost_free_tier else ''}.")
    parts += [text(note) for note in notes]
    return "\n\n".join(parts)


def _checklist(panel: Panel) -> str:
    if not panel.checklist:
        return ""
    return "## Before going to production\n\n" + "\n".join(f"- [ ] {text(item)}" for item in panel.checklist)


def _answers(export: Export) -> str:
    return "## Answers\n\n" + _table(("Question", "Answer"), [(text(q), text(a) or "—") for q, a in export.answers])


def sections(export: Export) -> list[str]:
    """The document after its title, one Markdown section per item; the recommendation first."""
    panel = export.panel
    found = [_recommendation(panel), _tradeoffs(panel.selected), _risks(panel), _limits(panel), _cost(panel),
             _checklist(panel), _answers(export)]
    return [section for section in found if section]


def _heading(export: Export) -> str:
    lines = [f"# {text(export.title)}"]
    if export.description:
        lines.append(text(export.description))
    lines.append(f"{text(export.origin)} "
                 f"Advice from the serverless architecture advisor, rules version {text(export.panel.rules_version)}.")
    return "\n\n".join(lines)


def markdown(export: Export) -> str:
    return "\n\n".join([_heading(export), *sections(export)]) + "\n"


def _html(source: str) -> SafeString:
    # "js-default": CommonMark with tables, and raw HTML in the source shown as text.
    return mark_safe(MarkdownIt("js-default").render(source))


class PdfUnavailable(Exception):
    """This server cannot print PDFs (WeasyPrint could not load its system libraries)."""


def pdf(export: Export, svg: bytes | None) -> bytes:
    """The document as a PDF, with the diagram (Graphviz SVG) after the recommendation."""
    try:
        import weasyprint  # loads Pango; only the PDF export needs it
        from weasyprint.urls import URLFetcher
    except OSError as error:  # Pango is missing: WeasyPrint raises while loading it
        raise PdfUnavailable("This server cannot print PDFs: the Pango library is not installed "
                             "(Debian: libpango-1.0-0 and libpangoft2-1.0-0). The Markdown export works.") from error

    parts = [_html(section) for section in sections(export)]
    html = render_to_string("architectures/export.html", {
        "export": export, "heading": _html(_heading(export)), "first": parts[0], "rest": parts[1:],
        "diagram": f"data:image/svg+xml;base64,{base64.b64encode(svg).decode()}" if svg else "",
    })
    # Only the inline diagram (a data: URL) may be loaded: the document fetches nothing.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
