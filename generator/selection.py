"""What the generator is asked to build, validated before anything is generated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

PATTERN_SLUGS: tuple[str, ...] = (
    "api-gateway-lambda",
    "sqs-worker",
    "sns-fanout",
    "eventbridge",
    "s3-processing",
    "dynamodb-streams",
    "step-functions",
    "orchestrator",
    "chaining",
    "rds",
)
RUNTIMES: tuple[str, ...] = ("python3.13", "python3.12", "python3.11")
ARCHITECTURES: tuple[str, ...] = ("arm64", "x86_64")

# The name becomes a folder in the zip, the stack name, part of S3 bucket names and
# the Powertools service name, so it is held to the strictest of those rules.
NAME_RE = re.compile(r"[a-z][a-z0-9-]{0,62}")


class GenerationError(ValueError):
    """The selection cannot be turned into a project; the message says why."""


def validate_name(name: Any) -> str:
    """Return the project name unchanged, or raise GenerationError.

    Names are refused rather than normalised: silently changing what the user typed
    would give them a stack and folder they did not ask for.
    """
    if not isinstance(name, str):
        raise GenerationError("project name must be a string")
    if not NAME_RE.fullmatch(name):
        shown = name if len(name) <= 70 else name[:67] + "..."
        raise GenerationError(
            f"invalid project name {shown!r}: use 1-63 characters of lowercase letters, "
            "digits and '-', starting with a letter"
        )
    return name


def validate_patterns(patterns: Any) -> tuple[str, ...]:
    if isinstance(patterns, str) or not isinstance(patterns, (list, tuple)):
        raise GenerationError("patterns must be a list of pattern slugs")
    if not patterns:
        raise GenerationError("at least one pattern is required")
    unknown = [p for p in patterns if p not in PATTERN_SLUGS]
    if unknown:
        raise GenerationError(
            f"unknown pattern slug(s): {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(PATTERN_SLUGS)}"
        )
    # Canonical order keeps the output identical however the caller ordered them.
    return tuple(slug for slug in PATTERN_SLUGS if slug in patterns)


@dataclass(frozen=True)
class Selection:
    patterns: tuple[str, ...]
    answers: Mapping[str, Any]
    name: str = "serverless-app"
    runtime: str = "python3.13"
    architecture: str = "arm64"
    render_diagrams: bool = True
    warnings: tuple[dict, ...] = field(default=())

    def validated(self) -> "Selection":
        """A copy with checked, canonical values; raises GenerationError."""
        if self.runtime not in RUNTIMES:
            raise GenerationError(f"unsupported runtime {self.runtime!r}; use one of {', '.join(RUNTIMES)}")
        if self.architecture not in ARCHITECTURES:
            raise GenerationError(
                f"unsupported architecture {self.architecture!r}; use one of {', '.join(ARCHITECTURES)}"
            )
        if not isinstance(self.answers, Mapping):
            raise GenerationError("answers must be a mapping of answer keys to values")
        warnings = tuple(self.warnings or ())
        for w in warnings:
            if not isinstance(w, Mapping):
                raise GenerationError("each warning must be a mapping with id, severity, pattern, message")
        return Selection(
            patterns=validate_patterns(self.patterns),
            answers=MappingProxyType(dict(self.answers)),
            name=validate_name(self.name),
            runtime=self.runtime,
            architecture=self.architecture,
            render_diagrams=bool(self.render_diagrams),
            warnings=warnings,
        )
