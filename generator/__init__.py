"""Turns a selection of patterns and answers into a deployable AWS SAM project.

    generate_files(Selection(...)) -> {"<name>/template.yaml": b"...", ...}
    build_zip(files) -> bytes

Plain Python: no Django, no request or ORM objects.
"""

from generator.selection import (
    ARCHITECTURES,
    PATTERN_SLUGS,
    RUNTIMES,
    GenerationError,
    Selection,
    validate_name,
)
from generator.build import generate_files
from generator.archive import build_zip

__all__ = [
    "ARCHITECTURES",
    "PATTERN_SLUGS",
    "RUNTIMES",
    "GenerationError",
    "Selection",
    "build_zip",
    "generate_files",
    "validate_name",
]
