"""The contract between the catalogue's finding rows and the template analyzer: what the
analyzer supplies to the text of each finding, the check of the rows, and a text filled in.

The titles, severities, explanations and fixes are catalogue data (``findings.yaml``, edited
in the admin). What stays code is the other side of that contract: the cases each finding id
can show up as, and the values the analyzer computes for each (the logical ids, numbers and
settings its text may name as ``{placeholder}``). The catalogue check refuses a text that
names anything else, so a finding can always be written out. It lives with the catalogue
because the catalogue check needs it and the catalogue depends on no analyzer code; the
analyzer reads it from here and must supply what it promises.
"""

from __future__ import annotations

import string
from typing import Iterable, Mapping

from .catalogue import SEVERITIES, AnalyzerFinding

# finding id -> case -> the placeholders the analyzer supplies. A finding's own row is the case
# named like the finding; its other cases are the row's ``cases``.
CASES: dict[str, dict[str, frozenset[str]]] = {
    "missing-dlq": {
        "missing-dlq": frozenset({"queue", "consumers"}),  # a queue a function reads
        "queue-no-redrive": frozenset({"queue"}),  # a queue nothing in the template reads
        "stream-no-destination": frozenset({"kind", "label", "function"}),
        "async-no-destination": frozenset({"function", "labels"}),
        "rule-target-no-dlq": frozenset({"rule", "targets"}),
        "subscription-no-redrive": frozenset({"subscription", "protocol", "topic"}),
        "inline-subscription-no-redrive": frozenset({"topic", "protocols"}),
    },
    "no-partial-batch-response": {"no-partial-batch-response": frozenset({"label", "function", "what"})},
    "visibility-timeout-too-short": {
        "visibility-timeout-too-short": frozenset({"queue", "shown", "function", "timeout", "need", "factor",
                                                   "gathered"}),
        "visibility-below-timeout": frozenset({"queue", "shown", "function", "timeout", "need", "factor",
                                               "gathered"}),
    },
    "batch-timeout-too-short": {
        "batch-timeout-too-short": frozenset({"label", "function", "size", "record_ms", "need", "timeout"}),
    },
    "recursive-s3-trigger": {
        "recursive-s3-trigger": frozenset({"function", "bucket"}),  # no filter at all
        "recursive-s3-prefix": frozenset({"function", "bucket", "prefix"}),
        "recursive-s3-suffix": frozenset({"function", "bucket", "suffix"}),
    },
    "stream-writes-same-table": {"stream-writes-same-table": frozenset({"function", "table"})},
    "direct-lambda-invoke": {"direct-lambda-invoke": frozenset({"function", "targets"})},
    "rds-without-proxy": {"rds-without-proxy": frozenset({"function"})},
    "api-timeout-exceeds-gateway": {"api-timeout-exceeds-gateway": frozenset({"function", "timeout", "limit"})},
    "unbounded-retry": {"unbounded-retry": frozenset({"kind", "label", "function"})},
    "unbounded-concurrency": {"unbounded-concurrency": frozenset({"function"})},
    "no-tracing": {
        "no-tracing": frozenset({"function"}),
        "state-machine-no-tracing": frozenset({"state_machine"}),
    },
    "default-timeout": {"default-timeout": frozenset({"function", "seconds"})},
    "default-memory": {"default-memory": frozenset({"function", "memory"})},
    "deprecated-runtime": {"deprecated-runtime": frozenset({"function", "runtime", "since"})},
    "no-log-retention": {"no-log-retention": frozenset({"function"})},
    "wildcard-iam-action": {
        "wildcard-iam-action": frozenset({"function", "actions"}),
        "wildcard-iam-action-other": frozenset({"resource", "actions"}),  # a state machine, role or policy
    },
    "public-function-url": {"public-function-url": frozenset({"function"})},
    "dlq-without-alarm": {"dlq-without-alarm": frozenset({"queue", "max_days"})},
    "recursive-loop-allowed": {"recursive-loop-allowed": frozenset({"function"})},
    "task-without-retry": {"task-without-retry": frozenset({"state_machine", "tasks"})},
    "api-access-logs-off": {"api-access-logs-off": frozenset({"api"})},
    "api-throttling-default": {"api-throttling-default": frozenset({"api"})},
    "missing-queue-policy": {"missing-queue-policy": frozenset({"queue", "senders"})},
    "fifo-limits": {
        "fifo-limits": frozenset({"queue", "dlq"}),  # a FIFO queue's dead-letter queue is standard
        "fifo-batch": frozenset({"label", "queue", "size", "most"}),
        "fifo-topic": frozenset({"subscription", "topic"}),
    },
    "loop": {
        "loop": frozenset({"function", "members"}),
        "loop-bus": frozenset({"function", "members"}),  # only through event buses
    },
}
FINDING_IDS = tuple(CASES)


