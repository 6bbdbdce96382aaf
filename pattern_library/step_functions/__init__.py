"""Step Functions: one task per business step, Retry and Catch on each, optional compensation."""

SLUG = "step-functions"
TITLE = "Step Functions workflow"
SUMMARY = ("A state machine runs the business process one task per step, retries transient "
           "failures with backoff, catches the rest and, where asked, undoes completed steps in "
           "reverse order; every execution is visible step by step.")
BUILD_ORDER = 50
ORDER = 70  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "idempotent"  # without an API, its functions that do each unit of work once store its result
