"""axe-core in the browser tests. The engine is axe-core from the npm registry, vendored in
vendor/axe-core (MPL-2.0, its licence beside it); `make axe-core` fetches it again."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def blocking_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as it is now, one line each: the rule,
    its impact, what it asks for and up to three of the elements at fault. The page's context
    must be made with bypass_csp=True, or the page's policy refuses the injected engine."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"] if violation["impact"] in BLOCKING
    ]
