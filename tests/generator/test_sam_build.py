"""`sam build` on a combined project, where the SAM CLI and a python3.13 interpreter exist.

`make test` installs the SAM CLI into .venv-sam; python3.13 comes from pyenv on our
machines. The build installs each function's requirements from PyPI for the project's
runtime, as a user's first `sam build` would.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gencheck import generate, unpack

ROOT = Path(__file__).resolve().parents[2]


def find_sam() -> str | None:
    for candidate in (os.environ.get("SAM_CLI", ""), str(ROOT / ".venv-sam" / "bin" / "sam"), shutil.which("sam")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def python313_folder() -> str | None:
    found = shutil.which("python3.13")
    if found:
        try:
            subprocess.run([found, "--version"], check=True, capture_output=True, timeout=30)
            return str(Path(found).parent)
        except (subprocess.SubprocessError, OSError):
            pass
    for candidate in sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13")):
        return str(candidate.parent)
    return None


@pytest.mark.slow
def test_sam_build_succeeds_on_a_combined_project(tmp_path):
    sam, python = find_sam(), python313_folder()
    if not sam or not python:
        pytest.skip("needs the SAM CLI (make test installs it into .venv-sam) and a python3.13 interpreter")
    files = generate(("api-gateway-lambda", "sqs-worker", "dynamodb-streams", "eventbridge"), name="combined",
                     data_store="dynamodb", client_waits=False, react_to_changes=True, consumers=2)
    project = unpack(files, tmp_path)
    env = {**os.environ, "PATH": f"{python}{os.pathsep}{os.environ['PATH']}", "SAM_CLI_TELEMETRY": "0"}
    done = subprocess.run([sam, "build"], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    built = project / ".aws-sam" / "build"
    assert (built / "template.yaml").exists()
    functions = [p for p in built.iterdir() if p.is_dir()]
    assert functions and all((f / "app.py").exists() for f in functions)
    # Powertools (and botocore with it) comes from the public layer, not a copy in every function.
    assert not any((f / "aws_lambda_powertools").exists() or (f / "botocore").exists() for f in functions)
    assert "AWSLambdaPowertoolsPythonV3" in (built / "template.yaml").read_text()
