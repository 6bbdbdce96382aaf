"""The registry of patterns: finds the pattern folders and is the only list of their slugs.

A pattern folder is a sub-package of ``pattern_library`` whose ``__init__.py`` declares

    SLUG         the stable identifier ("sqs-worker")
    TITLE        the name shown in generated projects and diagrams
    SUMMARY      one paragraph for the generated README
    ORDER        its place in every list of patterns (ascending)
    BUILD_ORDER  when the generator builds its functions, relative to the others
    SERVES_API   whether its functions answer requests through API Gateway
    STORES       optional: which of its functions store what they handled in the workload's
                 database when no API serves it: "polled" (those that take from a queue or
                 stream) or "idempotent" (those that do each unit of work once); "" for none.
                 Such a pattern builds before rds (a lower BUILD_ORDER), which connects them
    LIMITS       optional: the ids of the catalogue's limit rows its own parts read (the
                 catalogue check refuses a catalogue without them)

The folders are found on the package's search path (``pattern_library.__path__``), so a
folder placed on an added path is a pattern too; call ``refresh()`` after changing the path.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pattern_library

CATALOGUE_FILE = "catalogue.yaml"
TEMPLATES_FOLDER = "templates"


class RegistryError(ValueError):
    """Two pattern folders claim the same slug or order, or a folder lacks a required name."""


@dataclass(frozen=True)
class PatternFolder:
    slug: str
    title: str
    summary: str
    order: int
    build_order: int
    serves_api: bool
    module: str  # the package name, e.g. "pattern_library.sqs_worker"
    folder: Path
    limits: tuple[str, ...] = ()
    stores: str = ""

    def part(self, name: str) -> ModuleType | None:
        """The folder's module ``name`` (compose, generate, detect, cost), or None when it has none."""
        return _part(self.module, self.folder, name)

    @property
    def compose(self) -> ModuleType:
        return self._required("compose")

    @property
    def generate(self) -> ModuleType:
        return self._required("generate")

    def _required(self, name: str) -> ModuleType:
        module = self.part(name)
        if module is None:
            raise RegistryError(f"pattern {self.slug!r} has no {name}.py")
        return module

    @property
    def templates(self) -> Path | None:
        path = self.folder / TEMPLATES_FOLDER
        return path if path.is_dir() else None

    @property
    def catalogue_file(self) -> Path | None:
        path = self.folder / CATALOGUE_FILE
        return path if path.is_file() else None


@lru_cache(maxsize=None)
def _part(module: str, folder: Path, name: str) -> ModuleType | None:
    if not (folder / f"{name}.py").is_file():
        return None
    return importlib.import_module(f"{module}.{name}")


def _read(name: str) -> PatternFolder:
    package = importlib.import_module(f"{pattern_library.__name__}.{name}")
    missing = [attr for attr in ("SLUG", "TITLE", "SUMMARY", "ORDER", "BUILD_ORDER") if not hasattr(package, attr)]
    if missing:
        raise RegistryError(f"pattern folder {name!r} does not declare {', '.join(missing)}")
    return PatternFolder(
        slug=package.SLUG, title=package.TITLE, summary=package.SUMMARY, order=package.ORDER,
        build_order=package.BUILD_ORDER, serves_api=bool(getattr(package, "SERVES_API", False)),
        module=package.__name__, folder=Path(package.__file__).resolve().parent,
        limits=tuple(getattr(package, "LIMITS", ())), stores=_stores(name, getattr(package, "STORES", "")),
    )


STORES = ("", "polled", "idempotent")


def _stores(name: str, value: object) -> str:
    if value not in STORES:
        raise RegistryError(f"pattern folder {name!r}: STORES must be one of {', '.join(map(repr, STORES))}")
    return str(value)


@lru_cache(maxsize=1)
def patterns() -> tuple[PatternFolder, ...]:
    """Every pattern folder, in ``ORDER``."""
    found = [_read(info.name) for info in pkgutil.iter_modules(pattern_library.__path__)
             if info.ispkg and not info.name.startswith("_")]
    for attr in ("slug", "order"):
        values = [getattr(p, attr) for p in found]
        clashes = sorted({str(v) for v in values if values.count(v) > 1})
        if clashes:
            raise RegistryError(f"pattern folders share the {attr} {', '.join(clashes)}")
    return tuple(sorted(found, key=lambda p: p.order))


@lru_cache(maxsize=1)
def _by_slug() -> dict[str, PatternFolder]:
    return {p.slug: p for p in patterns()}


def slugs() -> tuple[str, ...]:
    """The pattern slugs, in order: the one list every other part reads."""
    return tuple(p.slug for p in patterns())


def get(slug: str) -> PatternFolder:
    """The pattern with this slug; KeyError when there is none."""
    return _by_slug()[slug]


def is_known(slug: object) -> bool:
    return isinstance(slug, str) and slug in _by_slug()


def api_slugs() -> frozenset[str]:
    """The patterns whose functions answer requests through API Gateway."""
    return frozenset(p.slug for p in patterns() if p.serves_api)


def storing(kind: str) -> tuple[str, ...]:
    """The patterns whose functions of this kind ("polled", "idempotent") store what they handled."""
    return tuple(p.slug for p in patterns() if p.stores == kind)


@lru_cache(maxsize=1)
def template_folders() -> tuple[Path, ...]:
    """Each pattern folder's templates/, in order."""
    return tuple(p.templates for p in patterns() if p.templates is not None)


def refresh() -> None:
    """Forget what was found, so the next call searches the folders again."""
    patterns.cache_clear()
    _by_slug.cache_clear()
    template_folders.cache_clear()
    _part.cache_clear()
