"""S3 processing: uploads under one prefix trigger a function that writes results elsewhere."""

SLUG = "s3-processing"
TITLE = "S3 file processing"
SUMMARY = ("An upload under the input prefix triggers a Lambda function through an S3 event "
           "notification; the function writes its result under a different prefix or bucket, so "
           "its own output never triggers it again.")
BUILD_ORDER = 30
ORDER = 50  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "idempotent"  # without an API, its functions that do each unit of work once store its result
