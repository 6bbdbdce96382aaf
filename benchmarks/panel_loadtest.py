"""Throughput of the live panel under gunicorn, next to a bare Django view on the same server.

Starts gunicorn on 127.0.0.1 with the real site plus one view that does nothing, points
``wrk`` at both, prints requests/s and p99 for each, and stops gunicorn again.

The panel is sent what a browser sends: every question the page shows for the workload
(as the form posts it) and the page's address (``HX-Current-URL``, which the panel reads to
say what changed since the answers before).

Requests per second depend on what else the machine runs; the CPU time each request costs
(gunicorn's workers and wrk together, read from /proc and getrusage on Linux) does much less,
so it is printed too, with the throughput ratio it implies on a machine doing nothing else.

    python -m benchmarks.panel_loadtest [--seconds 10] [--workers 2] [--connections 16]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[1]
# An order API whose orders are charged in the background by a flaky payment provider.
ORDER_API = {"trigger": "http", "client_waits": False, "unreliable_downstream": True, "peak_rps": 10}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk); nothing measured.")
        return 1
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.panel_loadtest_settings"}
    form, page = _browser_post(ORDER_API)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "advisor.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )
    try:
        _wait_until_up(base + "/bench/bare")
        cookie, token = _csrf(base + "/questionnaire/")
        with tempfile.TemporaryDirectory() as folder:
            post = Path(folder) / "panel.lua"
            post.write_text(
                'wrk.method = "POST"\n'
                f'wrk.body = "{urlencode(form)}"\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                'wrk.headers["HX-Request"] = "true"\n'
                f'wrk.headers["X-CSRFToken"] = "{token}"\n'
                f'wrk.headers["Cookie"] = "csrftoken={cookie}"\n'
                f'wrk.headers["HX-Current-URL"] = "{base}{page}"\n'
            )
            # The same POST with a different peak each time: every request misses the panel cache.
            varied_body = urlencode({k: v for k, v in form.items() if k != "peak_rps"})
            varied = Path(folder) / "varied.lua"
            varied.write_text(
                post.read_text().replace("wrk.body", "local base_body")
                + "counter = 0\n"
                "request = function()\n"
                "  counter = counter + 1\n"
                f'  return wrk.format(nil, nil, nil, "{varied_body}&peak_rps=" .. (counter % 100000 + math.random(1, 9) / 10))\n'
                "end\n"
            )
            common = ["-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--latency"]
            print(f"gunicorn on 127.0.0.1, {args.workers} workers; wrk {args.connections} connections, {args.seconds} s each")
            print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
            bare = _wrk(common + [base + "/bench/bare"], server.pid)
            panel = _wrk(common + ["-s", str(post), base + "/questionnaire/"], server.pid)
            fresh = _wrk(common + ["-s", str(varied), base + "/questionnaire/"], server.pid)
        rows = (("bare Django view", bare), ("live panel, same answers", panel),
                ("live panel, new answers", fresh))
        for name, (rps, p99, cpu_ms) in rows:
            cpu = f"   CPU {cpu_ms:.2f} ms/request" if cpu_ms else ""
            print(f"  {name:<26} {rps:9.1f} requests/s   p99 {p99}{cpu}")
        print(f"  The panel serves {panel[0] / bare[0]:.0%} of the bare view's throughput for answers seen before "
              f"(rendered once, then cached) and {fresh[0] / bare[0]:.0%} when every request is a new workload.")
        if bare[2] and panel[2] and fresh[2]:
            print(f"  By CPU per request (the machine's other load aside): {bare[2] / panel[2]:.0%} for answers seen "
                  f"before and {bare[2] / fresh[2]:.0%} for new ones.")
        print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


def _browser_post(answers: dict) -> tuple[dict[str, str], str]:
    """What the questionnaire's form posts for these answers (every question it shows), and
    the page's path with the shareable query."""
    from benchmarks.django_setup import database_ready, setup

    setup("benchmarks.panel_loadtest_settings")
    from django.urls import reverse

    from advisor.questionnaire.submission import read_submission
    from benchmarks.panel import browser_form
    from patterns.store import current_engine

    with database_ready():
        engine = current_engine()
    form = browser_form(engine, answers)
    query = read_submission(engine, form).query
    return form, f"{reverse('questionnaire:start')}?{query}"


def _wrk(arguments: list[str], server_pid: int) -> tuple[float, str, float]:
    """Requests/s, p99 and the CPU milliseconds per request of the server's workers and wrk
    (0 where /proc cannot be read)."""
    server_before = _workers_cpu(server_pid)
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(["wrk", *arguments], capture_output=True, text=True, check=True).stdout
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_after = _workers_cpu(server_pid)
    if re.search(r"Non-2xx or 3xx responses: \d+", output):
        raise SystemExit(f"some requests failed:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
    if server_before is None or server_after is None or not requests:
        return rps, p99, 0.0
    return rps, p99, (server_after - server_before + wrk_cpu) / requests * 1000


def _workers_cpu(pid: int) -> float | None:
    """CPU seconds used so far by the children (gunicorn's workers) of a process, on Linux."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
    except (OSError, IndexError, ValueError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def _csrf(url: str) -> tuple[str, str]:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    return cookie, token


def _wait_until_up(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
