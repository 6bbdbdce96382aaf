"""Every range file has a lock (`make lock`) that pins, with hashes, each package it names at
a version its range allows; make and the Docker image install from the locks."""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RANGE_FILES = sorted(ROOT.glob("requirements*.txt"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def ranges(path):
    """The requirements a range file names, following its `-r` includes."""
    found = []
    for line in path.read_text().splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            found += ranges(path.parent / line.split(maxsplit=1)[1])
        elif not line.startswith("-"):
            found.append(Requirement(line))
    return found


def pins(path):
    """{name: version} of a lock file, each pin checked to carry at least one hash."""
    text = path.read_text()
    pinned = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{path.name}: {match[1]} has no hash"
            pinned[canonicalize_name(match[1])] = match[2]
    return pinned


def test_the_four_virtualenv_and_image_range_files_are_found():
    assert {path.name for path in RANGE_FILES} >= {
        "requirements.txt", "requirements-dev.txt", "requirements-sam.txt", "requirements-checkov.txt"}


@pytest.mark.parametrize("range_file", RANGE_FILES, ids=lambda path: path.name)
def test_each_lock_pins_every_requirement_of_its_range_file_within_its_range(range_file):
    lock = range_file.with_suffix(".lock")
    assert lock.exists(), f"{range_file.name} has no {lock.name}: run `make lock`"
    pinned = pins(lock)
    stale = []
    for requirement in ranges(range_file):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            stale.append(f"{requirement.name} is not in {lock.name}")
        elif not requirement.specifier.contains(version, prereleases=True):
            stale.append(f"{requirement.name}=={version} is outside {requirement}")
    assert not stale, "; ".join(stale) + ": run `make lock`"


def test_the_image_lock_installs_the_same_versions_as_the_development_lock():
    runtime, development = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    assert runtime
    assert {name: version for name, version in runtime.items() if development.get(name) != version} == {}


def test_make_and_the_image_install_from_the_locks():
    makefile = (ROOT / "Makefile").read_text()
    for venv, lock in (("$(VENV)", "requirements-dev.lock"), ("$(SAMVENV)", "requirements-sam.lock"),
                       ("$(CHECKOVVENV)", "requirements-checkov.lock")):
        assert re.search(rf"^{re.escape(venv)}/\.installed: {re.escape(lock)}$", makefile, re.M), lock
        assert f"$(PIP_INSTALL) -r {lock}" in makefile
    assert "--require-hashes" in makefile
    assert "requirements.lock" in (ROOT / "deploy" / "Dockerfile").read_text()
