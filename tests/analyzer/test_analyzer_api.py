"""POST /analyze/api/: the analysis JSON, 400 with an error for bad input, anonymous but throttled."""

import pytest
from analyzer_samples import REPEATED_KEY, REPEATED_KEY_REFUSAL, sam
from django.urls import reverse
from rest_framework.test import APIClient

from analyzer import MAX_RESOURCES, analyze

URL = reverse("analyzer:api")
TEMPLATE = sam("""
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Timeout: 60
    Events:
      Get: {Type: Api, Properties: {Path: /, Method: get}}
""")

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_it_returns_the_analysis_json(api):
    r = api.post(URL, {"template": TEMPLATE}, format="json")
    assert r.status_code == 200
    assert {key: value for key, value in r.json().items() if key != "marks"} == analyze(TEMPLATE).to_dict()
    assert r.json()["patterns"] == ["api-gateway-lambda"]
    assert ("api-timeout-exceeds-gateway", "high", "Worker") in {
        (f["id"], f["severity"], f["resource"]) for f in r.json()["findings"]}


@pytest.mark.parametrize("body, message", [
    ({"template": "Resources: [\n"}, "Not valid YAML or JSON"),
    ({"template": "Description: x\n"}, "no Resources section"),
    ({"template": ""}, "The template is empty."),
    ({"template": 42}, 'Send a JSON object with the template text in "template".'),
    ({}, 'Send a JSON object with the template text in "template".'),
    (["Resources"], 'Send a JSON object with the template text in "template".'),
    ({"template": "x: 1\n#" + "y" * (1024 * 1024)}, "Too large"),
    ({"template": REPEATED_KEY}, REPEATED_KEY_REFUSAL),
    ({"template": "Resources: {A: &a {Type: T}, B: *a}\n"}, "Refused: line 1: the YAML alias *a"),
    ({"template": "Resources:\n" + "".join(f"  T{n}: {{Type: AWS::SNS::Topic}}\n" for n in range(MAX_RESOURCES + 1))},
     f"Refused: the template declares more than {MAX_RESOURCES:,} resources"),
])
def test_bad_input_is_a_400_with_an_error(api, body, message):
    r = api.post(URL, body, format="json")
    assert r.status_code == 400
    assert message in r.json()["error"]


def test_broken_and_deeply_nested_json_bodies_are_400(api):
    for body in ("{", "[" * 100000):
        r = api.generic("POST", URL, body, content_type="application/json")
        assert r.status_code == 400
        assert "error" in r.json()


def test_a_body_far_over_the_limit_is_refused_unread(api):
    r = api.generic("POST", URL, "{}", content_type="application/json", CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert r.status_code == 400
    assert "Too large" in r.json()["error"]


def test_anonymous_callers_are_throttled(api):
    address, other = "198.51.100.7", "203.0.113.9"
    body = {"template": "Resources: {T: {Type: AWS::SNS::Topic}}"}
    codes = [api.post(URL, body, format="json", REMOTE_ADDR=address).status_code for _ in range(25)]
    assert codes[:20] == [200] * 20
    assert codes[20:] == [429] * 5
    # Another client is not held back by the first one's limit.
    assert api.post(URL, body, format="json", REMOTE_ADDR=other).status_code == 200


def test_the_openapi_schema_documents_it(api):
    r = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    operation = r.json()["paths"]["/analyze/api/"]["post"]
    assert operation["operationId"] == "analyze_template"
    assert set(operation["responses"]) >= {"200", "400", "429"}
    schemas = r.json()["components"]["schemas"]
    assert set(schemas["AnalysisOutput"]["properties"]) == {"patterns", "resources", "findings", "architecture",
                                                                 "marks", "diagram"}
    assert set(schemas["FindingOutput"]["properties"]) == set(analyze(TEMPLATE).findings[0].to_dict())


def test_each_finding_carries_its_line(api):
    r = api.post(URL, {"template": TEMPLATE}, format="json")
    lines = TEMPLATE.splitlines()
    timeout = next(f for f in r.json()["findings"] if f["id"] == "api-timeout-exceeds-gateway")
    assert lines[timeout["line"] - 1].strip() == "Timeout: 60"
