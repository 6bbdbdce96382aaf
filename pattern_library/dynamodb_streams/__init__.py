"""DynamoDB Streams: a function reacts to item changes, with a loop guard."""

SLUG = "dynamodb-streams"
TITLE = "DynamoDB Streams"
SUMMARY = ("Item changes in the data table flow through its stream to a Lambda function, which keeps "
           "a read-optimised view current; failed batches are split, retried a bounded number of "
           "times and then recorded in an on-failure queue.")
BUILD_ORDER = 40
ORDER = 60  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "idempotent"  # without an API, its functions that do each unit of work once store its result
LIMITS = ("lambda-dynamodb-default-batch",)  # the limit rows its parts read
