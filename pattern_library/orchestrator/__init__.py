"""Orchestrator: one function calls several services in parallel and combines the answers."""

SLUG = "orchestrator"
TITLE = "Lambda orchestrator"
SUMMARY = ("One function calls several backend services in parallel, each with a timeout, and "
           "returns what arrived in time, marking the response partial when a source was left out. It "
           "sits behind the API when requests come over HTTP; otherwise its callers invoke it directly.")
BUILD_ORDER = 65
ORDER = 80  # place in every list of patterns
SERVES_API = True  # its function answers requests through API Gateway when the workload has an API
