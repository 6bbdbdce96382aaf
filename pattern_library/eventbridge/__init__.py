"""EventBridge: a custom bus, rules with event patterns, one queue and function per named consumer."""

SLUG = "eventbridge"
TITLE = "EventBridge"
SUMMARY = ("Functions publish domain events to a custom event bus; rules match them by event "
           "pattern and deliver each to its consumer's own queue, with retries and a dead-letter queue per consumer.")
BUILD_ORDER = 80
ORDER = 40  # place in every list of patterns
SERVES_API = False  # its functions answer requests through API Gateway
STORES = "polled"  # without an API, its functions that take from a queue store what they handled
