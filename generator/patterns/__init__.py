from generator.patterns import sqs_worker
MODULES = {m.SLUG: m for m in (sqs_worker,)}
