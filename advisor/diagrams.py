"""Architectures drawn on request: the SVG the generator would put in the project, cached."""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Mapping

from django.core.cache import cache
from django.http import Http404, HttpResponse

import generator
from patterns.engine import Engine


def svg_response(engine: Engine, patterns: Iterable[str], answers: Mapping[str, Any], name: str, *,
                 cache_seconds: int, cache_control: str, missing: str) -> HttpResponse:
    """The drawing as an image/svg+xml response, or 404 with `missing` when there is none.

    Drawings are kept in the cache under the rules version (limits shape them), the
    patterns, the answers and the name that titles them.
    """
    patterns = tuple(patterns)
    identity = repr((engine.version, patterns, sorted(answers.items()), name))
    key = "diagram:" + hashlib.sha256(identity.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _draw(engine, patterns, answers, name)
        if svg is None:
            raise Http404(missing)
        cache.set(key, svg, cache_seconds)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = cache_control
    return response


def _draw(engine: Engine, patterns: tuple[str, ...], answers: Mapping[str, Any], name: str) -> bytes | None:
    if not patterns:
        return None
    selection = generator.Selection(patterns=patterns, answers=answers, name=name, limits=engine.limit_values)
    try:
        return generator.architecture_svg(selection)
    except generator.GenerationError:
        return None
