"""One module per pattern, all with the same shape:

    SLUG, TITLE, SUMMARY, BUILD_ORDER
    resources(project)  -> the pattern's own resources and the hubs it offers others
    functions(project)  -> its functions: handler and test templates, events, policies,
                           diagram edges, README notes

To add a pattern, copy a neighbour and register it here.
"""

from generator.patterns import (
    api_gateway_lambda,
    chaining,
    dynamodb_streams,
    eventbridge,
    orchestrator,
    rds,
    s3_processing,
    sns_fanout,
    sqs_worker,
    step_functions,
)

MODULES = {
    module.SLUG: module
    for module in (
        api_gateway_lambda,
        sqs_worker,
        sns_fanout,
        eventbridge,
        s3_processing,
        dynamodb_streams,
        step_functions,
        orchestrator,
        chaining,
        rds,
    )
}
