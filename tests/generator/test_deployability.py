"""What a deployer notices: two stacks side by side, quotas, alarms that reach someone,
deliveries that cannot vanish, and function packages without a copy of Powertools each."""

import re

import pytest

import generator
from cfn_eval import Stack
from gencheck import generate, load_template

ALL = list(generator.PATTERN_SLUGS)
S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def template_of(files, name="serverless-app"):
    return load_template(files[f"{name}/template.yaml"])


def test_two_stacks_of_one_project_in_one_account_get_different_upload_buckets():
    doc = template_of(generate(["s3-processing"], writes_back_to_source=True))
    dev = Stack(doc, name="app-dev", guid="3f1b2a60-0d1e-11f0-9c3a-0a1b2c3d4e5f")
    prod = Stack(doc, name="app-prod", guid="8c2d4e10-0d1f-11f0-8f1b-06a7b8c9d0e1")
    names = [stack.resources()["UploadBucket"]["Properties"]["BucketName"] for stack in (dev, prod)]
    assert names[0] != names[1]
    assert all(S3_BUCKET_NAME.fullmatch(name) for name in names), names
    # The function reads and writes the bucket the stack created, under the same name.
    fn = dev.resources()["FileProcessorFunction"]["Properties"]
    assert fn["Environment"]["Variables"]["OUTPUT_BUCKET"] == names[0]
    assert fn["Policies"][0]["S3ReadPolicy"]["BucketName"] == names[0]


def test_reserved_concurrency_is_off_until_the_deployer_sets_it():
    files = generate(["rds"], db_max_connections=40)
    doc = template_of(files)
    assert "ReservedConcurrentExecutions" not in Stack(doc).resources()["DatabaseFunction"]["Properties"]
    reserved = Stack(doc, parameters={"DbReservedConcurrency": 20}).resources()["DatabaseFunction"]["Properties"]
    assert reserved["ReservedConcurrentExecutions"] == 20
    readme = files["serverless-app/README.md"].decode()
    assert "`DbReservedConcurrency`" in readme and "to 20" in readme and "quota" in readme


def test_workflow_logs_go_to_a_vended_logs_group_per_stack():
    doc = template_of(generate(["step-functions"], steps=2))
    names = {Stack(doc, name=stack).resources()["WorkflowLogGroup"]["Properties"]["LogGroupName"]
             for stack in ("app-dev", "app-prod")}
    assert len(names) == 2
    assert all(name.startswith("/aws/vendedlogs/states/") for name in names)


def test_every_sns_subscription_to_a_queue_has_an_alarmed_dead_letter_queue_sns_may_write_to():
    doc = template_of(generate(["sns-fanout"], consumers=3, content_routing=True))
    resources = doc["Resources"]
    subscriptions = {lid: r["Properties"] for lid, r in resources.items()
                     if r["Type"] == "AWS::SNS::Subscription" and r["Properties"]["Protocol"] == "sqs"}
    assert len(subscriptions) == 3
    alarmed = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in resources.values()
               if a["Type"] == "AWS::CloudWatch::Alarm"
               and a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"}
    for lid, props in subscriptions.items():
        dlq = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert resources[dlq]["Type"] == "AWS::SQS::Queue" and dlq in alarmed, lid
        statements = [s for r in resources.values() if r["Type"] == "AWS::SQS::QueuePolicy"
                      and {"Ref": dlq} in r["Properties"]["Queues"]
                      for s in r["Properties"]["PolicyDocument"]["Statement"]]
        assert any(s["Principal"] == {"Service": "sns.amazonaws.com"} and s["Action"] == "sqs:SendMessage"
                   and s["Condition"]["ArnEquals"]["aws:SourceArn"] == props["TopicArn"] for s in statements), lid


