"""Sample events in the exact shapes AWS delivers them, for events/*.json and the tests."""

from __future__ import annotations

import hashlib
import json
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
EPOCH_MS = "1767225600000"  # 2026-01-01T00:00:00Z, fixed so output is reproducible
ISO_TIME = "2026-01-01T00:00:00Z"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_Example1"
SUBJECT = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"


def _id(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def sqs_event(bodies: list[Any], queue: str, *, fifo: bool = False, attributes: dict | None = None) -> dict:
    records = []
    for i, body in enumerate(bodies):
        text = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
        attrs = {"ApproximateReceiveCount": "1", "SentTimestamp": EPOCH_MS,
                 "SenderId": "AROAEXAMPLEID:producer", "ApproximateFirstReceiveTimestamp": EPOCH_MS}
        if fifo:
            attrs.update({"MessageGroupId": "group-1", "MessageDeduplicationId": _id(f"dedup{i}{text}"),
                          "SequenceNumber": str(18849496460467696128 + i)})
        records.append({
            "messageId": _id(f"{queue}{i}{text}"),
            "receiptHandle": "AQEB" + hashlib.sha256(f"rh{i}{text}".encode()).hexdigest(),
            "body": text,
            "attributes": attrs,
            "messageAttributes": attributes or {},
            "md5OfBody": hashlib.md5(text.encode()).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}{'.fifo' if fifo else ''}",
            "awsRegion": REGION,
        })
    return {"Records": records}


def http_api_event(method: str, path: str, *, route: str | None = None, body: Any = None,
                   path_parameters: dict | None = None, headers: dict | None = None) -> dict:
    all_headers = {"content-type": "application/json", "host": "abc123.execute-api.us-east-1.amazonaws.com",
                   "user-agent": "curl/8.5.0", **(headers or {})}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {route or path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": all_headers,
        "requestContext": {
            "accountId": ACCOUNT, "apiId": "abc123", "domainName": all_headers["host"],
            "domainPrefix": "abc123",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.10", "userAgent": "curl/8.5.0"},
            "requestId": _id(f"req{method}{path}")[:20], "routeKey": f"{method} {route or path}",
            "stage": "$default", "time": "01/Jan/2026:00:00:00 +0000", "timeEpoch": int(EPOCH_MS),
            # What the JWT authorizer passes on from a valid token.
            "authorizer": {"jwt": {"claims": {"sub": SUBJECT, "iss": ISSUER, "client_id": "example-client-id",
                                              "token_use": "access"}, "scopes": None}},
        },
        "isBase64Encoded": False,
    }
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body is not None:
        event["body"] = json.dumps(body, sort_keys=True)
    return event


def rest_api_event(method: str, path: str, *, route: str | None = None, body: Any = None,
                   path_parameters: dict | None = None, headers: dict | None = None) -> dict:
    """An API Gateway REST API proxy event (payload format 1.0), as the Prod stage delivers it."""
    host = "abc123.execute-api.us-east-1.amazonaws.com"
    all_headers = {"Content-Type": "application/json", "Host": host, "User-Agent": "curl/8.5.0",
                   "X-Forwarded-For": "203.0.113.10", "X-Forwarded-Proto": "https", **(headers or {})}
    resource = route or path
    event: dict[str, Any] = {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {key: [value] for key, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT, "apiId": "abc123", "domainName": host, "domainPrefix": "abc123",
            "httpMethod": method, "path": f"/Prod{path}", "protocol": "HTTP/1.1",
            "requestId": _id(f"req{method}{path}"), "resourceId": "a1b2c3", "resourcePath": resource,
            "stage": "Prod", "requestTime": "01/Jan/2026:00:00:00 +0000", "requestTimeEpoch": int(EPOCH_MS),
            "identity": {"sourceIp": "203.0.113.10", "userAgent": "curl/8.5.0", "accountId": None,
                         "caller": None, "user": None, "userArn": None},
            # What the Cognito user pool authorizer passes on from a valid ID token.
            "authorizer": {"claims": {"sub": SUBJECT, "iss": ISSUER, "aud": "example-client-id",
                                      "token_use": "id"}},
        },
        "body": json.dumps(body, sort_keys=True) if body is not None else None,
        "isBase64Encoded": False,
    }
    return event


def s3_event(bucket: str, keys: list[str], *, size: int = 1024) -> dict:
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
        "eventTime": "2026-01-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AROAEXAMPLEID:uploader"},
        "requestParameters": {"sourceIPAddress": "203.0.113.10"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "upload-notification",
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                          "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": key, "size": size, "eTag": hashlib.md5(key.encode()).hexdigest(),
                          "sequencer": f"0A1B2C3D4E5F6{i:03d}"}},
    } for i, key in enumerate(keys)]}


def ddb_image(item: dict) -> dict:
    out = {}
    for k, v in item.items():
        if isinstance(v, bool):
            out[k] = {"BOOL": v}
        elif isinstance(v, (int, float)):
            out[k] = {"N": str(v)}
        else:
            out[k] = {"S": str(v)}
    return out


def dynamodb_stream_event(table: str, changes: list[tuple[str, dict | None, dict | None]]) -> dict:
    records = []
    for i, (name, old, new) in enumerate(changes):
        item = new or old or {}
        dynamodb: dict[str, Any] = {
            "ApproximateCreationDateTime": 1767225600,
            "Keys": ddb_image({"pk": item["pk"], "sk": item["sk"]}),
            "SequenceNumber": str(111100000000000000001 + i),
            "SizeBytes": 128,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
        if new is not None:
            dynamodb["NewImage"] = ddb_image(new)
        if old is not None:
            dynamodb["OldImage"] = ddb_image(old)
        records.append({
            "eventID": hashlib.sha256(f"{table}{i}".encode()).hexdigest()[:32],
            "eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": REGION, "dynamodb": dynamodb,
            "eventSourceARN": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/2026-01-01T00:00:00.000",
        })
    return {"Records": records}


def eventbridge_event(source: str, detail_type: str, detail: dict, *, bus: str = "default") -> dict:
    return {
        "version": "0", "id": _id(f"{source}{detail_type}{json.dumps(detail, sort_keys=True)}"),
        "detail-type": detail_type, "source": source, "account": ACCOUNT, "time": ISO_TIME,
        "region": REGION, "resources": [] if bus == "default" else [], "detail": detail,
    }


def scheduled_event() -> dict:
    return {
        "version": "0", "id": _id("schedule"), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": ACCOUNT, "time": ISO_TIME, "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/schedule"], "detail": {},
    }


def destination_event(function: str, request: dict, response: dict) -> dict:
    """What Lambda sends to an on-success Lambda destination."""
    return {
        "version": "1.0", "timestamp": "2026-01-01T00:00:00.000Z",
        "requestContext": {"requestId": _id(f"dest{function}"),
                           "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}:$LATEST",
                           "condition": "Success", "approximateInvokeCount": 1},
        "requestPayload": request,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": response,
    }
