"""A consumer behind its own queue: the function that takes one consumer's messages in batches.

The bus and the topic both give each consumer a queue of its own; this is the part they share.
"""

from __future__ import annotations

from generator import events
from generator.batching import BatchSizing
from generator.cfn import get_att, ref
from generator.composition import Composition, Workload
from generator.project import QUEUE_BATCHING_WINDOW_S, Function, Project


def compose_queue_consumer(c: Composition, *, pattern: str, queue: str, fn_id: str, sizing: BatchSizing,
                           consumer: str) -> None:
    """The consumer function of `queue`, idempotent, its malformed messages to the queue's DLQ;
    `consumer` is the name the answers give it."""
    c.function(fn_id, group=pattern, timeout=sizing.timeout, idempotent=True, batch_size=sizing.batch_size,
               batch_window_s=QUEUE_BATCHING_WINDOW_S, consumer=consumer)
    c.connect(queue, fn_id, "poll", "batches")
    c.connect(fn_id, f"{queue}Dlq", "failure", "malformed")


def add_queue_consumer(p: Project, *, pattern: str, key: str, queue: str, fn_id: str, event_name: str,
                       description: str, source: str, category: str, dlq_env: str, sizing: BatchSizing,
                       concurrency: int, sample_queue: str) -> None:
    """The consumer function of `queue`: partial batch failures, malformed messages to the queue's
    DLQ, idempotent per consumer (`key`), at most `concurrency` batches at once."""
    p.add_function(Function(
        logical_id=fn_id, folder=key.replace("-", "_"), pattern=pattern,
        template="handlers/sns_subscriber.py.j2", test_template="tests/sns_subscriber.py.j2",
        description=description,
        events={event_name: {"Type": "SQS", "Properties": {
            "Queue": get_att(queue, "Arn"), "BatchSize": sizing.batch_size,
            "MaximumBatchingWindowInSeconds": p.composition.sizing[fn_id].batch_window_s,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": concurrency},
        }}},
        policies=[{"SQSSendMessagePolicy": {"QueueName": get_att(f"{queue}Dlq", "QueueName")}}],
        environment={dlq_env: ref(f"{queue}Dlq"), **sizing.environment},
        context={"dlq_env": dlq_env, "subscriber": key, "source": source},
        sample_event=events.sqs_event([
            {"key": "item-1001", "id": "item-1001", "category": category},
            {"key": "item-1002", "id": "item-1002", "category": category},
        ], sample_queue),
    ))


# Batches one consumer runs at once at most, whatever the peak: beyond this a queue-fronted
# consumer should be split or its downstream scaled, not given more pollers.
MAX_CONSUMER_CONCURRENCY = 50


def shared_downstream_note(w: Workload, consumers: int, who: str) -> str | None:
    """When the answers name the slowest system's capacity, each consumer's cap keeps to it on its
    own: the answers do not say which consumers call that system, so say what to do if several do."""
    capacity = w.answer("downstream_max_rps")
    if capacity is None or consumers < 2:
        return None
    return (f"{who}'s cap keeps that consumer alone within the {capacity:g} requests per second the slowest "
            "system you call takes. If several consumers call that system, lower their `MaximumConcurrency` so "
            "that together they stay within it.")


def consumer_concurrency(w: Workload) -> int:
    """Batches a consumer runs at once: enough for the peak, never more than the downstream takes."""
    from pattern_library.sqs_worker.compose import concurrency  # the worker's sizing rule

    return min(concurrency(w), MAX_CONSUMER_CONCURRENCY)
