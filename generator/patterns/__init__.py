from generator.patterns import sqs_worker, api_gateway_lambda, s3_processing, dynamodb_streams
MODULES = {m.SLUG: m for m in (api_gateway_lambda, sqs_worker,s3_processing,dynamodb_streams)}
