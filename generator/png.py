"""PNG files from pixels that Cairo painted, written fast enough to sit inside a generation.

Graphviz's own PNG (Cairo, through libpng's defaults) spends about 95% of its time in libpng
choosing a filter for every row and in zlib at level 6: 18 ms of a 1,000 x 500 px diagram and
200 ms of the 3,500 x 1,700 px diagram of every pattern together. A diagram is large flat areas
and thin lines, where filters gain next to nothing: rows left unfiltered and compressed with
ISA-L's deflate (the `isal` package, level 2) come out within about 5% of libpng's size in a
tenth of the time. Pillow writes PNGs too, but always filters, so it is used here only to
reorder Cairo's pixels, which it does in C.

The container itself is three chunks (IHDR, IDAT, IEND) of the PNG specification.
"""

from __future__ import annotations

import struct
import sys
import zlib
from dataclasses import dataclass

from isal import isal_zlib
from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Cairo's RGB24 pixel is a native-endian 32-bit word 0x00RRGGBB.
CAIRO_RGB24_BYTES = "BGRX" if sys.byteorder == "little" else "XRGB"
LEVEL = 2  # ISA-L's levels run 0-3; 3 costs three times as much for 1% less
BAND_ROWS = 64  # about 660 KB of RGB for the widest diagram


@dataclass(frozen=True)
class Pixels:
    """An opaque picture as Cairo's RGB24 image surface holds it: rows of `stride` bytes."""

    data: object  # anything with the buffer protocol: bytes, bytearray, a ctypes array
    width: int
    height: int
    stride: int


def encode(pixels: Pixels) -> bytes:
    """The picture as an 8-bit RGB PNG.

    Encoded a band of rows at a time, so that a large picture costs little memory besides its
    own pixels: whole, the 3,500 x 1,700 px diagram took five transient copies of 17-23 MB.
    """
    compressor = isal_zlib.compressobj(LEVEL)
    source = memoryview(pixels.data).cast("B")
    row = pixels.width * 3
    compressed = []
    for top in range(0, pixels.height, BAND_ROWS):
        rows = min(BAND_ROWS, pixels.height - top)
        band = source[top * pixels.stride:(top + rows) * pixels.stride]
        rgb = memoryview(Image.frombuffer("RGB", (pixels.width, rows), band, "raw", CAIRO_RGB24_BYTES,
                                          pixels.stride, 1).tobytes())
        # Each row starts with its filter type; 0 is "none".
        compressed.append(compressor.compress(b"".join(b"\0" + rgb[start:start + row]
                                                       for start in range(0, len(rgb), row))))
    compressed.append(compressor.flush())
    header = struct.pack(">IIBBBBB", pixels.width, pixels.height, 8, 2, 0, 0, 0)  # 8 bits, RGB
    return b"".join((SIGNATURE, _chunk(b"IHDR", header), _chunk(b"IDAT", b"".join(compressed)),
                     _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))
