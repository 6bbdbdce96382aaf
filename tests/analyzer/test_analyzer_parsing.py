"""Reading templates: short tags, JSON, and hostile or broken input refused with a reason."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from analyzer_samples import SETTINGS, risks
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import MAX_DEPTH, MAX_RESOURCES, MAX_TEMPLATE_BYTES, TemplateError, analyze, load_template

ROOT = Path(__file__).resolve().parents[2]


def resource(text: str):
    return load_template(f"Resources:\n  R:\n    Type: T\n    Properties:\n      V: {text}\n")["Resources"]["R"]["Properties"]["V"]


@pytest.mark.parametrize("text, expected", [
    ("!Ref Bucket", {"Ref": "Bucket"}),
    ("!GetAtt Queue.Arn", {"Fn::GetAtt": ["Queue", "Arn"]}),
    ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
    ("!GetAtt [Queue, Arn]", {"Fn::GetAtt": ["Queue", "Arn"]}),
    ("!Sub 'arn:aws:s3:::${Bucket}/*'", {"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}),
    ("!Sub ['${A}-x', {A: !Ref B}]", {"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]}),
    ("!Join ['', [a, !Ref B]]", {"Fn::Join": ["", ["a", {"Ref": "B"}]]}),
    ("!If [IsProd, 30, 3]", {"Fn::If": ["IsProd", 30, 3]}),
    ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
    ("!Split [',', !ImportValue Shared]", {"Fn::Split": [",", {"Fn::ImportValue": "Shared"}]}),
    ("!FindInMap [Map, !Ref AWS::Region, Key]", {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Key"]}),
    ("!Base64 text", {"Fn::Base64": "text"}),
    ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
    ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
    ("!And [!Condition A, !Not [!Condition B]]", {"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}),
    ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
     {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}),
])
def test_short_tags_become_their_long_form(text, expected):
    assert resource(text) == expected


def test_dates_stay_text_and_json_is_read():
    assert load_template("AWSTemplateFormatVersion: 2010-09-09\nResources: {R: {Type: T}}\n")[
        "AWSTemplateFormatVersion"] == "2010-09-09"
    template = {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Handler": "i.h", "Role": "r", "Code": {"ZipFile": "x"}, "TracingConfig": {"Mode": "Active"}}}}}
    data = analyze(json.dumps(template)).to_dict()
    data["findings"] = [finding for finding in data["findings"] if finding["id"] not in SETTINGS]
    assert data == {"patterns": [], "resources": 1, "findings": [], "architecture": {
        "version": 1,
        "components": [{"id": "Fn", "kind": "function", "name": "fn", "pattern": None},
                       {"id": "Producers", "kind": "external", "name": "producers", "pattern": None,
                        "label": "Your producers"}],
        "edges": [{"from": "Producers", "to": "Fn", "kind": "event", "label": "sends work"}]}}


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("   \n", "empty"),
    ("- a\n- b\n", "the top level is a list"),
    ("just text", "the top level is a single text value"),
    ("AWSTemplateFormatVersion: '2010-09-09'\n", "no Resources section"),
    ("Resources:\n", "its Resources section is empty"),
    ("Resources: {}\n", "its Resources section is empty"),
    ('{"Resources": {}}', "its Resources section is empty"),
    ("Resources: [a, b]\n", "its Resources section is a list, not a mapping"),
    ("Resources: lots\n", "its Resources section is a single text value"),
    ("Resources:\n  A: [\n", "Not valid YAML or JSON"),
    ("Resources:\n  A: 1\n B: 2\n", "Not valid YAML or JSON"),
    ('{"Resources": ', "Not valid YAML or JSON"),
    ("Resources: {A: {Type: T}}\n---\nResources: {}\n", "expected a single document"),
    ("Resources: {A: !Foo x}\n", "the tag !Foo is not a CloudFormation function"),
    ("Resources: {A: !!python/object:os.system x}\n", "Not valid YAML or JSON"),
    ("Resources: {A: " + "9" * 5000 + "}\n", "a value cannot be read"),
    ("Resources: {A: *nowhere}\n", "line 1: the YAML alias *nowhere"),
    ("a: &a [*a]\nResources: {A: {Type: T}}\n", "line 1: the YAML alias *a"),
    ("\x00\x01binary\xff", "Not valid YAML or JSON"),
])
def test_bad_input_is_refused_with_a_reason(text, message):
    with pytest.raises(TemplateError) as refused:
        analyze(text)
    assert message in str(refused.value)


def test_too_large_is_refused_before_reading():
    with pytest.raises(TemplateError, match="Too large"):
        analyze("Resources: {A: {Type: T}}\n#" + "x" * (10 * 1024 * 1024))
    # Multi-byte characters count in bytes, as CloudFormation counts them.
    with pytest.raises(TemplateError, match="Too large"):
        analyze("Resources: {A: {Type: T}}\n#" + "é" * (MAX_TEMPLATE_BYTES // 2 + 1))


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    "{" * 100_000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    "Resources:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, MAX_DEPTH + 5)),
])
def test_deep_nesting_is_refused(text):
    with pytest.raises(TemplateError, match="nest"):
        analyze(text)


def test_a_long_flat_list_is_refused():
    with pytest.raises(TemplateError, match="more than 100,000 values"):
        analyze("Resources: {A: {Type: T, Properties: {L: [" + ",".join(["1"] * 120_000) + "]}}}\n")


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    + ["Resources: {A: {Type: T, Properties: {V: *i}}}", ""]
)
# Run in a separate process with a deadline and an address-space cap, so a regression shows
# as a failed test rather than a frozen or swapping test run.
HOSTILE_RUN = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))
from analyzer import TemplateError, analyze
try:
    analyze(sys.stdin.read())
except TemplateError as exc:
    print("refused:", exc)
"""


