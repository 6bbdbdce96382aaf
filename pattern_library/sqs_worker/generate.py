"""Generator part of sqs-worker: its resources and functions in the SAM template."""

from __future__ import annotations

from generator import events
from generator.cfn import get_att, ref
from generator.batching import queue_batch_sizing
from generator.project import MAX_RECEIVE_COUNT, Function, Project
from generator.sending import queue_note

from . import SLUG
from .compose import FUNCTION, QUEUE, concurrency


def resources(p: Project) -> None:
    if QUEUE not in p.composition:
        return
    fifo = bool(p.answer("ordering"))
    p.add_queue(QUEUE, group=SLUG, label="Work queue", consumer_timeout=p.timeout(FUNCTION), fifo=fifo)
    p.expose("WORK_QUEUE_URL", ref(QUEUE), {"kind": "queue", "name": "work-queue", "fifo": fifo})
    p.expose("WORK_QUEUE_DLQ_URL", ref(f"{QUEUE}Dlq"), {"kind": "queue", "name": "work-queue-dlq", "fifo": fifo})
    p.add_output("WorkQueueUrl", "Send jobs here", ref(QUEUE))


def functions(p: Project) -> None:
    if QUEUE not in p.composition:
        p.note(SLUG, "Events reach each consumer through a queue of its own, so those queues are the work "
                     "queues: partial batch failures, a DLQ and a concurrency cap apply to each of them.")
        return
    fifo = bool(p.answer("ordering"))
    sizing = queue_batch_sizing(p)
    timeout = p.timeout(FUNCTION)
    max_concurrency = concurrency(p)
    event = {"Queue": get_att(QUEUE, "Arn"), "BatchSize": sizing.batch_size,
             "FunctionResponseTypes": ["ReportBatchItemFailures"],
             "ScalingConfig": {"MaximumConcurrency": max_concurrency}}
    window = p.composition.sizing[FUNCTION].batch_window_s
    if window:
        event["MaximumBatchingWindowInSeconds"] = window
    sample = events.sqs_event([
        {"id": "job-1001", "category": "standard", "payload": {"customerId": "cus-42", "amount": 120.5}},
        {"id": "job-1002", "category": "standard", "payload": {"customerId": "cus-7", "amount": 18}},
    ], "work-queue", fifo=fifo)
    p.add_function(Function(
        logical_id=FUNCTION, folder="worker", pattern=SLUG,
        template="handlers/sqs_worker.py.j2", test_template="tests/sqs_worker.py.j2",
        description="Processes jobs from the work queue with partial batch failures",
        events={"WorkQueue": {"Type": "SQS", "Properties": event}},
        policies=[{"SQSSendMessagePolicy": {"QueueName": get_att(f"{QUEUE}Dlq", "QueueName")}}],
        environment={"WORK_QUEUE_DLQ_URL": ref(f"{QUEUE}Dlq"), **sizing.environment},
        context={"fifo": fifo, "dlq_env": "WORK_QUEUE_DLQ_URL", "max_receive": MAX_RECEIVE_COUNT},
        sample_event=sample,
    ))
    p.note(SLUG, f"The worker runs at most {max_concurrency} batches at once (event source "
                 "`MaximumConcurrency`), which protects whatever it calls"
                 + (f" (downstream limit: {p.answer('downstream_max_rps')} requests/s)."
                    if p.answer("downstream_max_rps") is not None else "."))
    p.note(SLUG, sizing.note("The worker"))
    p.note(SLUG, f"Queue visibility timeout is {p.visibility_factor():g} x the worker timeout ({timeout} s), so a message is not "
                 "handed to a second worker while the first still processes it.")
    if fifo:
        p.note(SLUG, "Ordering was required, so the queue is FIFO: messages with the same key "
                     "(`MessageGroupId`) are processed one at a time, in order.")
    p.note(SLUG, queue_note(fifo=fifo))
