"""Downloading the answers as JSON and loading them back."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

URL = reverse("questionnaire:start")
DOWNLOAD = reverse("questionnaire:download")
UPLOAD = reverse("questionnaire:upload")


def upload(client, content: bytes, name: str = "answers.json", query: str = ""):
    file = io.BytesIO(content)
    file.name = name
    return client.post(f"{UPLOAD}{query}", {"answers_file": file})


@pytest.mark.django_db
class TestDownload:
    def test_it_is_a_json_file_of_every_answer_in_question_order(self, client, engine):
        response = client.get(DOWNLOAD, {"client_waits": "false", "unreliable_downstream": "true"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == 'attachment; filename="answers.json"'
        answers = json.loads(response.content)
        assert list(answers) == [q.key for q in engine.questions]
        assert answers == engine.validate({"client_waits": False, "unreliable_downstream": True})

    def test_the_command_line_reads_it_and_gives_the_same_result(self, client, engine, tmp_path, capsys):
        query = {"trigger": "queue", "client_waits": "false", "duration_s": "120", "payload_kb": "300"}
        path = tmp_path / "answers.json"
        path.write_bytes(client.get(DOWNLOAD, query).content)
        call_command("recommend", str(path), "--format", "json")
        from_cli = json.loads(capsys.readouterr().out)
        page = client.get(URL, query)
        assert from_cli == engine.recommend(page.context["submission"].answers).to_dict()

    def test_bad_answers_are_shown_in_place_not_downloaded(self, client, error_next_to):
        response = client.get(DOWNLOAD, {"memory_mb": "64"})
        assert response.status_code == 400
        assert error_next_to(response.content, "memory_mb").startswith("Must be between 128 and 10,240")


@pytest.mark.django_db
class TestUpload:
    def test_a_downloaded_file_loads_back_to_the_same_shared_url(self, client):
        query = "?trigger=event&consumers=3&content_routing=true"
        content = client.get(DOWNLOAD + query).content
        response = upload(client, content)
        assert response.status_code == 302
        assert response["Location"] == URL + query + "#recommendation"
        page = client.get(response["Location"].split("#")[0])
        assert "Loaded the answers from answers.json." in page.content.decode()

    def test_a_file_with_only_some_keys_is_fine(self, client):
        response = upload(client, b'{"client_waits": false, "unreliable_downstream": true}')
        assert response["Location"] == URL + "?client_waits=false&unreliable_downstream=true#recommendation"

    def test_answers_that_do_not_apply_are_pointed_out(self, client):
        response = upload(client, b'{"client_waits": false, "latency_ms": 50}')
        assert response["Location"] == URL + "?client_waits=false#recommendation"
        page = client.get(response["Location"].split("#")[0])
        assert "do not apply to this workload and keep their defaults: Response time the caller accepts (p99)." in page.content.decode()

    @pytest.mark.parametrize("content, message", [
        (b"not json", "The file is not valid JSON"),
        (b"", "The file is not valid JSON"),
        (b"[1, 2]", "answers must be a JSON object"),
        (b'{"colour": "blue"}', "colour: unknown answer key"),
        (b'{"steps": "3"}', "Dependent steps in the business process: must be a whole number"),
        (b'{"latency_ms": 0}', "Response time the caller accepts (p99): must be between 1 and 3,600,000"),
        (b'{"trigger": "carrier pigeon"}', "What starts one unit of work? must be one of"),
        (b"\xff\xfe{}", "The file is not UTF-8 text."),
        (b"[" * 100_000, "larger than 64 KB"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    ])
    def test_a_bad_file_is_explained_next_to_the_upload_with_a_400(self, client, content, message):
        response = upload(client, content, query="?trigger=queue")
        assert response.status_code == 400
        html = response.content.decode()
        errors = html[html.index('id="upload-errors"'):]
        assert message.replace("'", "&#x27;") in errors[:2000]
        # The page keeps the answers the user had.
        assert response.context["submission"].answers["trigger"] == "queue"

    def test_posting_without_a_file_asks_for_one(self, client):
        response = client.post(UPLOAD)
        assert response.status_code == 400
        assert "Choose a JSON file of answers to load." in response.content.decode()

    def test_the_panel_beside_the_form_says_the_file_was_not_loaded(self, client):
        # The reasons are with the upload, under the recommendation; the panel in view points there.
        html = upload(client, b'{"trigger": "carrier pigeon"}').content.decode()
        panel = html[html.index('<section class="panel" id="panel"'):]
        assert '<strong>The answers file was not loaded.</strong> <a href="#answers-tools">' in panel[:3000]

    def test_it_only_accepts_posts(self, client):
        assert client.get(UPLOAD).status_code == 405
