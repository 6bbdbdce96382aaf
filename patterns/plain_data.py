"""Reading JSON text, and checking already-parsed data, for values nothing downstream can
handle: numbers too long to be real (Python refuses to convert integers of more than 4,300
digits, and would take quadratic time before that) and lone surrogates (a ``"\\ud800"``
escape is valid JSON, and a double-quoted YAML string may hold one, but no such text can
be stored, encoded as UTF-8 or shown).

Every reader of user data (answers files and fields, API bodies, templates, the command
line) goes through ``loads`` or ``check``, so each refuses the same things with the same
message. Plain Python: the generator's command line uses it without Django.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

# No answer, template value or API field needs a number longer than this.
MAX_NUMBER_DIGITS = 100
_MAX_BITS = int(MAX_NUMBER_DIGITS * math.log2(10)) + 1
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class PlainDataError(ValueError):
    """The data cannot be used. The message is a predicate ("is not valid JSON (...)",
    "holds a lone surrogate ..."), so each caller puts its own subject in front."""

    def __init__(self, message: str, syntax: bool = False):
        super().__init__(message)
        self.message = message
        self.syntax = syntax  # not JSON at all, as opposed to JSON holding an unusable value

    def __str__(self) -> str:
        return self.message


class NestedTooDeeply(PlainDataError):
    def __init__(self):
        super().__init__("is nested too deeply")


def _too_long(digits: int) -> PlainDataError:
    return PlainDataError(f"holds a number {digits:,} digits long; numbers of more than "
                          f"{MAX_NUMBER_DIGITS} digits are refused")


def _int(text: str) -> int:
    digits = len(text) - text.startswith("-")
    if digits > MAX_NUMBER_DIGITS:
        raise _too_long(digits)
    return int(text)


def _float(text: str) -> float:
    mantissa = re.split("[eE]", text.lstrip("-"), maxsplit=1)[0]
    digits = len(mantissa) - ("." in mantissa)
    if digits > MAX_NUMBER_DIGITS:
        raise _too_long(digits)
    return float(text)


def text_problem(text: str) -> str | None:
    """Why this text cannot be used ("holds a lone surrogate ..."), or None."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        return f"holds a lone surrogate (\\u{code:04x}), which is not a character"
    return None


def check(value: Any) -> Any:
    """Refuse parsed data holding a lone surrogate (in a key or a value) or an integer too
    long to be real; return the value unchanged."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                raise PlainDataError(problem)
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if item.bit_length() > _MAX_BITS:
                raise PlainDataError(f"holds a number of more than {MAX_NUMBER_DIGITS} digits")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return value


def loads(text: str | bytes, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None) -> Any:
    """Parse JSON text; raise PlainDataError saying what is wrong (``syntax`` is set when
    the text is not JSON at all). ``object_pairs_hook`` is json's; what it raises, other than
    a ValueError, reaches the caller."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise PlainDataError("is not UTF-8 text", syntax=True) from None
    problem = text_problem(text)
    if problem:
        raise PlainDataError(problem, syntax=True)
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, object_pairs_hook=object_pairs_hook)
    except PlainDataError:
        raise
    except json.JSONDecodeError as exc:
        raise PlainDataError(f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                             syntax=True) from None
    except RecursionError:
        raise NestedTooDeeply() from None
    except ValueError as exc:  # anything else json or int() refuses
        raise PlainDataError(f"is not valid JSON ({exc})", syntax=True) from None
    # Numbers were checked as they were read; a lone surrogate can only come from a \uD8xx-
    # \uDFxx escape, so the (slower) walk over every string runs only when one is present.
    return check(data) if _SURROGATE_ESCAPE.search(text) else data
