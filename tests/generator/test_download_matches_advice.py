"""The project `manage.py generate` writes for an answers file is the architecture
`manage.py recommend` proposes for the same file: same components, connections and API."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from architecture import Architecture


def recommended(path) -> dict:
    out = io.StringIO()
    call_command("recommend", str(path), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def generated(path, tmp_path, *extra) -> tuple[int, Architecture | None]:
    from patterns.management.commands.generate import Command

    out = tmp_path / "p.zip"
    code = Command().run([str(path), "--out", str(out), "--no-diagrams", *extra])
    if code:
        return code, None
    archive = zipfile.ZipFile(out)
    return code, Architecture.from_dict(json.loads(archive.read("serverless-app/architecture.json"))["architecture"])


WORKLOADS = {
    "rest-api-asked-for": {"trigger": "http", "api_type": "rest", "data_store": "dynamodb"},
    "http-api-asked-for": {"trigger": "http", "api_type": "http", "client_waits": False},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", WORKLOADS)
def test_the_downloaded_project_is_the_recommended_architecture(tmp_path, name):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(WORKLOADS[name]))
    advice = Architecture.from_dict(recommended(path)["architecture"])
    code, project = generated(path, tmp_path)
    assert code == 0
    assert project.shape() == advice.shape()


@pytest.mark.django_db
def test_an_api_chosen_on_the_command_line_overrides_the_answers(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(WORKLOADS["rest-api-asked-for"]))
    code, project = generated(path, tmp_path, "--api", "http")
    assert code == 0 and [c.id for c in project.of_kind("api")] == ["HttpApi"]
