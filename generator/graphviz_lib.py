"""Graphviz as a library: lay a DOT graph out once and render it to several formats in process.

Starting `dot` costs about 25 ms per diagram before it draws anything (loading its plugins,
Pango and fontconfig), more than the drawing itself for small architectures. Calling libgvc
through ctypes pays that once per process, and ctypes releases the GIL during each C call, so
the render runs on another core while Python templates the rest of the project.

This binds a few functions of Graphviz's documented C API (gvContext, agmemread, gvLayout,
agsafeset, gvRenderData, gvFreeLayout, agclose). pygraphviz binds the same library but needs
headers and a compiler at install time and holds the GIL while it draws, which would serialise
exactly the work this module exists to overlap.

Graphviz keeps global state during layout, so a process draws one graph at a time (a lock);
a forked child starts with a fresh lock and context. Named subgraphs are ordered by the
address of their interned names, which in a long-lived process depends on what was drawn
before: diagram.py wraps each cluster in an anonymous subgraph (ordered by creation) so the
same graph always gets the same layout here and in a fresh `dot` process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import threading

_LIBRARIES = {"gvc": ("libgvc.so.6", "libgvc.so"), "cgraph": ("libcgraph.so.6", "libcgraph.so")}
AGMAX = 3  # agseterr level above every message: Graphviz keeps its diagnostics to itself


class Library:
    def __init__(self) -> None:
        gvc = _load("gvc")
        cgraph = _load("cgraph")
        cgraph.agmemread.restype = ctypes.c_void_p
        cgraph.agmemread.argtypes = [ctypes.c_char_p]
        cgraph.agclose.argtypes = [ctypes.c_void_p]
        cgraph.agseterr.argtypes = [ctypes.c_int]
        cgraph.agsafeset.restype = ctypes.c_int
        cgraph.agsafeset.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
        gvc.gvContext.restype = ctypes.c_void_p
        gvc.gvContext.argtypes = []
        gvc.gvLayout.restype = ctypes.c_int
        gvc.gvLayout.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p]
        gvc.gvFreeLayout.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        # The length is `unsigned int *` in Graphviz 2.x and `size_t *` from 3.0 on; a zeroed
        # size_t receives either, and _length() reads it back whichever width was written.
        gvc.gvRenderData.restype = ctypes.c_int
        gvc.gvRenderData.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p,
                                     ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]
        gvc.gvFreeRenderData.argtypes = [ctypes.c_void_p]
        self.gvc, self.cgraph = gvc, cgraph
        self.lock = threading.Lock()
        self.context: int | None = None

    def _context(self) -> int:
        if self.context is None:
            self.cgraph.agseterr(AGMAX)
            context = self.gvc.gvContext()
            if not context:
                raise OSError("gvContext failed")
            self.context = context
        return self.context

    def render(self, source: bytes, formats: tuple[str, ...], timeout_s: float,
               laid_out: threading.Event | None = None) -> dict[str, bytes] | None:
        """Lay `source` out once and render it in each format, in order; None on any failure.

        `laid_out` is set just before the first render: from then on the drawing is a few long
        C calls that need no GIL, so a caller waiting on another thread may go on with its work.
        """
        if not self.lock.acquire(timeout=timeout_s):
            return None
        try:
            context = self._context()
            graph = self.cgraph.agmemread(source)
            if not graph:
                return None
            try:
                if self.gvc.gvLayout(context, graph, b"dot") != 0:
                    return None
                if laid_out is not None:
                    laid_out.set()
                try:
                    if "png" in formats:
                        measured = self._render_formats(context, graph, ("svg",))
                        if measured is None:
                            return None
                        # A PNG is padded to whole pixels, measured on an SVG (a few per cent of
                        # the PNG's time); the pad is read when rendering, so the layout stands.
                        self.cgraph.agsafeset(graph, b"pad", whole_pixel_pad(measured["svg"]).encode(), b"")
                    return self._render_formats(context, graph, formats)
                finally:
                    self.gvc.gvFreeLayout(context, graph)
            finally:
                self.cgraph.agclose(graph)
        finally:
            self.lock.release()

    def _render_formats(self, context: int, graph: int, formats: tuple[str, ...]) -> dict[str, bytes] | None:
        images = {}
        for fmt in formats:
            data = ctypes.c_void_p()
            length = ctypes.c_size_t(0)
            if self.gvc.gvRenderData(context, graph, fmt.encode("ascii"), ctypes.byref(data),
                                     ctypes.byref(length)) != 0 or not data:
                return None
            try:
                size = _length(length)
                images[fmt] = ctypes.string_at(data, size) if size else b""
            finally:
                self.gvc.gvFreeRenderData(data)
            if not images[fmt]:
                return None
        return images


DEFAULT_PAD_PT = 4  # Graphviz's margin around a drawing, on each side


def whole_pixel_pad(svg: bytes) -> str:
    """The `pad` (inches, "x,y") that makes a PNG of this drawing opaque to its last pixel.

    `svg` is the drawing rendered with the default pad, at 72 dpi (a pixel per point, as
    diagram.py draws). Graphviz paints the background over the drawing's exact size but rounds
    the PNG to whole pixels, so a size ending in .5 or more leaves the last column or row partly
    see-through (a faint line on a dark page). Cairo then writes the whole PNG with an alpha
    channel: a third more bytes to filter and compress, and a third more time. Padding the size
    to end in .25 lets the rounding drop the fraction, with room for the SVG's two decimals.
    """
    match = re.search(rb'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ([0-9.]+)"', svg)
    if not match:
        return f"{DEFAULT_PAD_PT / 72:.6f}"
    sizes = [float(value) for value in match.groups()]
    pads = [DEFAULT_PAD_PT + (int(size) + 0.25 - size) / 2 for size in sizes]
    return ",".join(f"{pad / 72:.6f}" for pad in pads)


def _length(length: ctypes.c_size_t) -> int:
    """The rendered length whether Graphviz wrote 4 bytes (unsigned int) or 8 (size_t)."""
    value = length.value
    if value >> 32 and ctypes.sizeof(ctypes.c_size_t) == 8:
        # Only a 4-byte write on a big-endian machine lands in the upper half.
        value = int.from_bytes(bytes(length)[:4], "big")
    return value


def _load(name: str) -> ctypes.CDLL:
    errors = []
    for candidate in _LIBRARIES[name]:
        try:
            return ctypes.CDLL(candidate)
        except OSError as exc:
            errors.append(str(exc))
    found = ctypes.util.find_library(name)
    if found:
        return ctypes.CDLL(found)
    raise OSError("; ".join(errors))


_library: Library | None = None
_load_failed = False
_load_lock = threading.Lock()


def library() -> Library | None:
    """The bound library, or None when libgvc is not installed."""
    global _library, _load_failed
    if _library is None and not _load_failed:
        with _load_lock:
            if _library is None and not _load_failed:
                try:
                    _library = Library()
                except (OSError, AttributeError):
                    _load_failed = True
    return _library


def _after_fork_in_child() -> None:
    global _load_lock
    _load_lock = threading.Lock()
    if _library is not None:
        # The parent's lock may have been held by a thread that does not exist here.
        _library.lock = threading.Lock()
        _library.context = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
