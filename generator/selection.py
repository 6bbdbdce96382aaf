"""What the generator is asked to build, validated before anything is generated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Mapping

from pattern_library import registry
from patterns.read_by_code import GENERATOR_LIMITS

# The slugs as they were when this module was imported; the registry is the list itself.
PATTERN_SLUGS: tuple[str, ...] = registry.slugs()
RUNTIMES: tuple[str, ...] = ("python3.13", "python3.12", "python3.11")
ARCHITECTURES: tuple[str, ...] = ("arm64", "x86_64")
# "http": API Gateway HTTP API (cheaper, lower latency); "rest": REST API (usage plans,
# API keys, request validation, WAF).
API_TYPES: tuple[str, ...] = ("http", "rest")
# The AWS limits the shared generator code sizes things by. They are catalogue rows (editable
# in the admin); a caller passes the current values, and the shipped ones fill any gap. A
# pattern folder may size by any other limit row of the catalogue the same way, naming it in
# its LIMITS. The ids are listed with the catalogue, whose check refuses a catalogue without them.
LIMIT_IDS: tuple[str, ...] = GENERATOR_LIMITS

# The name becomes a folder in the zip, the stack name, part of S3 bucket names and
# the Powertools service name, so it is held to the strictest of those rules.
NAME_RE = re.compile(r"[a-z][a-z0-9-]{0,62}")


# Patterns whose functions answer requests through API Gateway (their SERVES_API flag).
API_PATTERNS: frozenset[str] = registry.api_slugs()


def has_api(patterns: Any) -> bool:
    """Whether a project of these patterns has an API (so the API type matters)."""
    api = registry.api_slugs()
    return any(slug in api for slug in patterns or ())


def chosen_api(answers: Any) -> str:
    """The API type a project for these answers gets: the `api_type` answer when it names one
    the generator builds, otherwise the first (an HTTP API)."""
    wanted = answers.get("api_type") if isinstance(answers, Mapping) else None
    return wanted if wanted in API_TYPES else API_TYPES[0]


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


@lru_cache(maxsize=1)
def shipped_limits() -> dict[str, float]:
    """The limit values of the catalogue files that ship with the product."""
    from patterns.catalogue import load_files  # plain Python: reads the YAML, no database

    return {limit.id: float(limit.value) for limit in load_files().limits}


def validate_limits(limits: Any) -> dict[str, float]:
    """The caller's limit values, checked, over the shipped ones."""
    if not isinstance(limits, Mapping):
        raise GenerationError("limits must be a mapping of limit ids to numbers")
    try:
        # The type is part of the key: True == 1, but True is refused as a limit.
        values = tuple((key, type(value), value) for key, value in limits.items())
        hash(values)
    except TypeError:  # a value that cannot be hashed is no number: refused below
        return _checked_limits(limits)
    return dict(_checked_limits_once(values))


@lru_cache(maxsize=16)
def _checked_limits_once(values: tuple) -> tuple[tuple[str, float], ...]:
    # Checking took 30 µs, and the live panel's cost estimate has the catalogue's limits
    # checked on every answer: the same few sets of values, checked once each.
    return tuple(_checked_limits({key: value for key, _, value in values}).items())


def _checked_limits(limits: Mapping[str, Any]) -> dict[str, float]:
    given = {key: value for key, value in limits.items() if isinstance(key, str)}
    shipped: Mapping[str, float] = {}
    if not limits_read_by_code() <= given.keys():
        # The shipped rows fill the gaps. A caller with the catalogue at hand (the site, the
        # commands) gives every limit, and reading the catalogue files again would cost a
        # command-line run 40 ms.
        shipped = shipped_limits()
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise GenerationError(f"limit {key!r} must be a positive number, not {value!r}")
    merged = {**shipped, **{key: float(value) for key, value in given.items()}}
    missing = [key for key in LIMIT_IDS if key not in merged]
    if missing:
        raise GenerationError(f"limits missing: {', '.join(missing)}")
    return merged


@lru_cache(maxsize=1)
def limits_read_by_code() -> frozenset[str]:
    """Every limit id the product's code reads: the shared generator code's, each pattern
    folder's, the cost estimate's and the analyzer's."""
    from patterns.read_by_code import limit_readers

    return frozenset(limit_readers())


def validate_patterns(patterns: Any) -> tuple[str, ...]:
    if isinstance(patterns, str) or not isinstance(patterns, (list, tuple)):
        raise GenerationError("patterns must be a list of pattern slugs")
    if not patterns:
        raise GenerationError("at least one pattern is required")
    known = registry.slugs()
    unknown = [p for p in patterns if p not in known]
    if unknown:
        raise GenerationError(
            f"unknown pattern slug(s): {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(known)}"
        )
    # Canonical order keeps the output identical however the caller ordered them.
    return tuple(slug for slug in known if slug in patterns)


@dataclass(frozen=True)
class Selection:
    patterns: tuple[str, ...]
    answers: Mapping[str, Any]
    name: str = "serverless-app"
    runtime: str = "python3.13"
    architecture: str = "arm64"
    render_diagrams: bool = True
    warnings: tuple[dict, ...] = field(default=())
    api: str = "http"
    limits: Mapping[str, float] = field(default_factory=dict)

    def validated(self) -> "Selection":
        """A copy with checked, canonical values; raises GenerationError."""
        if self.runtime not in RUNTIMES:
            raise GenerationError(f"unsupported runtime {self.runtime!r}; use one of {', '.join(RUNTIMES)}")
        if self.architecture not in ARCHITECTURES:
            raise GenerationError(
                f"unsupported architecture {self.architecture!r}; use one of {', '.join(ARCHITECTURES)}"
            )
        if self.api not in API_TYPES:
            raise GenerationError(f"unsupported API type {self.api!r}; use one of {', '.join(API_TYPES)}")
        if not isinstance(self.answers, Mapping):
            raise GenerationError("answers must be a mapping of answer keys to values")
        warnings = tuple(self.warnings or ())
        for w in warnings:
            if not isinstance(w, Mapping):
                raise GenerationError("each warning must be a mapping with id, severity, pattern, message")
        return Selection(
            patterns=validate_patterns(self.patterns),
            # Copied unless already a read-only view (the cost estimate passes one that notes
            # which answers composing reads).
            answers=self.answers if isinstance(self.answers, MappingProxyType) else MappingProxyType(dict(self.answers)),
            name=validate_name(self.name),
            runtime=self.runtime,
            architecture=self.architecture,
            render_diagrams=bool(self.render_diagrams),
            warnings=warnings,
            api=self.api,
            limits=MappingProxyType(validate_limits(self.limits)),
        )
