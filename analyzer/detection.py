"""Which patterns a template uses: each pattern folder's ``detect.py`` decides for its own,
reading the template model. Two need a judgement call:

- ``chaining``: a function allowed to invoke a specific other function (``LambdaInvokePolicy``
  or ``lambda:InvokeFunction`` on its ARN or on a function name parameter), or one whose
  on-success/on-failure destination is another function. A wildcard resource names no
  target and does not count.
- ``orchestrator``: a function allowed to invoke two or more other functions, or a function
  behind an API allowed to call three or more of the template's tables, buckets, functions,
  workflows or databases: it builds one answer from several services while the caller waits.
"""

from __future__ import annotations

from pattern_library import registry

from .model import _Template


def patterns_in(t: _Template) -> tuple[str, ...]:
    """The patterns the template uses, in the registry's order."""
    found = []
    for pattern in registry.patterns():
        detector = pattern.part("detect")
        if detector is not None and detector.detect(t):
            found.append(pattern.slug)
    return tuple(found)
