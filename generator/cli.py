"""`generate ANSWERS.json --out project.zip [--name NAME] [--patterns a,b] [--api http|rest]
[--runtime R] [--architecture A] [--format json]`.

The answer validator, the recommender and the current AWS limits are injected so this module
stays free of the rest of the product (it shares only ``patterns.plain_data``, the plain-Python
JSON reader every input goes through); the Django management command passes the real ones.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import tempfile
from typing import Any, Callable, Iterable, Mapping, TextIO

from generator.archive import build_zip
from generator.build import generate_files
from generator.selection import API_TYPES, ARCHITECTURES, RUNTIMES, GenerationError, Selection, chosen_api
from patterns import plain_data

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print and exit; we report and return 2
        raise _ArgumentError(message)


def _parser() -> _Parser:
    parser = _Parser(prog="generate", description="Generate a deployable AWS SAM project as a zip.")
    parser.add_argument("answers", help="answers JSON file, or - for standard input")
    parser.add_argument("--out", required=True, help="where to write the zip")
    parser.add_argument("--name", default="serverless-app", help="project name (lowercase, digits, '-')")
    parser.add_argument("--patterns", help="comma-separated pattern slugs; default: the recommended ones")
    parser.add_argument("--api", choices=API_TYPES, default=None,
                        help="API Gateway flavour in front of request/response functions (default: the "
                             "answers' api_type when it names one, else http, as the recommendation prices it)")
    parser.add_argument("--runtime", choices=RUNTIMES, default=RUNTIMES[0])
    parser.add_argument("--architecture", choices=ARCHITECTURES, default=ARCHITECTURES[0])
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--no-diagrams", action="store_true", help="skip SVG/PNG rendering")
    return parser


def _read_answers(path: str, stdin: TextIO) -> Any:
    try:
        if path == "-":
            content = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
        else:
            with open(path, "rb") as handle:
                content = handle.read()
    except OSError as exc:
        raise GenerationError(f"cannot read answers from {path}: {exc.strerror or exc}") from None
    try:
        return plain_data.loads(content)
    except plain_data.PlainDataError as exc:
        raise GenerationError(f"the answers in {path} {exc}") from None


_NOT_A_FILE = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"),
               (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


def _check_target(path: str) -> None:
    """The zip replaces a regular file or takes a new name; anything else already at ``path``
    (a link, a device such as /dev/null, a folder, a pipe) is left alone and refused."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise GenerationError(f"cannot write {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _NOT_A_FILE if test(mode)), "not a regular file")
        raise GenerationError(f"--out {path} is {kind}; give the path of a new or regular file")


def _write_atomically(path: str, data: bytes) -> None:
    """Never leave a half-written zip behind."""
    _check_target(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".generate-", suffix=".zip")
    except OSError as exc:
        raise GenerationError(f"cannot write {path}: {exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise GenerationError(f"cannot write {path}: {exc}") from None


def main(
    argv: list[str],
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    validate_answers: Callable[[dict], dict] | None = None,
    recommend_patterns: Callable[[dict], tuple[Iterable[str], Iterable[dict]]] | None = None,
    limits: Mapping[str, float] | None = None,
) -> int:
    try:
        args = _parser().parse_args(argv)
        _check_target(args.out)  # before the work of generating, and again before writing
        raw = _read_answers(args.answers, stdin)
        if not isinstance(raw, dict):
            raise GenerationError("answers must be a JSON object")
        try:
            answers = validate_answers(raw) if validate_answers else raw
        except ValueError as exc:
            raise GenerationError(f"invalid answers: {exc}") from None
        warnings: list[dict] = []
        if args.patterns is not None:
            patterns = [s.strip() for s in args.patterns.split(",") if s.strip()]
            if recommend_patterns:
                _, warnings = recommend_patterns(answers)
        elif recommend_patterns:
            recommended, warnings = recommend_patterns(answers)
            patterns = list(recommended)
        else:
            raise GenerationError("--patterns is required when no recommender is available")
        api = args.api or chosen_api(answers)
        selection = Selection(patterns=tuple(patterns), answers=answers, name=args.name,
                              render_diagrams=not args.no_diagrams, warnings=tuple(warnings), api=api,
                              runtime=args.runtime, architecture=args.architecture, limits=limits or {})
        files = generate_files(selection)
        blob = build_zip(files)
        _write_atomically(args.out, blob)
    except (_ArgumentError, GenerationError) as exc:
        print(f"generate: error: {exc}", file=stderr)
        return EXIT_BAD_INPUT
    chosen = list(selection.validated().patterns)
    if args.format == "json":
        json.dump({"zip": args.out, "name": args.name, "patterns": chosen, "api": api,
                   "runtime": args.runtime, "architecture": args.architecture, "files": len(files),
                   "bytes": len(blob)}, stdout)
        stdout.write("\n")
    else:
        stdout.write(f"Wrote {args.out}: project {args.name!s}, {len(files)} files, {len(blob)} bytes\n"
                     f"Patterns: {', '.join(chosen)}\n")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
