"""The limit rows the product's code reads by id: the other side of the contract between the
catalogue and its readers, kept with the catalogue so its check can name a missing row (a
catalogue problem the loader and the admin refuse, rather than a KeyError later) without the
catalogue importing its readers.

The values are the catalogue's (editable in the admin); only the ids are written here. A
pattern folder names the rows its own parts read in its ``LIMITS`` (see
``pattern_library.registry``).
"""

from __future__ import annotations

from pattern_library import registry

from .catalogue import Catalogue
from .cost import LIMITS_READ as COST_LIMITS

# The AWS limits and defaults the template analyzer judges by.
ANALYZER_LIMITS: tuple[str, ...] = (
    "api-gateway-timeout", "http-api-timeout", "lambda-default-timeout", "lambda-default-memory",
    "sqs-default-visibility-timeout", "sqs-visibility-factor", "sqs-fifo-max-batch", "sqs-max-retention",
    "lambda-sqs-default-batch", "lambda-kinesis-default-batch", "lambda-dynamodb-default-batch",
)
# The AWS limits the shared generator code sizes things by.
GENERATOR_LIMITS: tuple[str, ...] = (
    "lambda-max-duration", "api-gateway-timeout", "http-api-timeout", "step-functions-express-duration",
    "sqs-max-visibility-timeout", "sqs-visibility-factor", "sqs-fifo-max-batch", "lambda-sqs-max-batch-without-window",
    "sqs-max-retention", "api-gateway-account-rps", "api-gateway-account-burst",
)


def limit_readers() -> dict[str, list[str]]:
    """Each limit id the code reads, with who reads it."""
    readers: dict[str, list[str]] = {}
    for reader, ids in (("the template analyzer", ANALYZER_LIMITS), ("the generator", GENERATOR_LIMITS),
                        ("the cost estimate", sorted(COST_LIMITS))):
        for limit_id in ids:
            readers.setdefault(limit_id, []).append(reader)
    for folder in registry.patterns():
        for limit_id in folder.limits:
            readers.setdefault(limit_id, []).append(f"pattern {folder.slug}")
    return readers


def missing_rows(catalogue: Catalogue) -> list[str]:
    """A problem for each limit the code reads that ``catalogue`` has no row for."""
    return [f"limit '{limit_id}' has no row, and {' and '.join(readers)} read{'s' if len(readers) == 1 else ''} it"
            for limit_id, readers in limit_readers().items() if limit_id not in catalogue.limit_map]
