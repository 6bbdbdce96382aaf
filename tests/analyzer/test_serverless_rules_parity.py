"""The analyzer next to serverless-rules (cfn-lint-serverless) over the 471-template corpus: for
each rule the analyzer covers, it reports the matching finding, carrying the rule's id, on at
least 95% of the resources the rule flags. The table is printed (pytest -s shows it)."""

from pathlib import Path

import pytest
from serverless_rules import PARITY, compare, run, summary

from analyzer import TemplateError, analyze, load_template

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "serverless-patterns"
FILES = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
pytestmark = [pytest.mark.skipif(not FILES, reason=f"the template corpus is not at {CORPUS}"),
              pytest.mark.slow]
SHARE = 0.95


def test_the_analyzer_reports_what_serverless_rules_flags():
    flags = run(FILES)
    analyses, documents = {}, {}
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        try:
            analyses[path.name] = analyze(text)
        except TemplateError:
            continue  # refused: duplicate keys, aliases, no resources
        documents[path.name] = load_template(text)
    rows = compare(flags, analyses, documents)
    print(f"\nserverless-rules over {len(FILES)} templates ({len(analyses)} analysed):\n{summary(rows)}")
    assert set(rows) >= set(PARITY)
    assert all(rows[rule].flagged >= 10 for rule in PARITY), summary(rows)  # the comparison measured something
    short = {rule: rows[rule].missed for rule in PARITY if rows[rule].matched < SHARE * rows[rule].flagged}
    assert not short, f"{summary(rows)}\nnot matched: {short}"
