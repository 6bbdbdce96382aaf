"""Generator part of chaining: its resources and functions in the SAM template."""

from __future__ import annotations

from generator import events
from generator.cfn import get_att, ref
from generator.batching import queue_batch_sizing
from generator.project import Function, Project

from . import SLUG
from .compose import DLQ, FIRST, QUEUE, SCHEDULE, SECOND


def resources(p: Project) -> None:
    p.add_dlq(DLQ, group=SLUG, label="Chain failures")
    if QUEUE in p.composition:
        p.add_queue(QUEUE, group=SLUG, label="Hand-off queue", consumer_timeout=p.timeout(SECOND))
        p.expose("HANDOFF_QUEUE_URL", ref(QUEUE), {"kind": "queue", "name": "handoff"})


def functions(p: Project) -> None:
    how = "queue" if QUEUE in p.composition else "destination"
    scheduled = SCHEDULE in p.composition
    context = {"mode": how, "scheduled": scheduled}
    request = {"id": "item-1001", "category": "standard", "payload": {"customerId": "cus-42"}}
    prepared = {"id": "item-1001", "category": "standard", "payload": {"customerId": "cus-42"}, "stage": "prepared"}
    first_events = {}
    first_sample = events.scheduled_event() if scheduled else request
    if scheduled:
        # The function gets EventBridge's own event: its `time` names the run (see the handler).
        first_events["Schedule"] = {"Type": "Schedule", "Properties": {
            "Schedule": "rate(5 minutes)",
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": get_att(DLQ, "Arn")},
        }}
        p.allow_service_to_send(DLQ, "events.amazonaws.com", get_att(SCHEDULE, "Arn"))
    if how == "destination":
        first_config = p.function_event_invoke_config(
            DLQ, on_success={"Type": "Lambda", "Destination": get_att(SECOND, "Arn")})
        first = Function(logical_id=FIRST, folder="first_stage", pattern=SLUG,
                         template="handlers/chain_first.py.j2", test_template="tests/chain_first.py.j2",
                         description="First stage: prepares the work; its result goes to the second stage",
                         events=first_events, properties={"EventInvokeConfig": first_config},
                         context=context, sample_event=first_sample)
        second = Function(logical_id=SECOND, folder="second_stage", pattern=SLUG,
                          template="handlers/chain_second.py.j2", test_template="tests/chain_second.py.j2",
                          description="Second stage: completes the prepared work",
                          properties={"EventInvokeConfig": p.function_event_invoke_config(DLQ)},
                          context=context, sample_event=events.destination_event("first-stage", request, prepared))
        p.add_function(first)
        p.add_function(second)
        p.note(SLUG, "Lambda destinations link the stages: the first returns its result and Lambda invokes the "
                     "second asynchronously with it. Neither function holds the other's name in code, retries are "
                     "Lambda's (two per stage), failures land in `ChainDlq` (alarmed) and X-Ray shows both "
                     "stages in one trace. A queue was not needed because the answers name no slow or "
                     "unreliable downstream.")
    else:
        sizing = queue_batch_sizing(p)
        first = Function(logical_id=FIRST, folder="first_stage", pattern=SLUG,
                         template="handlers/chain_first.py.j2", test_template="tests/chain_first.py.j2",
                         description="First stage: prepares the work and queues it for the second stage",
                         events=first_events,
                         policies=[{"SQSSendMessagePolicy": {"QueueName": get_att(QUEUE, "QueueName")}}],
                         environment={"HANDOFF_QUEUE_URL": ref(QUEUE)},
                         properties={"EventInvokeConfig": p.function_event_invoke_config(DLQ)},
                         context=context, sample_event=first_sample)
        second = Function(logical_id=SECOND, folder="second_stage", pattern=SLUG,
                          template="handlers/chain_second.py.j2", test_template="tests/chain_second.py.j2",
                          description="Second stage: completes queued work at a bounded concurrency",
                          environment=sizing.environment,
                          events={"Handoff": {"Type": "SQS", "Properties": {
                              "Queue": get_att(QUEUE, "Arn"), "BatchSize": sizing.batch_size,
                              "FunctionResponseTypes": ["ReportBatchItemFailures"],
                              "ScalingConfig": {"MaximumConcurrency": 5}}}},
                          context=context, sample_event=events.sqs_event([prepared], "handoff"))
        p.add_function(first)
        p.add_function(second)
        p.note(SLUG, "An SQS queue links the stages because the answers mention a slow, limited or unreliable "
                     "downstream (or ordering): the queue absorbs bursts, the second stage runs at most 5 "
                     "batches at a time, and messages that keep failing move to the queue's DLQ.")
        p.note(SLUG, sizing.note("The second stage"))
    p.note(SLUG, "Direct Lambda-to-Lambda calls are avoided on purpose: they hide the flow, double the cost "
                 "while the caller waits and make retries hard to reason about.")
