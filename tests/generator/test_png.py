"""generator/png.py: Cairo's pixels written as a PNG that any reader decodes to the same colours."""

import io
import struct
import sys
import zlib

import pytest
from PIL import Image

from generator.png import CAIRO_RGB24_BYTES, Pixels, encode


def cairo_pixels(rows: list[list[tuple[int, int, int]]], padding: int = 0) -> Pixels:
    """Rows of (r, g, b) laid out as Cairo's RGB24 surface holds them, each row padded by `padding` bytes."""
    width = len(rows[0])
    data = bytearray()
    for row in rows:
        for red, green, blue in row:
            word = (red << 16) | (green << 8) | blue
            data += struct.pack("<I" if sys.byteorder == "little" else ">I", word)
        data += b"\x7f" * padding  # what lies past a row's pixels must not leak into the picture
    return Pixels(bytes(data), width, len(rows), width * 4 + padding)


@pytest.mark.parametrize("padding", [0, 12])
def test_every_pixel_reads_back_as_the_colour_painted(padding):
    rows = [[((x * 37 + y) % 256, (y * 91) % 256, (x * y) % 256) for x in range(13)] for y in range(7)]
    png = encode(cairo_pixels(rows, padding))
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB" and image.size == (13, 7)
    assert [[image.getpixel((x, y)) for x in range(13)] for y in range(7)] == rows


def test_the_file_is_three_well_formed_chunks():
    png = encode(cairo_pixels([[(255, 255, 255)] * 4] * 3))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        kind, data = png[offset + 4:offset + 8], png[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + data)
        chunks.append((kind, data))
        offset += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">IIBBBBB", chunks[0][1]) == (4, 3, 8, 2, 0, 0, 0)
    assert zlib.decompress(chunks[1][1]) == (b"\0" + b"\xff" * 12) * 3  # unfiltered rows, in order


def test_cairo_byte_order_follows_the_machine():
    assert CAIRO_RGB24_BYTES == ("BGRX" if sys.byteorder == "little" else "XRGB")
