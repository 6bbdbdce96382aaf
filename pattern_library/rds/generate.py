"""Generator part of rds: its resources and functions in the SAM template."""

from __future__ import annotations

from generator.cfn import ref
from generator.project import Function, Project, clamp

from . import SLUG
from .compose import FUNCTION, QUEUE, RESERVED, STREAM, writers

SCHEMA = """\
-- Table {users}; apply once with psql before the first deploy.
CREATE TABLE IF NOT EXISTS records (
    id         text PRIMARY KEY,
    data       jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""


def reserved_concurrency(p: Project) -> int:
    """Half the database's connections at most, leaving room for other clients and admin."""
    return clamp(int(p.answer("db_max_connections")) // 2, 1, 200)


def writer_share(p: Project) -> int:
    """The connections each function that writes without an API may hold: the budget split evenly."""
    return max(1, reserved_concurrency(p) // max(1, len(writers(p.composition))))


def suggested_reservation(p: Project) -> int:
    return reserved_concurrency(p) if FUNCTION in p.composition else writer_share(p)


# Why the reservation is a parameter left at 0, in every note that suggests a value for it.
RESERVATION_OFF_BY_DEFAULT = (
    "It is 0 (no reservation) by default because reserving fails in accounts whose Lambda concurrency "
    "quota is low (new accounts start at 10, and Lambda keeps 100 unreserved): check the quota with "
    "`aws lambda get-account-settings` and set it once the quota allows.")
RESERVATION = {"Fn::If": ["DbConcurrencyReserved", ref("DbReservedConcurrency"), ref("AWS::NoValue")]}


def resources(p: Project) -> None:
    serves_api = FUNCTION in p.composition
    if serves_api:
        p.api()
    p.add_parameter("DbProxyEndpoint", {"Type": "String", "MinLength": 1,
                                        "Description": "RDS Proxy endpoint host name"})
    p.add_parameter("DbName", {"Type": "String", "Default": "app", "AllowedPattern": "[A-Za-z_][A-Za-z0-9_]*",
                               "Description": "Database name"})
    p.add_parameter("DbSecretArn", {"Type": "String", "AllowedPattern": "arn:aws[a-z-]*:secretsmanager:.+",
                                    "Description": "Secrets Manager secret with username and password "
                                                   "(the one RDS Proxy uses)"})
    p.add_parameter("DbSubnetIds", {"Type": "List<AWS::EC2::Subnet::Id>",
                                    "Description": "Private subnets that can reach the proxy"})
    p.add_parameter("DbSecurityGroupIds", {"Type": "List<AWS::EC2::SecurityGroup::Id>",
                                           "Description": "Security groups allowed by the proxy's security group"})
    if serves_api or RESERVED in writers(p.composition).values():
        # Off until the deployer sets it (RESERVATION_OFF_BY_DEFAULT says why). Queue
        # consumers are capped by their event source's MaximumConcurrency instead, stream readers
        # by their shards and parallelization factor.
        p.add_parameter("DbReservedConcurrency", {
            "Type": "Number", "Default": 0, "MinValue": 0, "MaxValue": int(p.limit("lambda-concurrency")),
            "Description": f"Concurrent executions reserved for each function that opens connections without "
                           f"a queue or stream to bound it, which caps its connections to the proxy; 0 reserves "
                           f"none (suggested: {suggested_reservation(p)})",
        })
        p.conditions["DbConcurrencyReserved"] = {"Fn::Not": [{"Fn::Equals": [ref("DbReservedConcurrency"), 0]}]}
    p.expose("DB_SECRET_ARN", ref("DbSecretArn"), {"kind": "secret", "name": "db-credentials",
                                                   "value": {"username": "app", "password": "test-password"}})
    stores = list(writers(p.composition))
    users = ("used by src/database/app.py" if serves_api
             else f"in which {', '.join(stores)} "
                  + ("stores what it handles" if len(stores) == 1 else "store what they handle"))
    p.extra_files["db/schema.sql"] = SCHEMA.format(users=users)


def database_settings() -> tuple[dict, dict, dict]:
    """Environment, VPC configuration and the secret policy of a function that uses the database."""
    environment = {"DB_PROXY_ENDPOINT": ref("DbProxyEndpoint"), "DB_NAME": ref("DbName"),
                   "DB_SECRET_ARN": ref("DbSecretArn"), "DB_PORT": "5432"}
    vpc = {"SubnetIds": ref("DbSubnetIds"), "SecurityGroupIds": ref("DbSecurityGroupIds")}
    policy = {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": ref("DbSecretArn")}}
    return environment, vpc, policy


def functions(p: Project) -> None:
    if FUNCTION not in p.composition:
        consumers_write(p)
        return
    timeout = p.timeout(FUNCTION)
    reserved = reserved_concurrency(p)
    body = {"customerId": "cus-42", "plan": "standard"}
    p.add_function(Function(
        logical_id=FUNCTION, folder="database", pattern=SLUG,
        template="handlers/rds.py.j2", test_template="tests/rds.py.j2",
        description="Reads and writes records in PostgreSQL through RDS Proxy",
        events={"GetRecord": p.api_event("/records/{record_id}", "GET", timeout),
                "PutRecord": p.api_event("/records/{record_id}", "PUT", timeout)},
        policies=[{"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": ref("DbSecretArn")}}],
        environment={"DB_PROXY_ENDPOINT": ref("DbProxyEndpoint"), "DB_NAME": ref("DbName"),
                     "DB_SECRET_ARN": ref("DbSecretArn"), "DB_PORT": "5432"},
        properties={"VpcConfig": {"SubnetIds": ref("DbSubnetIds"), "SecurityGroupIds": ref("DbSecurityGroupIds")},
                    "ReservedConcurrentExecutions": RESERVATION},
        context={"reserved": reserved},
        requirements=("pg8000>=1.31,<2",),
        sample_event=p.api_sample_event("PUT", "/records/rec-1001", route="/records/{record_id}",
                                           body=body, path_parameters={"record_id": "rec-1001"}),
        test_settings={"DB_PROXY_ENDPOINT": "proxy.example.internal", "DB_NAME": "app"},
    ))
    p.note(SLUG, f"Set the `DbReservedConcurrency` parameter to {reserved} (half of the "
                 f"{p.answer('db_max_connections')} database connections the answers allow) so that at most that "
                 "many connections reach the proxy and excess requests are throttled (alarmed) instead of "
                 "overloading PostgreSQL. " + RESERVATION_OFF_BY_DEFAULT + " Without it, RDS Proxy still pools "
                 "connections, but a burst can reach the proxy's connection limit.")
    iam_authentication_note(p, "The function signs")
    p.note(SLUG, "The function runs in your VPC (`DbSubnetIds`, `DbSecurityGroupIds`). It needs a route to "
                 "Secrets Manager (an interface VPC endpoint or a NAT gateway). Create the table with "
                 "`db/schema.sql`. For write-heavy bursts put an SQS queue in front and keep the consumer's "
                 "maximum concurrency at or below the reserved concurrency.")


def iam_authentication_note(p: Project, who: str) -> None:
    """How the functions can sign in to the proxy with IAM instead of the secret's password."""
    p.note(SLUG, f"{who} in with the username and password from `DbSecretArn`, as the proxy "
                 "does. To sign in without a password, turn on IAM authentication on the proxy "
                 "(`IAMAuth: REQUIRED` on its auth entry), allow each function `rds-db:connect` on "
                 "`arn:aws:rds-db:<region>:<account>:dbuser:<proxy resource id>/<user>`, and have "
                 "`open_connection` pass a token from `boto3.client(\"rds\").generate_db_auth_token(...)` as "
                 "the password; the proxy keeps using the secret towards PostgreSQL.")


def stream_shards(p: Project, event: dict) -> int | None:
    """The shards of the Kinesis stream an event source reads; None when they follow a table's partitions."""
    target = event.get("Properties", {}).get("Stream", {}).get("Fn::GetAtt", [None])[0]
    shards = p.resources.get(target, {}).get("Properties", {}).get("ShardCount")
    return shards if isinstance(shards, int) else None


def consumers_write(p: Project) -> None:
    """Without an API, each function doing the work stores what it handled, sharing the connection
    budget: a queue reader through its queue's maximum concurrency, a stream reader through its
    shards × parallelization factor, any other through its reserved concurrency."""
    bounds = writers(p.composition)
    chosen = [fn for fn in p.functions if fn.logical_id in bounds]
    share = writer_share(p)
    environment, vpc, policy = database_settings()
    held = []  # what each writer holds at most, in words, for the README
    for fn in chosen:
        props = p.resources[fn.logical_id]["Properties"]
        props.setdefault("Environment", {"Variables": {}})["Variables"].update(environment)
        props["Environment"]["Variables"] = dict(sorted(props["Environment"]["Variables"].items()))
        props.setdefault("Policies", []).append(policy)
        props["VpcConfig"] = vpc
        bound = bounds[fn.logical_id]
        for event in props.get("Events", {}).values():
            settings = event.get("Properties", {})
            scaling = settings.get("ScalingConfig")
            if bound == QUEUE and scaling:
                scaling["MaximumConcurrency"] = max(2, min(scaling["MaximumConcurrency"], share))
                held.append(f"`{fn.logical_id}` {scaling['MaximumConcurrency']} batches at once (its queue's "
                            "maximum concurrency)")
            elif bound == STREAM:
                shards = stream_shards(p, event)
                factor = max(1, min(int(settings.get("ParallelizationFactor", 1)), share // (shards or 1)))
                settings["ParallelizationFactor"] = factor
                held.append(f"`{fn.logical_id}` {shards} shard(s) × {factor} batch(es) per shard" if shards else
                            f"`{fn.logical_id}` one batch per shard of the table's stream (a shard per partition)")
                if shards and shards > share:
                    p.note(SLUG, f"`{fn.logical_id}` reads {shards} shards, more shards than the {share} connections "
                                 "it may hold: each shard runs one batch at a time, so up to that many connections "
                                 "reach the proxy. Raise the database's connection limit, or have the records "
                                 "written in larger batches by fewer shards.")
        if bound == RESERVED:
            props["ReservedConcurrentExecutions"] = RESERVATION
            held.append(f"`{fn.logical_id}` its reserved concurrency (`DbReservedConcurrency`)")
        fn.environment.update(environment)
        fn.requirements = (*fn.requirements, "pg8000>=1.31,<2")
        fn.context["database"] = True
        fn.test_settings.update({"DB_PROXY_ENDPOINT": "proxy.example.internal", "DB_NAME": "app"})
    p.note(SLUG, f"Requests do not come over HTTP, so there is no API in front of the database: each of the "
               f"{len(chosen)} function(s) doing the work stores what it handled in PostgreSQL through RDS Proxy, "
               "with an upsert keyed on the unit of work (message, upload, change, record or step) so a "
               "redelivery or retry changes nothing. Each holds one connection per running copy, and the "
               f"copies are bounded: {'; '.join(held)}. Each keeps to about {share} connection(s), so together "
               f"they stay within half of the {p.answer('db_max_connections')} connections the database allows.")
    if RESERVED in bounds.values():
        p.note(SLUG, f"Set the `DbReservedConcurrency` parameter to {share} so that a function invoked by S3, "
                     "a workflow or a destination runs at most that many copies (events beyond it wait in "
                     "Lambda's own queue and are retried, up to their maximum age). " + RESERVATION_OFF_BY_DEFAULT)
    iam_authentication_note(p, "Each function signs")
    p.note(SLUG, "These functions run in your VPC (`DbSubnetIds`, `DbSecurityGroupIds`) and need a route to "
                 "Secrets Manager and to the AWS services they call (interface VPC endpoints or a NAT gateway). "
                 "Create the table with `db/schema.sql`.")
