"""Generated handlers import each module once: a second `import re` is what a linter run over the
project (ruff, flake8: F811) reports first, whatever the hand-off its handler was given."""

import ast
from collections import Counter

import pytest

from gencheck import generate


def imported_twice(source: bytes) -> list[str]:
    names = Counter()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return sorted(name for name, count in names.items() if count > 1)


@pytest.mark.parametrize("patterns,answers,options", [
    (["api-gateway-lambda", "step-functions"], {"client_waits": False}, {"api": "rest"}),
    (["api-gateway-lambda", "sqs-worker"], {"client_waits": False, "ordering": True}, {"api": "http"}),
    (["s3-processing", "sqs-worker"], {"trigger": "file_upload", "ordering": True}, None),
    (["s3-processing", "step-functions"], {"trigger": "file_upload"}, None),
])
def test_no_handler_imports_a_module_twice(patterns, answers, options):
    files = generate(patterns, name="imports", options=options, **answers)
    twice = {path: imported_twice(source) for path, source in files.items()
             if path.endswith("/app.py") and imported_twice(source)}
    assert twice == {}
