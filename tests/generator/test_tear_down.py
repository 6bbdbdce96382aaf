"""The README's tear-down does what it says: the buckets it says to empty can then be deleted (they
are versioned, so old versions and delete markers must go too), and it names the tables it keeps,
and only those."""

import re
import shlex

import boto3
import pytest
from moto import mock_aws

from gencheck import generate, load_template


def tear_down(readme: str) -> str:
    return readme.split("## Tear down", 1)[1]


def output_of(template: dict, logical_id: str) -> str:
    return next(name for name, out in template["Outputs"].items() if out["Value"] == {"Ref": logical_id})


@pytest.fixture
def s3(monkeypatch):
    for key, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield boto3.client("s3")


def test_the_buckets_emptied_as_the_readme_says_can_be_deleted(s3):
    files = generate(["s3-processing"], name="uploads", trigger="file_upload")
    template = load_template(files["uploads/template.yaml"])
    section = tear_down(files["uploads/README.md"].decode())
    buckets = [lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::S3::Bucket"]
    assert buckets and all(f"`{output_of(template, b)}`" in section for b in buckets)
    command = re.search(r"^ {4}(python3? -c .*<bucket name>.*)$", section, re.M).group(1)
    s3.create_bucket(Bucket="uploads-bucket")
    s3.put_bucket_versioning(Bucket="uploads-bucket", VersioningConfiguration={"Status": "Enabled"})
    for body in (b"first", b"second"):
        s3.put_object(Bucket="uploads-bucket", Key="incoming/report.csv", Body=body)
    s3.delete_object(Bucket="uploads-bucket", Key="incoming/report.csv")  # a delete marker
    args = shlex.split(command.replace("<bucket name>", "uploads-bucket"))
    assert args[0].startswith("python")
    # Run in this process, inside the fake AWS.
    exec(compile(args[args.index("-c") + 1], "readme", "exec"), {})
    s3.delete_bucket(Bucket="uploads-bucket")


@pytest.mark.parametrize("patterns,kept", [
    (["api-gateway-lambda"], []),
    (["dynamodb-streams"], ["DataTable", "ViewTable"]),
])
def test_the_tables_kept_on_delete_are_named(patterns, kept):
    files = generate(patterns, name="app", trigger="data_change" if kept else "http", react_to_changes=bool(kept))
    template = load_template(files["app/template.yaml"])
    retained = sorted(lid for lid, r in template["Resources"].items() if r.get("DeletionPolicy") == "Retain")
    assert retained == kept
    section = tear_down(files["app/README.md"].decode())
    assert ("Retain" in section) == bool(kept)
    assert all(f"`{lid}`" in section for lid in kept)
    assert ("bucket" in section.lower()) == any(r["Type"] == "AWS::S3::Bucket" for r in template["Resources"].values())