@pytest.mark.parametrize("patterns", [ALL, ["chaining"], ["sqs-worker"]])
def test_every_work_queue_alarms_when_its_oldest_message_gets_old(patterns):
    doc = template_of(generate(patterns, ordering=patterns == ["sqs-worker"], downstream_max_rps=5))
    resources = doc["Resources"]
    consumed = {event["Properties"]["Queue"]["Fn::GetAtt"][0] for r in resources.values()
                if r["Type"] == "AWS::Serverless::Function"
                for event in r["Properties"].get("Events", {}).values() if event["Type"] == "SQS"}
    assert consumed
    ages = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]: a["Properties"]
            for a in resources.values() if a["Type"] == "AWS::CloudWatch::Alarm"
            and a["Properties"]["MetricName"] == "ApproximateAgeOfOldestMessage"}
    for queue in consumed:
        assert queue in ages, queue
        retention = resources[queue]["Properties"]["MessageRetentionPeriod"]
        assert resources[queue]["Properties"]["VisibilityTimeout"] <= ages[queue]["Threshold"] < retention


def test_the_alarm_email_parameter_subscribes_that_address_and_an_empty_one_nobody():
    doc = template_of(generate(["sqs-worker"]))
    assert doc["Parameters"]["AlarmEmail"]["Default"] == ""

    def email_subscriptions(stack):
        return [r["Properties"] for r in stack.resources().values()
                if r["Type"] == "AWS::SNS::Subscription" and r["Properties"]["Protocol"] == "email"]

    assert email_subscriptions(Stack(doc)) == []
    given = email_subscriptions(Stack(doc, parameters={"AlarmEmail": "oncall@example.com"}))
    assert given == [{"TopicArn": "<AlarmTopic>", "Protocol": "email", "Endpoint": "oncall@example.com"}]
    assert re.fullmatch(doc["Parameters"]["AlarmEmail"]["AllowedPattern"], "oncall@example.com")
    assert not re.fullmatch(doc["Parameters"]["AlarmEmail"]["AllowedPattern"], "not an address")


@pytest.mark.parametrize("runtime, architecture", [("python3.13", "arm64"), ("python3.12", "x86_64")])
def test_functions_get_powertools_from_the_public_layer_not_their_own_package(runtime, architecture):
    files = generate(ALL, name="everything", options={"runtime": runtime, "architecture": architecture})
    doc = template_of(files, "everything")
    requirements = {path: content.decode() for path, content in files.items()
                    if path.startswith("everything/src/") and path.endswith("/requirements.txt")}
    assert len(requirements) >= 10
    for path, text in requirements.items():
        packages = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        assert not any(p.lower().startswith("aws-lambda-powertools") for p in packages), path
    assert "aws-lambda-powertools" in files["everything/tests/requirements.txt"].decode()
    assert "pg8000" in requirements["everything/src/database/requirements.txt"]

    python = runtime.replace(".", "")
    stack = Stack(doc, region="eu-central-1")
    layers = stack.resolve(doc["Globals"]["Function"]["Layers"])
    assert layers == [f"arn:aws:lambda:eu-central-1:017000801446:layer:"
                      f"AWSLambdaPowertoolsPythonV3-{python}-{architecture}:27"]
    own = "arn:aws:lambda:eu-central-1:111122223333:layer:powertools:3"
    assert Stack(doc, parameters={"PowertoolsLayerArn": own}).resolve(doc["Globals"]["Function"]["Layers"]) == [own]
    assert re.fullmatch(doc["Parameters"]["PowertoolsLayerArn"]["AllowedPattern"], own)


AUTH = {"http": ("AWS::ApiGatewayV2::Api", "JwtAuthorizer", "jwt"),
        "rest": ("AWS::ApiGateway::RestApi", "CognitoAuthorizer", "cognito")}


def deployed_api_body(doc, api, **parameters):
    """The OpenAPI body API Gateway receives: after the SAM transform, for these parameter values."""
    from gencheck import sam_transform

    out = sam_transform(doc)
    out["Parameters"] = doc["Parameters"]
    api_type = AUTH[api][0]
    (api_resource,) = [r for r in out["Resources"].values() if r["Type"] == api_type]
    return Stack(out, parameters=parameters).resolve(api_resource["Properties"]["Body"])


