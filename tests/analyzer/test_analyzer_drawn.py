"""The analysis drawn and handed on: which parts of the architecture carry findings, the page's
drawing with them marked and listed, findings grouped by id, the API's marks and drawing, and
"start an architecture from this" opening the questionnaire on the answers the template shows."""

import base64
import re

import pytest
from analyzer_samples import cloudformation, run, sam
from django.urls import reverse
from rest_framework.test import APIClient
from test_analyzer_more_findings import function

import generator
from advisor.analyzer import reading
from advisor.analyzer.start import start_from
from analyzer import analyze, load_template
from analyzer.marks import marks_of
from patterns.store import current_engine

needs_graphviz = pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")
PAGE = reverse("analyzer:page")
# A FIFO queue read by a worker (no redrive policy, no partial batch response), and a second
# function, untraced like the worker: no-tracing applies to both.
TEMPLATE = sam("""
Orders:
  Type: AWS::SQS::Queue
  Properties: {FifoQueue: true}
Worker:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Events:
      Jobs: {Type: SQS, Properties: {Queue: !GetAtt Orders.Arn}}
Audit: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13,
        Events: {Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}}}}
Archive: {Type: AWS::S3::Bucket}
""")


def edges(marks):
    return {(m.connection.source, m.connection.target, m.connection.kind): m.findings for m in marks.connections}


# Which parts carry findings ------------------------------------------------------------------

def test_trigger_findings_mark_the_connection_that_delivers():
    analysis = analyze(TEMPLATE)
    marks = marks_of(analysis.architecture, analysis.findings)
    assert edges(marks)[("Orders", "Worker", "poll")] == ("missing-dlq", "no-partial-batch-response")
    components = {m.component.id: m.findings for m in marks.components}
    assert components["Orders"] == ("missing-dlq",)
    assert "no-tracing" in components["Worker"] and "no-tracing" in components["Audit"]
    assert "Archive" not in components  # a bucket with no finding is left alone


def test_a_loop_marks_every_connection_around_it():
    analysis = run(function("Worker", "Timeout: 10\nPolicies: [{SNSPublishMessagePolicy: {TopicName: !GetAtt Topic.TopicName}}]\n"
                            "Events:\n  Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, "
                            "FunctionResponseTypes: [ReportBatchItemFailures]}}") + """
Topic: {Type: AWS::SNS::Topic}
Queue: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}}
Dlq: {Type: AWS::SQS::Queue}
Subscription:
  Type: AWS::SNS::Subscription
  Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn,
               RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn}}
Policy: {Type: AWS::SQS::QueuePolicy, Properties: {Queues: [!Ref Queue], PolicyDocument: {Statement: []}}}
""")
    looped = {key for key, findings in edges(marks_of(analysis.architecture, analysis.findings)).items()
              if "loop" in findings}
    assert {(s, t) for s, t, _ in looped} == {("Worker", "Topic"), ("Topic", "Queue"), ("Queue", "Worker")}


def test_a_queue_without_a_policy_marks_what_is_sent_to_it():
    analysis = cloudformation("""
Topic: {Type: AWS::SNS::Topic}
Queue: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}}}
Dlq: {Type: AWS::SQS::Queue}
Subscription:
  Type: AWS::SNS::Subscription
  Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn,
               RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn}}
""")
    marked = edges(marks_of(analysis.architecture, analysis.findings))
    assert [(key[:2], findings) for key, findings in marked.items()] == [(("Topic", "Queue"), ("missing-queue-policy",))]


def test_a_direct_invoke_marks_the_call():
    analysis = run(function("Worker", "Policies: [{LambdaInvokePolicy: {FunctionName: !Ref Other}}]")
                   + "Other: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13, Tracing: Active}}")
    assert edges(marks_of(analysis.architecture, analysis.findings))[("Worker", "Other", "invoke")] == (
        "direct-lambda-invoke",)


# The page -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_findings_are_grouped_by_id_with_their_places(client):
    r = client.post(PAGE, {"template": TEMPLATE})
    assert r.status_code == 200
    low = next(g for g in r.context["report"].groups if g.severity == "low")
    tracing = next(kind for kind in low.kinds if kind.id == "no-tracing")
    lines = TEMPLATE.splitlines()
    assert tracing.title == "Tracing is off"
    assert [(p.resource, p.line) for p in tracing.places] == [
        ("Worker", lines.index("  Worker:") + 1), ("Audit", next(i for i, l in enumerate(lines) if l.startswith("  Audit:")) + 1)]
    html = r.content.decode()
    article = html[html.index('data-finding="no-tracing"'):]
    article = article[:article.index("</article>")]
    assert article.count("<h5>") == 1 and "Tracing is off" in article  # titled once, not per resource
    assert f"Worker, line {tracing.places[0].line}</span>" in article and f"Audit, line {tracing.places[1].line}</span>" in article
    assert "2 places" in article


@needs_graphviz
@pytest.mark.django_db
def test_the_page_draws_the_architecture_with_the_parts_carrying_findings_marked(client):
    html = client.post(PAGE, {"template": TEMPLATE}).content.decode()
    source = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert source, "the architecture is drawn on the page"
    svg = base64.b64decode(source.group(1)).decode()

    def drawn(title):
        start = svg.index(f"<title>{title}</title>")
        return svg[start:svg.index("</g>", start)]
    assert 'stroke="#b00020"' in drawn("Orders").lower() and "⚠ 1 finding" in drawn("Orders")
    assert "#b00020" not in drawn("Archive").lower() and "⚠" not in drawn("Archive")
    assert "#b00020" in drawn("Orders&#45;&gt;Worker").lower() and "⚠ poll" in drawn("Orders&#45;&gt;Worker")
    assert "⚠ has a finding" in svg and "⚠ carries a finding" in svg  # the legend names the marks
    # The same parts as text, for whoever does not see the drawing.
    listed = html[html.index('id="marked-parts"'):]
    listed = listed[:listed.index("</ul>")]
    assert "Orders → Worker</span> (poll): No dead-letter queue or failure destination; One bad record fails" in listed
    assert ">Orders</span> (queue)" in listed and "Archive" not in listed
    assert "outlined in dark red" in html  # the drawing's text alternative says how marks look


