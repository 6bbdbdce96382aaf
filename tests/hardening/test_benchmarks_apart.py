"""The benchmarks live apart: no product module imports from ``benchmarks/``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_PRODUCT = {"benchmarks", "tests"}


def product_modules() -> list[Path]:
    packages = [init.parent for init in ROOT.glob("*/__init__.py") if init.parent.name not in NOT_PRODUCT]
    return [ROOT / "manage.py", *(path for package in packages for path in package.rglob("*.py"))]


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_product_packages_are_found():
    names = {path.relative_to(ROOT).parts[0] for path in product_modules()}
    assert {"advisor", "analyzer", "generator", "patterns", "pattern_library"} <= names


def test_no_product_module_imports_the_benchmarks():
    offenders = [str(path.relative_to(ROOT)) for path in product_modules()
                 if any(name == "benchmarks" or name.startswith("benchmarks.") for name in imported_names(path))]
    assert offenders == []
