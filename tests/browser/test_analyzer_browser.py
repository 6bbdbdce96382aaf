"""The analyzer in a real browser: a pasted template's architecture is drawn with its marked
parts, and "Start an architecture from this" opens the questionnaire on the template's answers."""

import re

import pytest

import generator

# A FIFO queue read by a worker without a dead-letter queue, and a bucket with no finding.
TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
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
  Archive: {Type: AWS::S3::Bucket}
"""

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")]


def test_a_template_is_drawn_and_starts_an_architecture(page, live_server, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/analyze/")
    page.fill("textarea[name=template]", TEMPLATE)
    page.click("button:has-text('Analyze')")
    drawing = page.locator("#analysis-diagram img")
    drawing.wait_for()
    assert page.evaluate("document.querySelector('#analysis-diagram img').naturalWidth") > 200
    assert "Orders → Worker" in page.inner_text("#marked-parts")
    page.locator("#report").scroll_into_view_if_needed()
    screenshot(page, "analyzer-report", full_page=True)
    page.click("a.button:has-text('Start an architecture from this')")
    page.wait_for_url(re.compile(r"/questionnaire/\?trigger=queue"))
    assert "These answers came from the analysed template" in page.inner_text(".messages")
    assert page.is_checked("input[name=trigger][value=queue]")
