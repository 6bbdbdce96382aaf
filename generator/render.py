"""Sandboxed Jinja for handler code, tests and project files.

StrictUndefined turns a missing variable into an error instead of silently empty code.
Values that end up inside Python source go through the `py` filter (repr of plain data),
so nothing placed in a template can escape its string literal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import os
import tempfile
from functools import lru_cache

from jinja2 import FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from pattern_library import registry

# Shared templates (project files, includes used by several patterns); each pattern folder's
# own templates are searched after these.
TEMPLATES = Path(__file__).parent / "templates"

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


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept between command-line runs (Jinja checks each template's
    modification time, so edited templates are compiled again)."""
    folder = Path(os.environ.get("GENERATOR_CACHE_DIR") or Path(tempfile.gettempdir()) / f"advisor-jinja-{os.getuid()}")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
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
    return env


def render(template: str, context: dict[str, Any]) -> str:
    environment = _environment((TEMPLATES, *registry.template_folders()))
    return environment.get_template(template).render(**context)
