"""Chaining, done the recommended way: Lambda destinations or a queue between the functions."""

SLUG = "chaining"
TITLE = "Function chaining"
SUMMARY = ("Two functions run one after the other without either calling the other directly: the "
           "hand-off is done by AWS (Lambda destinations or an SQS queue), so retries, failures and "
           "tracing stay visible.")
BUILD_ORDER = 60
ORDER = 90  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "idempotent"  # without an API, its functions that do each unit of work once store its result
