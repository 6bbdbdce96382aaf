"""The analyzer page: paste or upload, see patterns (linked) and findings by severity; bad input is a 400 in place."""

import pytest
from analyzer_samples import REPEATED_KEY, REPEATED_KEY_REFUSAL, sam
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

URL = reverse("analyzer:page")
TEMPLATE = sam("""
Bucket: {Type: AWS::S3::Bucket}
Thumbnailer:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Policies: [{S3CrudPolicy: {BucketName: !Ref Bucket}}]
    Events:
      Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: 's3:ObjectCreated:*'}}
""")

pytestmark = pytest.mark.django_db


def test_it_shows_an_empty_form(client):
    r = client.get(URL)
    assert r.status_code == 200
    assert b'enctype="multipart/form-data"' in r.content and b'name="template"' in r.content
    assert "report" not in r.context


def test_it_reports_a_pasted_template(client):
    r = client.post(URL, {"template": TEMPLATE})
    assert r.status_code == 200
    html = r.content.decode()
    assert f'href="{reverse("questionnaire:pattern", args=["s3-processing"])}"' in html
    assert "Lambda + S3 file processing" in html
    assert [group.severity for group in r.context["report"].groups] == ["critical", "high", "low"]
    assert html.index('id="severity-critical"') < html.index('id="severity-high"') < html.index('id="severity-low"')
    assert 'data-finding="recursive-s3-trigger"' in html and "Thumbnailer" in html
    assert "The function can trigger itself through its bucket" in html  # the finding's title, not its id
    assert "serverless-rules ES1007" in html  # the equivalent rule of the missing destination
    line = TEMPLATE.splitlines().index("  Thumbnailer:") + 1
    assert f"Thumbnailer, line {line}</span>" in html  # where to look in the template
    assert "2 resources" in html
    assert escape(TEMPLATE.splitlines()[-1].strip()) in html  # the text stays in the box


def test_it_reports_an_uploaded_file(client):
    upload = SimpleUploadedFile("stack.yaml", TEMPLATE.encode(), content_type="application/x-yaml")
    r = client.post(URL, {"upload": upload})
    assert r.status_code == 200
    assert "Report for stack.yaml" in r.content.decode()
    assert r.context["report"].analysis.patterns == ("s3-processing",)


def test_a_template_without_findings_says_so(client):
    r = client.post(URL, {"template": "Resources: {Topic: {Type: AWS::SNS::Topic}}"})
    assert r.status_code == 200
    assert "No risks found" in r.content.decode()
    assert "None of the catalogue" in r.content.decode()


@pytest.mark.parametrize("data, message", [
    ({"template": ""}, "Paste a template or choose a file"),
    ({"template": "Resources: [\n"}, "Not valid YAML or JSON"),
    ({"template": "- just\n- a list\n"}, "the top level is a list"),
    ({"template": "Description: x\n"}, "no Resources section"),
    ({"template": "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(7))},
     "line 2: the YAML alias *a"),
    ({"template": "[" * 50000}, "nest"),
    ({"template": REPEATED_KEY}, REPEATED_KEY_REFUSAL),
    ({"upload": SimpleUploadedFile("merge.yaml", b"Resources:\n  A:\n    <<: {Type: T}\n")},
     "Refused: line 3: a YAML merge key (<<)"),
    ({"upload": SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n\x00\xff")}, "logo.png is not a text file"),
    ({"upload": SimpleUploadedFile("huge.yaml", b"#" * (1024 * 1024 + 10))}, "Too large"),
])
def test_bad_input_is_a_400_with_the_message_in_place(client, data, message):
    r = client.post(URL, data)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'role="alert"' in html and escape(message) in html
    assert "report" not in r.context
    assert b'name="template"' in r.content  # the form is still there to correct


def test_other_methods_are_refused(client):
    assert client.put(URL).status_code == 405


def test_a_post_over_the_request_size_limit_is_a_400_not_a_500(client):
    r = client.post(URL, {"template": "#" * (3 * 1024 * 1024)})
    assert r.status_code == 400
