"""Turns a selection of patterns and answers into a deployable AWS SAM project.

    generate_files(Selection(...)) -> {"<name>/template.yaml": b"...", ...}
    build_zip(files) -> bytes

Plain Python: no Django, no request or ORM objects.
"""

from generator.selection import (
    API_TYPES,
    ARCHITECTURES,
    PATTERN_SLUGS,
    RUNTIMES,
    GenerationError,
    Selection,
    chosen_api,
    has_api,
    validate_name,
)
from generator.build import generate_files
from generator.diagram import architecture_svg, dot_available
from generator.archive import build_zip

__all__ = [
    "API_TYPES",
    "ARCHITECTURES",
    "PATTERN_SLUGS",
    "RUNTIMES",
    "GenerationError",
    "Selection",
    "architecture_svg",
    "build_zip",
    "chosen_api",
    "dot_available",
    "generate_files",
    "has_api",
    "validate_name",
]
