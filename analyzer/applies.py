"""What a finding applies to and what to do about it, read the same way by every output
(the page, SARIF, the drawing's marks)."""

from __future__ import annotations

from .findings import Finding


def resources_of(finding: Finding) -> tuple[str, ...]:
    """The logical ids a finding applies to."""
    resources = getattr(finding, "resources", None)
    return tuple(resources) if resources else (finding.resource,)


def fix_of(finding: Finding) -> str:
    """What to do about a finding: its own fix text, or else its message, which says it too."""
    return getattr(finding, "fix", "") or finding.message