def placeholders(text: str) -> list[str]:
    """The names ``text`` uses as ``{placeholder}``; ValueError when it is not a usable
    template (a lone brace, an empty or numbered placeholder, an attribute or index, a format
    specification or conversion)."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"{{{name}}} is not a placeholder name")
        if spec or conversion:
            raise ValueError(f"{{{name}}} may not carry a format or conversion")
        names.append(name)
    return names


def text_problems(rows: Iterable[AnalyzerFinding]) -> list[str]:
    """Every reason the catalogue's finding rows cannot be used by the analyzer."""
    problems = []
    seen: set[str] = set()
    for row in rows:
        where = f"analyzer finding '{row.id}'"
        if row.id in seen:
            problems.append(f"{where} is defined twice")
        seen.add(row.id)
        supplied = CASES.get(row.id)
        if supplied is None:
            problems.append(f"{where} is not one the analyzer reports; use one of {', '.join(FINDING_IDS)}")
            continue
        if not row.title.strip():
            problems.append(f"{where}: the title is empty")
        cases = [(row.id, row.severity, row.explanation, row.fix)]
        cases += [(case.case, case.severity, case.explanation, case.fix) for case in row.cases]
        named = set()
        for case, severity, explanation, fix in cases:
            label = where if case == row.id else f"{where}, case '{case}'"
            if case in named:
                problems.append(f"{label} is given twice")
            named.add(case)
            if case not in supplied:
                problems.append(f"{label}: not a case of this finding; its cases are "
                                f"{', '.join(c for c in supplied if c != row.id) or 'none'}")
                continue
            if severity not in SEVERITIES:
                problems.append(f"{label}: severity '{severity}' is not one of {', '.join(SEVERITIES)}")
            for field_name, text in (("explanation", explanation), ("fix", fix)):
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"{label}: the {field_name} is empty")
                    continue
                try:
                    used = placeholders(text)
                except ValueError as exc:
                    problems.append(f"{label}: {field_name}: {exc}")
                    continue
                unknown = sorted(set(used) - supplied[case])
                if unknown:
                    problems.append(f"{label}: {field_name}: unknown placeholder "
                                    f"{', '.join('{' + name + '}' for name in unknown)}; this case supplies "
                                    f"{', '.join('{' + name + '}' for name in sorted(supplied[case]))}")
        missing = [case for case in supplied if case not in named]
        if missing:
            problems.append(f"{where}: no text for the case{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    problems += [f"analyzer finding '{finding_id}' has no row: the analyzer reports it and needs its text"
                 for finding_id in FINDING_IDS if finding_id not in seen]
    return problems


def case_text(row: AnalyzerFinding, case: str) -> tuple[str, str, str]:
    """(severity, explanation, fix) of one case of a finding row, as written."""
    if case == row.id:
        return row.severity, row.explanation, row.fix
    chosen = next(c for c in row.cases if c.case == case)
    return chosen.severity, chosen.explanation, chosen.fix


def fill(text: str, values: Mapping[str, object]) -> str:
    return text.format_map({name: str(value) for name, value in values.items()})
