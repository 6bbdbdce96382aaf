"""Deterministic zip: same files in, same bytes out."""

from __future__ import annotations

import io
import zipfile

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Already compressed: deflating them again costs time and saves nothing.
_STORED_SUFFIXES = (".png", ".zip", ".gz", ".jpg", ".jpeg")


def build_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if path.endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the permission bits below are honoured
            info.external_attr = (0o100644 << 16)
            archive.writestr(info, files[path], compresslevel=6)
    return buffer.getvalue()
