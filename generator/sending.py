"""What systems outside the stack send to a queue, topic or bus, said in the generated README with
a command that works: the fields the consumers read, the source the rules match, the attribute
the subscriptions filter on.

Consumers act once per key (or job id): two messages with one key are taken for a repeated
delivery, so the example keys name one event, not the item it is about.
"""

from __future__ import annotations

import json
import shlex

from generator.publisher import ROUTING_CATEGORIES

EXAMPLE_KEY = "item-1001-created"
EXAMPLE_JOB = "job-1001"


def _arg(value: str) -> str:
    return shlex.quote(value)


def queue_note(*, fifo: bool) -> str:
    body = json.dumps({"id": EXAMPLE_JOB, "payload": {"customerId": "cus-42"}})
    command = f"aws sqs send-message --queue-url <WorkQueueUrl> --message-body {_arg(body)}"
    if fifo:
        command += f" --message-group-id {EXAMPLE_JOB} --message-deduplication-id {EXAMPLE_JOB}"
    return ("Send each job as a JSON object with a string `id` that names it: the worker does each id once and "
            "takes a second message with the same id for a repeated delivery; a message without one goes "
            f"straight to the DLQ. For example: `{command}`"
            + (" (messages of one `--message-group-id` are processed in order)." if fifo else "."))


def topic_note(*, routing: bool) -> str:
    command = f"aws sns publish --topic-arn <FanoutTopicArn> --message {_arg(json.dumps({'key': EXAMPLE_KEY}))}"
    if routing:
        attributes = {"category": {"DataType": "String", "StringValue": ROUTING_CATEGORIES[0]}}
        command += f" --message-attributes {_arg(json.dumps(attributes))}"
    return ("Publish each notification as a JSON object with a string `key` that names it (not only the item "
            "it is about): every subscriber handles a key once and takes a second message with the same key "
            "for a repeated delivery; a message without one goes to the subscriber's DLQ."
            + (" The `category` message attribute chooses the subscribers." if routing else "")
            + f" For example: `{command}`.")


def bus_note(*, source: str, routing: bool) -> str:
    detail = {"key": EXAMPLE_KEY}
    if routing:
        detail["category"] = ROUTING_CATEGORIES[0]
    entry = {"EventBusName": "<EventBusName>", "Source": source, "DetailType": "ItemCreated",
             "Detail": json.dumps(detail)}
    command = f"aws events put-events --entries {_arg(json.dumps([entry]))}"
    return (f"Rules match events whose `Source` is `{source}`: events sent with any other source reach no "
            "consumer. The `Detail` is a JSON object with a string `key` that names the event (not only the "
            "item it is about): every consumer handles a key once and takes a second event with the same key "
            "for a repeated delivery."
            + (" Its `category` chooses the consumers." if routing else "")
            + f" For example: `{command}`.")
