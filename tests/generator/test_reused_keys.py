"""An id reused for different work is refused, not answered with the first work's result: the API
says 409 and hands nothing on; the worker sets the message aside with the reason at once.

An id is the idempotency key: a repeat with the same content is a retry and gets the first
answer; different content under the same id is another request, and silently dropping it (while
answering "accepted") would lose it without anyone knowing.
"""

import textwrap

import pytest

from gencheck import generate, run_scenario

pytestmark = pytest.mark.slow


def passes(files, tmp_path, scenario):
    result = run_scenario(files, tmp_path, textwrap.dedent(scenario))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


API = '''
    import json


    def test_an_id_sent_again_with_other_content_is_refused(load_handler, aws, lambda_context, sample_event):
        app = load_handler("api")

        def post(body):
            event = sample_event("api")
            event["body"] = json.dumps(body)
            return app.lambda_handler(event, lambda_context)

        first = post({"id": "order-7", "quantity": 1})
        assert first["statusCode"] == 202
        # A retry (same content, keys in another order) gets the first answer.
        assert post({"quantity": 1, "id": "order-7"})["body"] == first["body"]
        changed = post({"id": "order-7", "quantity": 5})
        assert changed["statusCode"] == 409
        assert "order-7" in json.loads(changed["body"])["message"]
        assert [m["quantity"] for m in aws.forwarded(OUTPUT)] == [1]
'''


@pytest.mark.parametrize("patterns,output,api", [
    (["api-gateway-lambda", "sqs-worker"], "WORK_QUEUE_URL", "http"),
    (["api-gateway-lambda", "step-functions"], "STATE_MACHINE_ARN", "rest"),
])
def test_the_api_refuses_an_id_reused_for_other_content(tmp_path, patterns, output, api):
    files = generate(patterns, name="orders", client_waits=False, options={"api": api})
    passes(files, tmp_path, f"OUTPUT = {output!r}\n" + textwrap.dedent(API))


WORKER = '''
    import json


    def test_a_job_id_reused_for_other_content_goes_to_the_dlq_with_the_reason(load_handler, aws, lambda_context,
                                                                              sample_event, monkeypatch):
        app = load_handler("worker")
        done = []
        real = app.perform
        monkeypatch.setattr(app, "perform", lambda job: done.append(job) or real(job))
        event = sample_event("worker")
        first = event["Records"][0]
        first["body"] = json.dumps({"id": "job-7", "payload": {"amount": 10}})
        assert app.lambda_handler(event, lambda_context) == {"batchItemFailures": []}
        # The same job delivered again is done once.
        assert app.lambda_handler(event, lambda_context) == {"batchItemFailures": []}
        assert [job["id"] for job in done].count("job-7") == 1
        first["body"] = json.dumps({"id": "job-7", "payload": {"amount": 99}})
        # Not retried: the same message would fail the same way five times over.
        assert app.lambda_handler(event, lambda_context) == {"batchItemFailures": []}
        assert [job["id"] for job in done].count("job-7") == 1
        [set_aside] = aws.messages("WORK_QUEUE_DLQ_URL")
        assert json.loads(set_aside["Body"])["payload"] == {"amount": 99}
        assert "job-7" in set_aside["MessageAttributes"]["failure_reason"]["StringValue"]
'''


@pytest.mark.parametrize("ordering", [False, True])
def test_the_worker_sets_aside_a_job_id_reused_for_other_content(tmp_path, ordering):
    files = generate(["sqs-worker"], name="jobs", trigger="queue", ordering=ordering)
    passes(files, tmp_path, WORKER)
