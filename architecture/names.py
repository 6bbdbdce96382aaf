"""Names users give to parts of their architecture."""

from __future__ import annotations

import re

CONSUMER_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
MAX_CONSUMERS = 20


def parse_consumer_names(text: str) -> tuple[str, ...]:
    """``"billing, shipping"`` -> ``("billing", "shipping")``; raises ValueError saying what is wrong.

    Each name becomes part of logical ids, folders and environment variables, so it is held to
    lowercase letters, digits and '-'. Repeats are dropped; empty text means no names.
    """
    if not isinstance(text, str):
        raise ValueError("consumer names must be text: names separated by commas")
    names: list[str] = []
    for part in text.split(","):
        name = part.strip()
        if not name:
            continue
        if not CONSUMER_NAME.fullmatch(name):
            shown = name if len(name) <= 40 else name[:37] + "..."
            raise ValueError(f"consumer name {shown!r} is not valid: use up to 32 lowercase letters, digits "
                             "and '-', starting with a letter")
        if name not in names:
            names.append(name)
    if len(names) > MAX_CONSUMERS:
        raise ValueError(f"at most {MAX_CONSUMERS} consumer names, not {len(names)}")
    return tuple(names)
