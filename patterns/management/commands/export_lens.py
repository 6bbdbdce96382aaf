from pathlib import Path

from patterns.management.base import DatabaseCommand

from patterns.lens import LensError, export_lens, import_lens, lens_json
from patterns.store import CatalogueNotLoaded, current_engine


class Command(DatabaseCommand):
    help = ("Write the catalogue's questions and risks as an AWS Well-Architected custom lens (JSON). "
            "With --import, also import it into the AWS account of the current credentials.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the JSON file to write, or - for standard output")
        parser.add_argument("--import", dest="import_", action="store_true",
                            help="import the lens into the Well-Architected Tool of the current AWS account")
        parser.add_argument("--region", help="with --import: the AWS Region (default: the configured one)")
        parser.add_argument("--lens-alias", help="with --import: add a new version to this existing custom lens")

    def fail(self, message: str):
        self.stderr.write(f"error: {message}")
        raise SystemExit(2)

    def handle(self, *args, **options):
        try:
            lens = export_lens(current_engine().catalogue)
        except CatalogueNotLoaded as exc:
            self.fail(str(exc))
        except LensError as exc:
            self.fail("the catalogue does not fit the lens format:\n  " + "\n  ".join(exc.problems))
        text = lens_json(lens)
        if options["out"] == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(options["out"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                self.fail(f"the lens was not written: {exc}")
            questions = sum(len(p["questions"]) for p in lens["pillars"])
            self.stdout.write(f"lens written to {options['out']}: {len(lens['pillars'])} pillars, "
                              f"{questions} questions, {len(text.encode())} bytes")
        if options["import_"]:
            self.import_(lens, options["region"], options["lens_alias"])

    def import_(self, lens, region, lens_alias):
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client = boto3.client("wellarchitected", region_name=region)
            arn = import_lens(lens, client, lens_alias)
        except (BotoCoreError, ClientError) as exc:
            self.stderr.write(f"error: the lens was not imported: {exc}")
            raise SystemExit(1)
        self.stdout.write(f"imported as {arn}; publish it in the Well-Architected Tool to use it in reviews")
