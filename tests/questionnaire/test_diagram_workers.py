"""Diagrams for web pages are drawn by replaceable worker processes, never in the web process."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

import generator
from advisor import diagrams
from generator import diagram
from patterns.store import current_engine

pytestmark = pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")
# Names of this run: a drawing another run left in a shared cache is not the one checked here.
RUN = uuid.uuid4().hex[:8]
ANSWERS = {"trigger": "event", "client_waits": "false", "consumers": "3",
           "consumer_names": f"billing{RUN},shipping{RUN},audit{RUN}"}


@pytest.fixture
def workers(settings):
    settings.DIAGRAM_PROCESSES = 1
    settings.DIAGRAM_RENDERS_PER_PROCESS = 2
    diagrams.stop_workers()  # a pool with these settings
    yield
    diagrams.stop_workers()


def drawn_here(answers):
    engine = current_engine()
    validated = engine.validate(answers)
    selection = generator.Selection(patterns=tuple(engine.recommend(validated).selected), answers=validated,
                                    name="proposed-architecture", limits=engine.limit_values)
    return diagram.render_svg(diagram.architecture_dot(selection))


@pytest.mark.django_db
def test_the_questionnaire_diagram_is_drawn_outside_the_web_process(client, workers, monkeypatch):
    expected = drawn_here({**ANSWERS, "client_waits": False, "consumers": 3})
    assert expected and f"billing{RUN}".encode() in expected

    def not_here(*args, **kwargs):
        raise AssertionError("Graphviz ran in the web process")

    monkeypatch.setattr(diagram.Rendering, "__init__", not_here)
    response = client.get(reverse("questionnaire:diagram"), ANSWERS)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content == expected  # the same drawing the generator makes in process


@pytest.mark.django_db
def test_workers_are_other_processes_and_are_replaced_after_their_share(workers):
    pool = diagrams._executor()
    pids = [pool.submit(os.getpid).result() for _ in range(6)]
    assert os.getpid() not in pids
    assert len(set(pids)) == 3  # two tasks each, then a fresh process


@pytest.mark.django_db
def test_a_worker_that_dies_is_replaced_and_the_page_still_draws(client, workers):
    broken = diagrams._executor().submit(os._exit, 1)
    with pytest.raises(Exception):
        broken.result(timeout=30)
    response = client.get(reverse("questionnaire:diagram"), {**ANSWERS, "consumer_names": f"after,the,crash{RUN}"})
    assert response.status_code == 200 and f"crash{RUN}".encode() in response.content


@pytest.mark.django_db
def test_with_no_worker_processes_it_draws_in_process(client, settings):
    settings.DIAGRAM_PROCESSES = 0
    response = client.get(reverse("questionnaire:diagram"), {**ANSWERS, "consumer_names": f"in,this,process{RUN}"})
    assert response.status_code == 200 and f"process{RUN}".encode() in response.content


KILLED_WEB_PROCESS = """
import os, sys
import django
django.setup()
from advisor import diagrams
assert diagrams.render_svg('digraph { a -> b }')
print(diagrams._executor().submit(os.getpid).result(), flush=True)
os._exit(0)  # as if killed: no clean-up runs
"""


def test_workers_end_when_their_web_process_is_killed():
    done = subprocess.run([sys.executable, "-c", KILLED_WEB_PROCESS], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "advisor.settings", "DIAGRAM_PROCESSES": "1"},
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    worker = int(done.stdout.split()[-1])
    for _ in range(300):  # polled, not timed: it ends within moments
        if not Path(f"/proc/{worker}").exists() or " Z " in Path(f"/proc/{worker}/stat").read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"diagram worker {worker} outlived its web process")
