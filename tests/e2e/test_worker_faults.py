"""Workers are SIGKILLed in the middle of generation jobs; every job still finishes once.

A prefork child is killed (as the OOM killer would) and, every third time, the whole
worker with all its processes (as a lost machine would), after which a new worker starts.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .stack import wait_for
from .test_generation_stack import PASSWORD, create_user, save_architecture


KILLS = 10
JOBS = 14
VISIBILITY_TIMEOUT = 30
ANSWERS_ALL = {"trigger": "http", "client_waits": False, "consumers": 3, "steps": 4, "compensation": True,
               "data_store": "relational", "unreliable_downstream": True}


def sql(stack, query):
    done = subprocess.run(["psql", stack.database_url, "-tAc", query], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_killed_workers_lose_no_job_and_duplicate_none(stack_factory):
    stack = stack_factory({"GENERATION_TIME_LIMIT": "8", "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                           # Jobs are added until enough kills happened: no daily limit may stop that.
                           "GENERATION_MAX_JOBS_PER_DAY": "100000", "GENERATION_TEAM_MAX_JOBS_PER_DAY": "100000"})
    stack.start_web()
    worker = stack.start_worker(concurrency=2)
    create_user(stack, "alice")
    session = stack.login("alice", PASSWORD)
    architecture = save_architecture(stack, session, name="Everything")
    # All ten patterns make each job long enough (diagrams included) to be caught running.
    response = session.patch(f"{stack.base_url}/api/architectures/{architecture['id']}/", json={
        "name": "Everything", "patterns": ["api-gateway-lambda", "sqs-worker", "sns-fanout", "eventbridge",
                                           "s3-processing", "dynamodb-streams", "step-functions", "orchestrator",
                                           "chaining", "rds"]}, timeout=20)
    assert response.status_code == 200, response.text
    number = response.json()["latest"]["number"]
    generate_url = f"{stack.base_url}/architectures/{architecture['id']}/revisions/{number}/generate"

    submitted = 0
    jobs = JOBS
    kills = 0
    last_kill = time.monotonic()
    deadline = time.monotonic() + 240
    while kills < KILLS and time.monotonic() < deadline:
        if submitted < jobs and int(sql(stack, "SELECT count(*) FROM jobs_generationjob WHERE status IN ('queued','running')")) < 3:
            reply = session.post(generate_url, data={"name": f"project-{submitted}", "runtime": "python3.13",
                                                     "architecture": "arm64"}, timeout=20, allow_redirects=False)
            assert reply.status_code == 302, reply.text[:500]
            submitted += 1
        if sql(stack, "SELECT count(*) FROM jobs_generationjob WHERE status = 'running' AND lease_token IS NOT NULL") != "0":
            if (kills + 1) % 3 == 0:
                os.killpg(worker.pid, signal.SIGKILL)  # the whole worker, as if its machine died
                worker.wait(timeout=10)
                worker = stack.start_worker(concurrency=2)
            else:
                children = stack.worker_children(worker)
                if not children:
                    continue
                for child in children:
                    os.kill(child, signal.SIGKILL)  # the process running the job
            kills += 1
            last_kill = time.monotonic()
            time.sleep(0.3)
        else:
            time.sleep(0.05)
        if submitted >= jobs and sql(stack, "SELECT count(*) FROM jobs_generationjob WHERE status IN ('queued','running')") == "0":
            jobs += 4  # everything finished before we could kill enough: queue more work
    assert kills >= KILLS, f"only {kills} kills in time"

    try:
        wait_for(lambda: sql(stack, "SELECT count(*) FROM jobs_generationjob WHERE status <> 'succeeded'") == "0",
                 VISIBILITY_TIMEOUT + 60, "every job to succeed after the last kill", interval=1)
    except TimeoutError:
        print(sql(stack, "SELECT id, status, attempts, lease_expires, now(), error FROM jobs_generationjob ORDER BY id"))
        for log in sorted(stack.logs.glob("worker-*.log")):
            print(log.name, log.read_text()[-3000:])
        raise
    finished_after = time.monotonic() - last_kill
    assert finished_after <= VISIBILITY_TIMEOUT + 60

    rows = sql(stack, "SELECT id, status, zip_file, attempts FROM jobs_generationjob ORDER BY id").splitlines()
    assert len(rows) == submitted
    for row in rows:
        job_id, status, zip_file, attempts = row.split("|")
        assert status == "succeeded"
        folder = stack.media_root / "artifacts" / f"job-{job_id}"
        zips = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.zip"))
        assert zips == [Path(zip_file).relative_to(f"artifacts/job-{job_id}").as_posix()], (job_id, zips)
    retried = sum(1 for row in rows if int(row.split("|")[3]) > 1)
    print(f"{submitted} jobs, {kills} kills, {retried} jobs needed more than one attempt, "
          f"all done {finished_after:.0f} s after the last kill")
