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

PNGs are painted by Graphviz's Cairo renderer into an image surface this module owns
(gvRenderContext, Graphviz's API for drawing into a caller's Cairo context) and encoded by
generator/png.py in about a tenth of the time the libpng defaults of Graphviz's own PNG
device take. Without libcairo, Graphviz writes the PNG itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import threading

from generator.png import Pixels, encode

_LIBRARIES = {"gvc": ("libgvc.so.6", "libgvc.so"), "cgraph": ("libcgraph.so.6", "libcgraph.so"),
              "cairo": ("libcairo.so.2", "libcairo.so")}
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
        gvc.gvRenderContext.restype = ctypes.c_int
        gvc.gvRenderContext.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        self.gvc, self.cgraph = gvc, cgraph
        self.cairo = _cairo()
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
               longest_call: threading.Event | None = None) -> dict[str, bytes] | None:
        """Lay `source` out once and render it in each format, in order; None on any failure.

        `longest_call` is set just before the longest C call after the layout (which needs no
        GIL), so that a caller waiting for it on another thread overlaps its own work with that
        call: the painting of a PNG, which takes about as long as the layout, or else the first
        render.
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
                try:
                    if "png" not in formats:
                        _starting(longest_call)
                        return self._render_formats(context, graph, formats)
                    measured = self._render_formats(context, graph, ("svg",))
                    if measured is None:
                        return None
                    # Padded to whole pixels (see whole_pixel_pad), as a `dot` process draws it too;
                    # the pad is read when rendering, so the layout stands.
                    self.cgraph.agsafeset(graph, b"pad", whole_pixel_pad(measured["svg"]).encode(), b"")
                    others = tuple(fmt for fmt in dict.fromkeys(("svg", *formats)) if fmt != "png")
                    images = self._render_formats(context, graph, others)
                    if images is None:
                        return None
                    pixels = self._paint(context, graph, images["svg"], longest_call) if self.cairo else None
                    if pixels is None:
                        _starting(longest_call)
                        drawn = self._render_formats(context, graph, ("png",))
                        return None if drawn is None else {fmt: {**images, **drawn}[fmt] for fmt in formats}
                finally:
                    self.gvc.gvFreeLayout(context, graph)
            finally:
                self.cgraph.agclose(graph)
        finally:
            self.lock.release()
        # Encoding needs no Graphviz state: another drawing may lay out meanwhile.
        images["png"] = encode(pixels)
        return {fmt: images[fmt] for fmt in formats}

    def _paint(self, context: int, graph: int, svg: bytes, started: threading.Event | None = None) -> Pixels | None:
        """The laid-out graph painted by Graphviz's Cairo renderer on white; None if it could not be.

        The format names the device whose settings the renderer follows: "svg:cairo" draws at
        72 dpi like the SVG, and ends the page by finishing the surface, which leaves the pixels
        in the buffer this method owns. ("png:cairo" would go on to write a PNG of it with libpng
        to standard output.)
        """
        size = svg_size(svg)
        if size is None or size[0] * size[1] > MAX_PIXELS:
            return None
        width, height = size
        cairo = self.cairo
        stride = cairo.cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, width)
        if stride <= 0:
            return None
        buffer = ctypes.create_string_buffer(stride * height)
        surface = cairo.cairo_image_surface_create_for_data(buffer, CAIRO_FORMAT_RGB24, width, height, stride)
        drawing = cairo.cairo_create(surface)
        try:
            cairo.cairo_set_source_rgb(drawing, 1.0, 1.0, 1.0)
            cairo.cairo_paint(drawing)  # the buffer starts black; a graph without a background would show it
            _starting(started)
            if self.gvc.gvRenderContext(context, graph, b"svg:cairo", drawing) != 0:
                return None
            cairo.cairo_surface_flush(surface)
            if cairo.cairo_status(drawing) != 0:
                return None
        finally:
            cairo.cairo_destroy(drawing)
            cairo.cairo_surface_destroy(surface)
        return Pixels(buffer, width, height, stride)

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
CAIRO_FORMAT_RGB24 = 1
# Above this a PNG is left to Graphviz, which scales a picture down to Cairo's largest surface
# (32,767 px a side); our own buffer would take 4 bytes a pixel (200 MB here).
MAX_PIXELS = 50_000_000


def svg_size(svg: bytes) -> tuple[int, int] | None:
    """The width and height Graphviz gave an SVG drawn at 72 dpi, in points (whole numbers)."""
    match = re.search(rb'<svg width="(\d+)pt" height="(\d+)pt"', svg)
    if not match:
        return None
    width, height = (int(value) for value in match.groups())
    return (width, height) if width > 0 and height > 0 else None


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


def _starting(call: threading.Event | None) -> None:
    if call is not None:
        call.set()


def _cairo() -> ctypes.CDLL | None:
    """The few libcairo functions that paint into a surface of our own, or None without libcairo."""
    try:
        cairo = _load("cairo")
        cairo.cairo_format_stride_for_width.restype = ctypes.c_int
        cairo.cairo_format_stride_for_width.argtypes = [ctypes.c_int, ctypes.c_int]
        cairo.cairo_image_surface_create_for_data.restype = ctypes.c_void_p
        cairo.cairo_image_surface_create_for_data.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int,
                                                               ctypes.c_int, ctypes.c_int]
        cairo.cairo_create.restype = ctypes.c_void_p
        cairo.cairo_create.argtypes = [ctypes.c_void_p]
        cairo.cairo_set_source_rgb.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double, ctypes.c_double]
        cairo.cairo_paint.argtypes = [ctypes.c_void_p]
        cairo.cairo_surface_flush.argtypes = [ctypes.c_void_p]
        cairo.cairo_status.restype = ctypes.c_int
        cairo.cairo_status.argtypes = [ctypes.c_void_p]
        cairo.cairo_destroy.argtypes = [ctypes.c_void_p]
        cairo.cairo_surface_destroy.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError):
        return None
    return cairo


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