@pytest.mark.parametrize("api", ["http", "rest"])
def test_api_routes_need_a_signed_in_caller_unless_the_deployer_opts_out(api):
    files = generate(["api-gateway-lambda", "rds"], data_store="relational", options={"api": api})
    doc = template_of(files)
    _, scheme, kind = AUTH[api]
    assert doc["Parameters"]["ApiAuth"]["Default"] == kind

    settings = ({"JwtIssuer": "https://issuer.example.com", "JwtAudience": "client-1"} if api == "http"
                else {"CognitoUserPoolArn": "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Ab"})
    body = deployed_api_body(doc, api, **settings)
    routes = {(path, method): op for path, item in body["paths"].items() for method, op in item.items()}
    assert {("/items", "post"), ("/records/{record_id}", "put"), ("/health", "get")} <= set(routes)
    for (path, method), op in routes.items():
        assert "x-amazon-apigateway-integration" in op, (path, method)
        if path == "/health":
            assert not op.get("security")
        else:
            assert op["security"] == [{scheme: []}], (path, method)
    authorizer = body["components"]["securitySchemes"][scheme]["x-amazon-apigateway-authorizer"]
    if api == "http":
        assert authorizer["type"] == "jwt"
        assert authorizer["jwtConfiguration"] == {"issuer": "https://issuer.example.com", "audience": ["client-1"]}
    else:
        assert authorizer == {"type": "cognito_user_pools", "providerARNs": [settings["CognitoUserPoolArn"]]}

    public = deployed_api_body(doc, api, ApiAuth="none")
    assert not any(op.get("security") for item in public["paths"].values() for op in item.values())
    assert not public.get("components", {}).get("securitySchemes")

    # Deploying with authorisation on but no issuer or user pool is refused up front.
    (rule,) = doc["Rules"].values()
    assert Stack(doc).resolve(rule["RuleCondition"]) is True
    assert Stack(doc).resolve(rule["Assertions"][0]["Assert"]) is False
    assert Stack(doc, parameters=settings).resolve(rule["Assertions"][0]["Assert"]) is True

    readme = files["serverless-app/README.md"].decode()
    assert "## Calling the API" in readme and "ApiAuth=none" in readme and "Authorization" in readme


@pytest.mark.parametrize("api, errors, dims", [("http", "5xx", {"ApiId"}), ("rest", "5XXError", {"ApiName", "Stage"})])
def test_the_api_alarms_on_server_errors_and_latency(api, errors, dims):
    doc = template_of(generate(["api-gateway-lambda"], latency_ms=800, options={"api": api}))
    stack = Stack(doc, name="shop-prod")
    alarms = {a["Properties"]["MetricName"]: a["Properties"] for a in stack.resources().values()
              if a["Type"] == "AWS::CloudWatch::Alarm" and a["Properties"]["Namespace"] == "AWS/ApiGateway"}
    assert set(alarms) == {errors, "Latency"}
    for alarm in alarms.values():
        assert {d["Name"] for d in alarm["Dimensions"]} == dims
        assert alarm["AlarmActions"] == ["<AlarmTopic>"]
    assert alarms["Latency"]["ExtendedStatistic"] == "p99" and alarms["Latency"]["Threshold"] == 800
    if api == "rest":
        # The dimension names the API the stack creates.
        api_name = stack.resources()["RestApi"]["Properties"]["Name"]
        assert {d["Name"]: d["Value"] for d in alarms[errors]["Dimensions"]} == {"ApiName": api_name, "Stage": "Prod"}
    else:
        assert alarms[errors]["Dimensions"][0]["Value"] == "<HttpApi>"


@pytest.mark.parametrize("patterns, answers", [
    (["api-gateway-lambda", "rds"], {"data_store": "relational"}),
    # Without an API, the queue consumers write to the database themselves.
    (["sns-fanout", "rds"], {"trigger": "event", "data_store": "relational"}),
], ids=["behind-an-api", "queue-consumers"])
def test_the_readme_says_how_to_reach_the_database_through_the_proxy_with_iam_authentication(patterns, answers):
    files = generate(patterns, **answers)
    readme = files["serverless-app/README.md"].decode()
    for step in ("`IAMAuth: REQUIRED`", "`rds-db:connect`", "generate_db_auth_token", "`open_connection`"):
        assert step in readme, step
    # The function the README sends the reader to is there to change.
    handlers = [content.decode() for path, content in files.items()
                if path.startswith("serverless-app/src/") and path.endswith("app.py")]
    assert any("def open_connection(" in code for code in handlers)
