"""Sandboxed Jinja for handler code, tests and project files.

StrictUndefined turns a missing variable into an error instead of silently empty code.
Values that end up inside Python source go through the `py` filter (repr of plain data),
so nothing placed in a template can escape its string literal.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shlex
import shutil
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from pattern_library import registry

# Shared templates (project files, includes used by several patterns); each pattern folder's
# own templates are searched after these.
TEMPLATES = Path(__file__).parent / "templates"

logger = logging.getLogger(__name__)

_PLAIN = (str, int, float, bool, type(None))


def _py(value: Any) -> str:
    def check(v: Any) -> None:
        if isinstance(v, dict):
            for k, item in v.items():
                check(k)
                check(item)
        elif isinstance(v, (list, tuple)):
            for item in v:
                check(item)
        elif not isinstance(v, _PLAIN):
            raise TypeError(f"refusing to render {type(v).__name__} into Python source")
    check(value)
    return repr(value)


def _json(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, sort_keys=True, indent=indent)


def private_folder(path: Path) -> bool:
    """Create ``path`` (mode 0700) if missing; True only if it is a real folder (not a
    link) owned by this user that no one else can write to. Compiled templates are code
    the generator runs, so a folder someone else could have put files in is never read."""
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not stat.S_IMODE(info.st_mode) & 0o077


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept between command-line runs (Jinja checks each template's
    modification time, so edited templates are compiled again).

    The folder is GENERATOR_CACHE_DIR, or one per user in the temporary folder. If it is
    not private (another owner, group- or world-writable, a link), this process uses a
    fresh private folder of its own instead, removed when it exits.
    """
    folder = Path(os.environ.get("GENERATOR_CACHE_DIR") or Path(tempfile.gettempdir()) / f"advisor-jinja-{os.getuid()}")
    if not private_folder(folder):
        logger.warning("not using %s for compiled templates: it is not a folder only this user can write to", folder)
        try:
            folder = Path(tempfile.mkdtemp(prefix="advisor-jinja-"))
        except OSError:
            return None
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return FileSystemBytecodeCache(str(folder))


_BYTECODE_CACHE = _bytecode_cache()


@lru_cache(maxsize=4)
def _environment(folders: tuple[Path, ...]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(folder) for folder in folders]),
        bytecode_cache=_BYTECODE_CACHE,
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["py"] = _py
    env.filters["json"] = _json
    env.filters["shell_quote"] = shlex.quote
    return env


def render(template: str, context: dict[str, Any]) -> str:
    environment = _environment((TEMPLATES, *registry.template_folders()))
    return environment.get_template(template).render(**context)
