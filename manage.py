#!/usr/bin/env python
import gc
import os
import sys

# Commands that run once and end the process. Start-up alone makes enough long-lived objects
# (modules, classes, the catalogue, the compiled rules) for the cyclic garbage collector to
# walk them dozens of times over, about a tenth of a `generate` run; reference counting still
# frees everything else, and the process ends soon after.
ONE_SHOT_COMMANDS = frozenset({"generate", "recommend", "analyze"})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ONE_SHOT_COMMANDS:
        gc.disable()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
