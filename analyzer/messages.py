"""The text of every finding, in one place: what is wrong, why it matters and what to do.

Each entry is a ``str.format`` template; ``findings`` fills in the logical ids and values.
"""

MESSAGES: dict[str, str] = {
    # missing-dlq
    "queue-no-redrive-read": (
        "Queue {queue} (read by {consumers}) has no redrive policy: a message that always fails is received again "
        "and again until it expires, costing invocations and hiding the error. Add a RedrivePolicy with a "
        "dead-letter queue and a maxReceiveCount of about 5, and alarm on messages arriving in that queue."),
    "queue-no-redrive": (
        "Queue {queue} has no redrive policy: a message its consumer cannot process is received again and again "
        "until it expires. Add a RedrivePolicy with a dead-letter queue and a maxReceiveCount of about 5, and "
        "alarm on messages arriving in that queue."),
    "stream-no-destination": (
        "The {kind} trigger ({label} of {function}) has no on-failure destination: records that keep failing are "
        "dropped without a trace when they age out. Set DestinationConfig.OnFailure to an SQS queue or SNS topic "
        "so failed batches are kept for inspection and replay."),
    "async-no-destination": (
        "Function {function} is invoked asynchronously ({labels}) with no dead-letter queue or on-failure "
        "destination: after Lambda's retries an event that keeps failing is discarded. Add "
        "EventInvokeConfig.DestinationConfig.OnFailure (or a DeadLetterQueue) pointing at an SQS queue, and alarm "
        "on it."),
    "rule-target-no-dlq": (
        "{rule} delivers to {targets} without a dead-letter queue: an event EventBridge cannot deliver (the target "
        "is throttled, missing or not allowed) is dropped after its retries. Give each target a "
        "DeadLetterConfig.Arn pointing at an SQS queue, and alarm on it."),
    "subscription-no-redrive": (
        "Subscription {subscription} ({protocol} from {topic}) has no redrive policy: a message SNS cannot deliver "
        "is dropped after its retries. Add a RedrivePolicy with a deadLetterTargetArn pointing at an SQS queue, "
        "and alarm on it."),
    "inline-subscription-no-redrive": (
        "Topic {topic} declares its subscriptions inline ({protocols}), where no redrive policy can be set: a "
        "message SNS cannot deliver is dropped after its retries. Declare each as an AWS::SNS::Subscription with "
        "a RedrivePolicy pointing at an SQS queue."),
    "visibility-timeout-too-short": (
        "Queue {queue} hides a received message for {shown}, but {function} may run for {timeout} s: a slow or "
        "retried batch becomes visible again while it is still being processed and is handled twice. Set "
        "VisibilityTimeout to at least {need} s ({factor} x the function timeout{gathered})."),
    # no-tracing
    "no-tracing": (
        "Function {function} does not have active X-Ray tracing, so a request cannot be followed across the "
        "services it touches. Set Tracing: Active (or Globals.Function.Tracing)."),
    # the first checks
    "no-partial-batch-response": (
        "The {label} of {function} does not report partial batch failures: one bad record makes the whole batch "
        "fail, so {what} that succeeded are processed again. Add FunctionResponseTypes: [ReportBatchItemFailures] "
        "and return the failed item ids in batchItemFailures."),
    "recursive-s3-prefix": (
        "Function {function} is triggered by objects under {prefix} in bucket {bucket} and may write under that "
        "prefix too, which would trigger it again. Limit its write permission to an output prefix that does not "
        "overlap the input one, or write to another bucket."),
    "recursive-s3-suffix": (
        "Function {function} is triggered by bucket {bucket}, which it may also write to, and the event is "
        "filtered only by the suffix {suffix}: one output ending the same way starts a loop. Filter on an input "
        "prefix and write results under another prefix or to another bucket."),
    "recursive-s3-bucket": (
        "Function {function} runs on every new object in bucket {bucket} and is allowed to write to that same "
        "bucket: each object it writes triggers it again. Filter the event to an input prefix (uploads/) and write "
        "results under another prefix or to another bucket."),
    "stream-writes-same-table": (
        "Function {function} reacts to the stream of table {table} and is allowed to write to that table: each "
        "write it makes lands on the stream and invokes it again. Write somewhere else, or guard the write with a "
        "condition (a processed flag or version) and add FilterCriteria so the function's own changes are skipped."),
    "direct-lambda-invoke": (
        "Function {function} is allowed to invoke {targets} directly: the caller waits (and pays) while the other "
        "runs, retries multiply, and failures are hard to follow. Hand the work over through SQS, SNS or "
        "EventBridge, or model the steps in Step Functions."),
    "rds-without-proxy": (
        "Function {function} opens connections to a relational database without RDS Proxy: every concurrent "
        "execution holds its own connection, and a traffic spike can use up the database's connection limit. "
        "Connect through an RDS Proxy endpoint and open the connection once per execution environment, outside "
        "the handler."),
    "unbounded-concurrency": (
        "Function {function} writes to a relational database but nothing limits how many copies run at once: "
        "Lambda can scale to hundreds of executions and overload the database. Set ReservedConcurrentExecutions "
        "(or ScalingConfig.MaximumConcurrency on its SQS trigger) to what the database can serve."),
    "api-timeout-exceeds-gateway": (
        "Function {function} may run for {timeout} s, but the API in front of it stops waiting after {limit} s: "
        "callers get a 504 while the work goes on. Keep the request path under the limit, or accept the request, "
        "queue the work and let the client poll or be notified."),
    "unbounded-retry": (
        "The {kind} stream trigger ({label} of {function}) retries a failing batch until its records expire, "
        "which blocks the shard behind it for up to the retention period. Set MaximumRetryAttempts (and "
        "BisectBatchOnFunctionError) so a bad record is set aside quickly."),
    # function settings
    "default-timeout": (
        "Function {function} sets no Timeout, so it gets Lambda's default of 3 seconds: a slow dependency makes it "
        "fail where a little longer would do, and the value says nothing about what the code needs. Set Timeout "
        "to what the work takes (or Globals.Function.Timeout)."),
    "default-memory": (
        "Function {function} sets no MemorySize, so it gets Lambda's default of 128 MB, and the CPU that comes with "
        "it. Measure and set MemorySize (or Globals.Function.MemorySize): more memory often costs less by "
        "finishing sooner."),
    "deprecated-runtime": (
        "Function {function} runs on {runtime}, which Lambda deprecated on {since}: it gets no more security "
        "patches, and creating or updating functions on it is blocked later. Move to a supported runtime."),
    "no-log-retention": (
        "Function {function} has no log group with a retention period, so its logs are kept, and paid for, "
        "forever. Declare its log group (/aws/lambda/<name>, or one named in LoggingConfig.LogGroup) with "
        "RetentionInDays."),
    "wildcard-iam-action": (
        "Function {function} is allowed {actions}: every action of a service, including ones it never needs, such "
        "as deleting data. List the actions the code calls instead."),
    "public-function-url": (
        "The function URL of {function} has AuthType NONE: anyone on the internet who finds it can invoke the "
        "function, and pay for it with your account. Use AuthType AWS_IAM, or put an API with authorisation and "
        "throttling in front."),
    # APIs
    "api-access-logs-off": (
        "API {api} writes no access logs, so who called what, and with which result, cannot be looked up after "
        "the fact. Set AccessLogSetting (REST) or AccessLogSettings (HTTP) with a log group destination."),
    "api-throttling-default": (
        "API {api} sets no throttling of its own, so one client can use the whole account's request quota and "
        "every function behind it scales with that client. Set ThrottlingRateLimit and ThrottlingBurstLimit "
        "(MethodSettings on REST, DefaultRouteSettings on HTTP)."),
    # queues
    "missing-queue-policy": (
        "Queue {queue} receives from {senders}, but no queue policy in the template lets them send to it: SNS and "
        "EventBridge cannot deliver, and the messages are lost. Add an AWS::SQS::QueuePolicy allowing "
        "sqs:SendMessage to the service principal, limited with aws:SourceArn to the topic or rule."),
    "fifo-dlq": (
        "FIFO queue {queue} sends failed messages to {dlq}, a standard queue: the dead-letter queue of a FIFO queue "
        "must be a FIFO queue too, and the stack fails to deploy. Make {dlq} a FIFO queue."),
    "fifo-batch": (
        "The {label} reads FIFO queue {queue} in batches of {size}, but a FIFO queue gives Lambda at most {most} "
        "messages at a time. Set BatchSize to {most} or less."),
    "fifo-topic": (
        "Subscription {subscription} takes messages from FIFO topic {topic}, which delivers only to FIFO SQS "
        "queues: the subscription cannot be created. Subscribe a FIFO queue and read it from there."),
    # loop
    "loop": (
        "What {function} sends comes back to it: {members} hand work to each other in a circle, so one message can "
        "run around it without end, multiplying invocations and cost. Break the circle: write results somewhere "
        "that does not trigger the same path, or filter out what the function itself produced."),
    "loop-bus": (
        "{function} puts events on a bus whose rules deliver events back to it ({members}): unless the rules' "
        "patterns leave out the events it puts, one event runs around without end. Give its own events a source "
        "or detail-type the rules do not match."),
}


def message(key: str, **values: object) -> str:
    return MESSAGES[key].format(**values)
