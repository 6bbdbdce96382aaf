"""API Gateway + Lambda: an HTTP API (or a REST API, when selected) in front of a request/response function."""

SLUG = "api-gateway-lambda"
TITLE = "API Gateway + Lambda"
SUMMARY = ("An API Gateway API receives requests and invokes a Lambda function that validates them and "
           "answers within the gateway's timeout; slow work is handed to an asynchronous service.")
BUILD_ORDER = 10
ORDER = 10  # place in every list of patterns
SERVES_API = True  # its functions answer requests through API Gateway
LIMITS = ("sync-payload",)  # the limit rows its parts read
