"""Kinesis Data Streams: a function reads ordered batches of records, shard by shard."""

SLUG = "kinesis-stream"
TITLE = "Kinesis Data Streams"
SUMMARY = ("Producers put records on a Kinesis data stream, sized in shards for the peak rate; a Lambda "
           "function reads each shard in ordered batches, reports only the records that failed, and after "
           "a bounded number of retries describes what it could not process in an on-failure queue.")
BUILD_ORDER = 45
ORDER = 65  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "idempotent"  # without an API, its functions that do each unit of work once store its result
# The limit rows its sizing reads (its own catalogue.yaml holds the Kinesis ones).
LIMITS = ("kinesis-shard-write-records", "kinesis-shard-write-kb", "kinesis-shard-quota", "kinesis-max-retention",
          "kinesis-put-payload-unit", "lambda-kinesis-default-batch", "lambda-stream-max-parallelization")
