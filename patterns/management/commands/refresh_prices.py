import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from patterns import live_prices
from patterns.catalogue import CatalogueError
from patterns.management.base import DatabaseCommand


class Command(DatabaseCommand):
    help = ("Read the current price of each price row that has a lookup (patterns/data/price_lookups.yaml) from "
            "the AWS Price List Query API, show the differences, and apply them when confirmed or with --apply. "
            "Exit 1 when some rows could not be read, 2 on bad input or when AWS cannot be asked.")

    def add_arguments(self, parser):
        parser.add_argument("--region", help="only the price rows for this AWS Region (default: every row, "
                                             "each in its own Region)")
        parser.add_argument("--apply", action="store_true", help="apply the differences without asking")
        parser.add_argument("--lookups", default=str(live_prices.LOOKUPS_FILE),
                            help="the file saying which Price List product each row reads")

    def fail(self, message: str):
        self.stderr.write(f"error: prices were not refreshed: {message}")
        raise SystemExit(2)

    def handle(self, *args, **options):
        region = options["region"]
        if region is not None and not live_prices.REGION_PATTERN.match(region):
            self.fail(f"{region!r} is not an AWS Region code (for example us-east-1)")
        try:
            lookups = live_prices.read_lookups(Path(options["lookups"]))
        except live_prices.LookupFileError as exc:
            self.fail(str(exc))
        try:
            changes, problems, asked = live_prices.plan(live_prices.pricing_client(), lookups, region)
        except (NoCredentialsError, PartialCredentialsError):
            self.fail("no AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
                      "AWS_SECRET_ACCESS_KEY for an identity allowed pricing:GetProducts")
        except ClientError as exc:
            self.fail(f"the Price List API refused the request: {exc.response.get('Error', {}).get('Message', exc)}")
        except BotoCoreError as exc:
            self.fail(f"the Price List API could not be reached: {exc}")
        if not asked:
            self.fail(f"no price row{' for ' + region if region else ''} has a lookup in {options['lookups']}")
        for problem in problems:
            self.stderr.write(f"not read: {problem}")
        for change in changes:
            self.stdout.write(change.line())
        summary = f"{len(changes)} of {asked - len(problems)} prices read differ"
        if not changes:
            self.stdout.write(f"{summary}: nothing to do")
        elif options["apply"] or self.confirmed(summary):
            try:
                live_prices.apply(changes)
            except CatalogueError as exc:
                self.fail("the catalogue would break:\n  " + "\n  ".join(exc.problems))
            self.stdout.write(f"applied: {summary} (recorded in the catalogue history)")
        else:
            self.stdout.write(f"{summary}. Nothing was changed; run again with --apply to apply them.")
        if problems:
            raise SystemExit(1)

    def confirmed(self, summary: str) -> bool:
        if not sys.stdin.isatty():
            return False
        self.stdout.write(f"{summary}. Apply them? [y/N] ", ending="")
        return input().strip().lower() in ("y", "yes")