@pytest.mark.parametrize("text", [
    BILLION_LAUGHS,
    # the same bomb in a mapping with merge keys
    "\n".join(["a: &a {x: 1, y: 2, z: 3, w: 4, v: 5, u: 6, t: 7, s: 8, r: 9}"]
              + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(8)]
              + ["Resources: {A: {Type: T}}", ""]),
])
def test_yaml_bombs_are_refused_quickly_in_little_memory(text):
    result = subprocess.run([sys.executable, "-c", HOSTILE_RUN], input=text, capture_output=True, text=True,
                            timeout=20, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "refused: Refused: line 2: the YAML alias *a; CloudFormation does not accept YAML aliases" in result.stdout


@pytest.mark.parametrize("text, message", [
    # An alias, even a harmless one: CloudFormation refuses them.
    ("Globals:\n  Function: &defaults {Timeout: 10}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
     "    Properties: *defaults\n", "line 6: the YAML alias *defaults; CloudFormation does not accept YAML aliases"),
    ("Globals:\n  Function: &defaults {Timeout: 10}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
     "    Properties:\n      <<: {Timeout: 10}\n      Handler: a.b\n",
     "line 7: a YAML merge key (<<); CloudFormation does not accept merge keys"),
    # A repeated key: which one CloudFormation keeps is undefined.
    ("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: a.b\n      Timeout: 3\n"
     "      Handler: c.d\n", "line 7: the key 'Handler' appears twice in one mapping (first on line 5)"),
    ("Resources:\n  Fn: {Type: AWS::SQS::Queue}\n  Other: {Type: AWS::SNS::Topic}\n  Fn: {Type: AWS::SNS::Topic}\n",
     "line 4: the key 'Fn' appears twice in one mapping (first on line 2)"),
    ("Resources: {A: {Type: T}}\nResources: {B: {Type: T}}\n", "line 2: the key 'Resources' appears twice"),
    # JSON too, with the line found for it.
    ('{"Resources": {\n  "A": {"Type": "T"},\n  "A": {"Type": "U"}\n}}\n',
     "line 3: the key 'A' appears twice in one mapping (first on line 2)"),
    ('{"Resources": {"A": {"Type": "T", "Type": "U"}}}', "the key 'Type' appears twice in one mapping"),
])
def test_what_cloudformation_refuses_or_leaves_undefined_is_refused_with_the_line(text, message):
    with pytest.raises(TemplateError) as refused:
        analyze(text)
    assert message in str(refused.value)
    assert str(refused.value).startswith("Refused: ")


def test_an_anchor_without_an_alias_and_a_quoted_merge_key_are_plain_yaml():
    text = ("Resources:\n  Fn: &fn\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: a.b\n"
            "      Role: r\n      TracingConfig: {Mode: Active}\n      Tags: {'<<': x}\n")
    assert risks(analyze(text)) == []


def test_the_same_key_in_different_mappings_is_fine():
    text = ("Resources:\n  A: {Type: AWS::SQS::Queue, Properties: {QueueName: a}}\n"
            "  B: {Type: AWS::SQS::Queue, Properties: {QueueName: b}}\n")
    assert analyze(text).resources == 2


def many(count: int) -> str:
    return "Resources:\n" + "".join(f"  Topic{n}: {{Type: AWS::SNS::Topic}}\n" for n in range(count))


def test_a_template_over_the_resource_cap_is_refused_naming_the_cap():
    assert analyze(many(MAX_RESOURCES)).resources == MAX_RESOURCES
    for text in (many(MAX_RESOURCES + 1), json.dumps(load_template(many(MAX_RESOURCES + 1), max_resources=10_000))):
        with pytest.raises(TemplateError) as refused:
            analyze(text)
        assert str(refused.value).startswith(f"Refused: the template declares more than {MAX_RESOURCES:,} resources")


def test_an_analysis_over_its_time_budget_is_refused():
    with pytest.raises(TemplateError) as refused:
        analyze(many(3), seconds=0)
    assert str(refused.value).startswith("Refused: analysing the template took more than 0 s of processing")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Resources:{}[]-&*!Ref GetAtt\n '\",.#|>?<%@`\t\\x0é")), max_size=200))
def test_any_text_gives_a_result_or_a_template_error(text):
    try:
        analyze(text)
    except TemplateError:
        pass


KEYS = ["Type", "Properties", "Events", "E", "Queue", "Stream", "Bucket", "Topic", "Filter", "S3Key", "Rules",
        "Name", "Value", "Policies", "Statement", "Effect", "Action", "Resource", "Role", "FunctionName",
        "EventSourceArn", "DestinationConfig", "OnFailure", "Destination", "Ref", "Fn::GetAtt", "Fn::Sub", "Timeout",
        "VisibilityTimeout", "RedrivePolicy", "Environment", "Variables", "DB_HOST", "VpcConfig", "Tracing",
        "FunctionResponseTypes", "BatchSize", "MaximumRetryAttempts", "Targets", "Arn", "Subscription", "Protocol",
        "Endpoint", "NotificationConfiguration", "LambdaConfigurations", "Function", "LambdaInvokePolicy",
        "S3CrudPolicy", "DynamoDBCrudPolicy", "BucketName", "TableName", "EventInvokeConfig", "Integration", "Uri"]
WORDS = ["SQS", "S3", "SNS", "Api", "HttpApi", "DynamoDB", "Kinesis", "Schedule", "Active", "lambda", "sqs",
         "A", "B", "C", "Q", "AWS::Serverless::Function", "AWS::Lambda::Function", "AWS::SQS::Queue",
         "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Lambda::EventSourceMapping", "AWS::IAM::Role",
         "AWS::SNS::Subscription", "AWS::Events::Rule", "AWS::ApiGateway::Method", "AWS::RDS::DBInstance",
         "lambda:InvokeFunction", "s3:PutObject", "dynamodb:*", "*", "${A.Arn}/*", "arn:aws:s3:::b/*",
         "ReportBatchItemFailures", "prefix", "suffix", "uploads/", "-1", "30"]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 1000) | st.sampled_from(WORDS),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["A", "B", "C", "Q"]), st.fixed_dictionaries(
    {"Type": st.sampled_from(WORDS[13:24])}, optional={"Properties": VALUES}), min_size=1, max_size=4),
    VALUES)
def test_any_resources_shape_gives_a_result_or_a_template_error(resources, function_globals):
    try:
        analysis = analyze(json.dumps({"Globals": {"Function": function_globals}, "Resources": resources}))
    except TemplateError:
        return
    assert analysis.resources == len(resources)