@pytest.mark.django_db
@pytest.mark.parametrize("cap, said", [("MAX_DRAWN_COMPONENTS", "components, more than the 3 drawn here"),
                                       ("MAX_DRAWN_CONNECTIONS", "connections, more than the 3 drawn here")])
def test_an_architecture_too_large_to_draw_is_said_so(client, monkeypatch, cap, said):
    monkeypatch.setattr(reading, cap, 3)
    html = client.post(PAGE, {"template": TEMPLATE}).content.decode()
    assert "data:image/svg+xml" not in html
    assert said in html and 'id="marked-parts"' in html


# Start an architecture from this -------------------------------------------------------------

@pytest.mark.django_db
def test_the_start_button_opens_the_questionnaire_prefilled_and_says_what_came_from_the_template(client):
    r = client.post(PAGE, {"template": TEMPLATE})
    start = r.context["report"].start
    assert {(a.key, a.value) for a in start.answers} == {("trigger", "queue"), ("ordering", True)}
    html = r.content.decode()
    section = html[html.index('id="start-architecture"'):]
    assert "Orders is first-in-first-out" in section and "work enters through the queue Orders" in section
    link = re.search(r'<a class="button primary" href="([^"]+)">Start an architecture from this</a>', section)
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith(reverse("analyzer:start"))
    opened = client.get(url, follow=True)
    final, _ = opened.redirect_chain[-1]
    assert final.startswith(reverse("questionnaire:start") + "?")
    assert set(final.split("?")[1].split("#")[0].split("&")) == {"trigger=queue", "ordering=true"}
    page = opened.content.decode()
    assert opened.status_code == 200
    assert "These answers came from the analysed template: What starts one unit of work? A message or job put on a queue" in page
    assert "Must work for the same key be processed in order? Yes" in page
    submission = opened.context["submission"]
    assert (submission.answers["trigger"], submission.answers["ordering"]) == ("queue", True)


@pytest.mark.django_db
@pytest.mark.parametrize("resources, expected", [
    ("""
Api: {Type: AWS::Serverless::HttpApi}
Fn: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13,
     Events: {Get: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /, Method: get}}}}}
""", {"trigger": "http", "api_type": "http"}),
    ("""
Table:
  Type: AWS::DynamoDB::Table
  Properties:
    KeySchema: [{AttributeName: id, KeyType: HASH}]
    AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
    StreamSpecification: {StreamViewType: NEW_IMAGE}
Fn: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13,
     Events: {Changes: {Type: DynamoDB, Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST}}}}}
""", {"trigger": "data_change", "data_store": "dynamodb", "react_to_changes": True}),
    ("""
Bus: {Type: AWS::Events::EventBus, Properties: {Name: orders}}
Billing: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13,
          Events: {Paid: {Type: EventBridgeRule, Properties: {EventBusName: !Ref Bus, Pattern: {source: [shop]}}}}}}
Shipping: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.13,
           Events: {Paid: {Type: EventBridgeRule, Properties: {EventBusName: !Ref Bus, Pattern: {source: [shop]}}}}}}
""", {"trigger": "event", "consumers": 2, "content_routing": True}),
    ("""
Bucket: {Type: AWS::S3::Bucket}
Thumbnailer:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.13
    Policies: [{S3CrudPolicy: {BucketName: !Ref Bucket}}]
    Events:
      Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: 's3:ObjectCreated:*'}}
""", {"trigger": "file_upload", "writes_back_to_source": True}),
    ("Topic: {Type: AWS::SNS::Topic}\n", {"trigger": "event"}),
])
def test_answers_read_from_templates(resources, expected):
    text = sam(resources)
    analysis = run(resources)
    start = start_from(current_engine(), analysis, load_template(text))
    assert {a.key: a.value for a in start.answers} == expected
    assert all(a.source and a.question and a.answer for a in start.answers)


@pytest.mark.django_db
def test_a_hand_edited_start_link_shows_the_questionnaires_own_error(client):
    r = client.get(reverse("analyzer:start"), {"latency_ms": "soon"}, follow=True)
    assert r.status_code == 400 and b"latency" in r.content.lower()


# The API --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_api_gives_the_marked_parts_and_on_request_the_drawing():
    api = APIClient()
    data = api.post(reverse("analyzer:api"), {"template": TEMPLATE}, format="json").json()
    assert "diagram" not in data
    poll = next(e for e in data["marks"]["edges"] if (e["from"], e["to"]) == ("Orders", "Worker"))
    assert poll == {"from": "Orders", "to": "Worker", "kind": "poll",
                    "findings": ["missing-dlq", "no-partial-batch-response"]}
    assert {"id": "Orders", "findings": ["missing-dlq"]} in data["marks"]["components"]
    assert {c["id"] for c in data["marks"]["components"]} <= {c["id"] for c in data["architecture"]["components"]}
    if generator.dot_available():
        drawn = api.post(reverse("analyzer:api") + "?diagram=svg", {"template": TEMPLATE}, format="json").json()
        assert drawn["diagram"].lstrip().startswith("<?xml") and "⚠ has a finding" in drawn["diagram"]
