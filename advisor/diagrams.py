"""Architectures drawn on request: the SVG the generator would put in the project, cached.

Graphviz's layout keeps some memory it never frees (tens of KB a diagram), and these drawings
are open to anyone, so a web process must not draw them itself: it composes the DOT source and
hands it to a small pool of worker processes, each replaced after DIAGRAM_RENDERS_PER_PROCESS
drawings. The workers are forked from a multiprocessing fork server that imported the
generator once and never draws, so a replacement starts in milliseconds. (Celery workers,
which draw the diagrams of generated projects, are recycled by their own setting.)
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Iterable, Mapping

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse

import generator
from advisor.architectures.evaluation import as_advised
from analyzer.marks import Marks
from architecture import Architecture
from generator import diagram
from patterns.engine import Engine

logger = logging.getLogger(__name__)
RENDER_TIMEOUT_S = 60  # a drawing gives up after 30 s inside the worker; this is only a backstop


def svg_response(engine: Engine, patterns: Iterable[str], answers: Mapping[str, Any], name: str, *,
                 cache_seconds: int, cache_control: str, missing: str) -> HttpResponse:
    """The drawing as an image/svg+xml response, or 404 with `missing` when there is none.

    Drawings are kept in the cache under the rules version (limits shape them), the
    patterns, the answers and the name that titles them.
    """
    svg = drawing(engine, patterns, answers, name, cache_seconds=cache_seconds)
    if svg is None:
        raise Http404(missing)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = cache_control
    return response


def drawing(engine: Engine, patterns: Iterable[str], answers: Mapping[str, Any], name: str, *,
            cache_seconds: int) -> bytes | None:
    """The SVG drawing, or None when there is none (no patterns, or no Graphviz)."""
    patterns = tuple(patterns)
    identity = repr((engine.version, patterns, sorted(answers.items()), name))
    key = "diagram:" + hashlib.sha256(identity.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _draw(engine, patterns, answers, name)
        if svg is not None:
            cache.set(key, svg, cache_seconds)
    return svg


def _draw(engine: Engine, patterns: tuple[str, ...], answers: Mapping[str, Any], name: str) -> bytes | None:
    if not patterns:
        return None
    # A revision saved before a question existed is drawn with the answer the advice assumes for it.
    selection = generator.Selection(patterns=patterns, answers=as_advised(engine, answers), name=name,
                                    limits=engine.limit_values)
    try:
        source = diagram.architecture_dot(selection)
    except generator.GenerationError:
        return None
    if not generator.dot_available():
        return None
    return render_svg(source)


# Drawing in worker processes ------------------------------------------------------------------
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def render_svg(source: str) -> bytes | None:
    """SVG of a DOT source drawn by a pool worker (in this process when DIAGRAM_PROCESSES is 0)."""
    if settings.DIAGRAM_PROCESSES <= 0:
        return diagram.render_svg(source)
    for _ in range(2):  # a worker that died (killed, out of memory) breaks the pool: one new pool
        pool = _executor()
        try:
            return pool.submit(diagram.render_svg, source).result(timeout=RENDER_TIMEOUT_S)
        except (BrokenProcessPool, RuntimeError):  # RuntimeError: another thread shut this pool down
            logger.warning("a diagram worker process died; starting new ones")
            _discard(pool)
        except FutureTimeout:
            logger.warning("a diagram took longer than %s s; its workers are replaced", RENDER_TIMEOUT_S)
            _discard(pool)
            return None
    return None


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                context = multiprocessing.get_context("forkserver")
                # The fork server imports the drawing code once; each worker is forked from it.
                context.set_forkserver_preload([diagram.__name__])
            else:
                context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=settings.DIAGRAM_PROCESSES, mp_context=context,
                                        max_tasks_per_child=settings.DIAGRAM_RENDERS_PER_PROCESS,
                                        initializer=diagram.exit_with_parent)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def stop_workers() -> None:
    """Stop the worker processes; the next drawing starts new ones with the current settings."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


# The most components and connections an architecture read from a template may have to be
# drawn on request: real stacks stay well under them, and Graphviz's layout time grows quickly
# past them (150 components and 300 connections take about a second).
MAX_DRAWN_COMPONENTS = 150
MAX_DRAWN_CONNECTIONS = 300


def marking_of(marks: Marks) -> diagram.Marking:
    """What the drawing marks for an analysis's marks: the count of findings on each component,
    and the connections carrying any."""
    return diagram.Marking({m.component.id: len(m.findings) for m in marks.components}, marks.connection_keys)


def architecture_svg(architecture: Architecture, title: str, marking: diagram.Marking | None = None) -> bytes | None:
    """An architecture (read from a template) drawn loose, with ``marking``'s parts marked;
    None without Graphviz, past MAX_DRAWN_COMPONENTS or MAX_DRAWN_CONNECTIONS, or when
    drawing failed. Cached by
    the drawing's source."""
    if (len(architecture.components) > MAX_DRAWN_COMPONENTS or len(architecture.connections) > MAX_DRAWN_CONNECTIONS
            or not generator.dot_available()):
        return None
    source = diagram.architecture_dot_source(architecture, title, marks=marking)
    key = "diagram:source:" + hashlib.sha256(source.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = render_svg(source)
        if svg is None:
            return None
        cache.set(key, svg, 600)
    return svg
