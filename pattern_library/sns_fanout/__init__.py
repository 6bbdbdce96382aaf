"""SNS fan-out: one topic, one SQS queue and function per independent subscriber."""

SLUG = "sns-fanout"
TITLE = "SNS fan-out"
SUMMARY = ("A message published once to an SNS topic is copied to one SQS queue per subscriber; "
           "each subscriber processes its queue at its own pace, with its own retries and DLQ.")
BUILD_ORDER = 85
ORDER = 30  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "polled"  # without an API, its functions that take from a queue store what they handled
