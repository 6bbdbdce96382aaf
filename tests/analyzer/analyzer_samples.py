"""Small templates for the analyzer tests."""

import textwrap

from analyzer import Analysis, analyze


def sam(resources: str, globals_: str = "", parameters: str = "") -> str:
    """A SAM template around indented resource YAML (written at column 0 in the tests)."""
    parts = ["AWSTemplateFormatVersion: '2010-09-09'", "Transform: AWS::Serverless-2016-10-31"]
    if parameters:
        parts += ["Parameters:", textwrap.indent(textwrap.dedent(parameters).strip("\n"), "  ")]
    if globals_:
        parts += ["Globals:", textwrap.indent(textwrap.dedent(globals_).strip("\n"), "  ")]
    parts += ["Resources:", textwrap.indent(textwrap.dedent(resources).strip("\n"), "  ")]
    return "\n".join(parts) + "\n"


# A function whose Handler is given twice (line 7 repeats line 5): CloudFormation's behaviour is undefined.
REPEATED_KEY = ("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: a.b\n"
                "      Timeout: 3\n      Handler: c.d\n")
REPEATED_KEY_REFUSAL = "Refused: line 7: the key 'Handler' appears twice in one mapping (first on line 5)"


def run(resources: str, globals_: str = "", parameters: str = "") -> Analysis:
    return analyze(sam(resources, globals_, parameters))


# Findings about settings nearly every small sample leaves out (timeout, memory, log retention,
# API access logs and throttling, an alarm on each dead-letter queue): left out of ``ids``
# unless asked for by id.
SETTINGS = {"default-timeout", "default-memory", "no-log-retention", "api-access-logs-off", "api-throttling-default",
            "dlq-without-alarm"}


def ids(analysis: Analysis, finding: str | None = None) -> list[tuple[str, str]]:
    """(finding id, resource) pairs, of one finding id, or of all but the SETTINGS ones."""
    return [(f.id, f.resource) for f in analysis.findings
            if f.id == finding or (finding is None and f.id not in SETTINGS)]


def risks(analysis: Analysis) -> list:
    """The findings, but the SETTINGS ones."""
    return [f for f in analysis.findings if f.id not in SETTINGS]


def cloudformation(resources: str) -> Analysis:
    """Analyse a plain CloudFormation template (no SAM transform) around the resource YAML."""
    body = textwrap.indent(textwrap.dedent(resources).strip("\n"), "  ")
    return analyze("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + body + "\n")
