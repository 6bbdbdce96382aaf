"""Compiled templates are only read from a folder no one else can write to."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import FileSystemBytecodeCache

from generator import render
from pattern_library import registry

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "project/samconfig.toml.j2"
RENDER = f"from generator.render import render; print(render({TEMPLATE!r}, {{'name': 'orders'}}))"


def plant(folder: Path) -> None:
    """Put compiled code for other text in ``folder`` under the real template's cache key,
    as another local user could."""
    folder.mkdir(exist_ok=True)
    env = render._environment((render.TEMPLATES, *registry.template_folders()))
    source, filename, _ = env.loader.get_source(env, TEMPLATE)
    cache = FileSystemBytecodeCache(str(folder))
    bucket = cache.get_bucket(env, TEMPLATE, filename, source)
    bucket.code = env.compile("PLANTED {{ name }}", TEMPLATE, filename)
    cache.set_bucket(bucket)


def generate_with_cache(folder: Path, scratch: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(folder), "TMPDIR": str(scratch)}
    return subprocess.run([sys.executable, "-c", RENDER], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def scratch(tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_a_new_cache_folder_is_private_and_used(tmp_path, scratch):
    folder = tmp_path / "cache"
    run = generate_with_cache(folder, scratch)
    assert run.returncode == 0, run.stderr
    assert 'stack_name = "orders"' in run.stdout and run.stderr == ""
    assert folder.stat().st_mode & 0o777 == 0o700
    assert any(name.endswith(".cache") for name in os.listdir(folder))


def chmod_777(folder: Path) -> None:
    folder.chmod(0o777)


def chmod_770(folder: Path) -> None:
    folder.chmod(0o770)


def chown_nobody(folder: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    os.chown(folder, pwd.getpwnam("nobody").pw_uid, -1)
    folder.chmod(0o700)


@pytest.mark.parametrize("spoil", [chmod_777, chmod_770, chown_nobody], ids=["world-writable", "group-writable",
                                                                               "another owner"])
def test_a_folder_others_could_write_to_is_not_read(tmp_path, scratch, spoil):
    folder = tmp_path / "cache"
    plant(folder)
    spoil(folder)
    run = generate_with_cache(folder, scratch)
    assert run.returncode == 0, run.stderr
    assert "PLANTED" not in run.stdout and 'stack_name = "orders"' in run.stdout
    assert f"not using {folder}" in run.stderr
    assert os.listdir(scratch) == []  # the stand-in folder went away with the process


def test_a_link_to_a_folder_is_not_read(tmp_path, scratch):
    target = tmp_path / "elsewhere"
    plant(target)
    target.chmod(0o700)
    link = tmp_path / "cache"
    link.symlink_to(target)
    run = generate_with_cache(link, scratch)
    assert "PLANTED" not in run.stdout and 'stack_name = "orders"' in run.stdout
