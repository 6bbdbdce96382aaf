"""RDS: PostgreSQL through RDS Proxy, from a VPC-attached function with bounded concurrency."""

SLUG = "rds"
TITLE = "Lambda + RDS (through RDS Proxy)"
SUMMARY = ("A VPC-attached function reads and writes PostgreSQL through RDS Proxy, opening one "
           "connection per container and limited by reserved concurrency, so a traffic spike cannot "
           "exhaust the database's connections.")
BUILD_ORDER = 90  # after the consumers it may give database access to
ORDER = 100  # place in every list of patterns
SERVES_API = True  # its functions answer requests through API Gateway
LIMITS = ("lambda-concurrency",)  # the limit rows its parts read
