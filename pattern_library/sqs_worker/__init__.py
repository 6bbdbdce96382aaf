"""SQS worker: a queue buffers work, a Lambda consumer processes it in batches."""

SLUG = "sqs-worker"
TITLE = "SQS worker"
SUMMARY = ("Producers put jobs on an SQS queue; a Lambda worker takes them in batches, reports "
           "failures per message, and a dead-letter queue keeps what cannot be processed.")
BUILD_ORDER = 20
ORDER = 20  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "polled"  # without an API, its functions that take from a queue store what they handled
LIMITS = ("lambda-sqs-min-concurrency", "lambda-sqs-max-concurrency")  # the limit rows its parts read
