"""Load run of the production stack: 2 gunicorn workers, 2 Celery workers, PostgreSQL, Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m tests.e2e.loadtest [--seconds 10] [--connections 8]

Prints requests/s and p99 (wrk, 127.0.0.1 only, bounded in time) for the questionnaire's
live panel and for job submission, then how many jobs per second the workers complete,
and checks that every accepted submission became exactly one succeeded job.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from .stack import create_stack, destroy_stack, wait_for
from .test_generation_stack import PASSWORD, create_user, save_architecture

PANEL = {"trigger": "http", "client_waits": "false", "unreliable_downstream": "true", "duration_s": "2"}


def wrk(arguments: list[str]) -> dict:
    output = subprocess.run(["wrk", *arguments], capture_output=True, text=True, check=True).stdout
    completed = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p99": re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1),
            "requests": completed, "non_2xx_3xx": int(errors.group(1)) if errors else 0}


def script(folder: Path, name: str, session, body_lua: str) -> Path:
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    path = folder / name
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = "{cookies}"\n'
        f'wrk.headers["X-CSRFToken"] = "{session.cookies["csrftoken"]}"\n'
        f'wrk.headers["Referer"] = "{session.headers["Referer"]}"\n' + body_lua)
    return path


def sql(stack, query: str) -> str:
    return subprocess.run(["psql", stack.database_url, "-tAc", query], capture_output=True, text=True,
                          check=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk); nothing measured.")
        return 1
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # One user submits as fast as it can: the limits on generation jobs would turn most away.
        unlimited = {name: "1000000" for name in ("GENERATION_MAX_ACTIVE_JOBS", "GENERATION_MAX_JOBS_PER_DAY",
                                                  "GENERATION_TEAM_MAX_ACTIVE_JOBS", "GENERATION_TEAM_MAX_JOBS_PER_DAY")}
        stack = create_stack(folder, unlimited)
        try:
            stack.start_web(workers=2)
            stack.start_worker(concurrency=1, name="load-a")
            stack.start_worker(concurrency=1, name="load-b")
            create_user(stack, "loader")
            session = stack.login("loader", PASSWORD)
            architecture = save_architecture(stack, session, name="Load")
            number = architecture["latest"]["number"]
            common = ["-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--latency"]
            panel_lua = script(folder, "panel.lua", session,
                               f'wrk.body = "{urlencode(PANEL)}"\nwrk.headers["HX-Request"] = "true"\n')
            # Every submission asks for a new project name, so each is a new job.
            submit_lua = script(folder, "submit.lua", session,
                                "local threads = 0\n"
                                "function setup(thread)\n  thread:set('tid', threads)\n  threads = threads + 1\nend\n"
                                "counter = 0\nrequest = function()\n  counter = counter + 1\n"
                                '  local name = "load-" .. tid .. "-" .. counter\n'
                                '  return wrk.format(nil, nil, nil, "runtime=python3.13&architecture=arm64&name=" .. name)\n'
                                "end\n")
            panel = wrk(common + ["-s", str(panel_lua), stack.base_url + "/questionnaire/"])
            started = time.monotonic()
            submit = wrk(common + ["-s", str(submit_lua),
                                   f"{stack.base_url}/architectures/{architecture['id']}/revisions/{number}/generate"])
            print(f"gunicorn 2 workers, 2 Celery workers (1 process each), PostgreSQL, Redis; "
                  f"wrk {args.connections} connections, {args.seconds} s each")
            print(f"  live panel (htmx POST)   {panel['rps']:8.1f} requests/s   p99 {panel['p99']}")
            print(f"  job submission (POST)    {submit['rps']:8.1f} requests/s   p99 {submit['p99']}")
            accepted = submit["requests"] - submit["non_2xx_3xx"]
            jobs = int(sql(stack, "SELECT count(*) FROM jobs_generationjob"))
            wait_for(lambda: sql(stack, "SELECT count(*) FROM jobs_generationjob WHERE status IN ('queued','running')") == "0",
                     timeout=max(600, jobs), what="the workers to finish every job", interval=1)
            elapsed = time.monotonic() - started
            succeeded = int(sql(stack, "SELECT count(*) FROM jobs_generationjob WHERE status = 'succeeded'"))
            print(f"  workers completed {succeeded} jobs in {elapsed:.0f} s: {succeeded / elapsed:.1f} jobs/s")
            # wrk stops counting at its deadline; requests still in flight then are served anyway.
            lost = max(0, accepted - succeeded)
            print(f"  submissions answered {accepted} (+{max(0, jobs - accepted)} in flight when wrk stopped), "
                  f"jobs stored {jobs}, succeeded {succeeded}, lost {lost}")
            return 0 if lost == 0 and jobs == succeeded and panel["non_2xx_3xx"] == 0 else 1
        finally:
            destroy_stack(stack)


if __name__ == "__main__":
    sys.exit(main())
