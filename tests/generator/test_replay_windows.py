"""The replay window answered (replay_days) sets how long the generated project keeps events."""

from gencheck import generate, load_template


def resources(patterns, **answers):
    return load_template(generate(patterns, **answers)["serverless-app/template.yaml"])["Resources"]


def test_the_event_archive_keeps_a_week_or_the_window_asked_for():
    assert resources(["eventbridge"], trigger="event", client_waits=False)["EventArchive"]["Properties"]["RetentionDays"] == 7
    kept = resources(["eventbridge"], trigger="event", client_waits=False, replay_days=30)
    assert kept["EventArchive"]["Properties"]["RetentionDays"] == 30


def test_the_stream_keeps_a_day_or_the_window_asked_for():
    stream = {"trigger": "event", "client_waits": False, "peak_rps": 2000, "duration_s": 0.02}
    assert resources(["kinesis-stream"], **stream)["EventStream"]["Properties"]["RetentionPeriodHours"] == 24
    kept = resources(["kinesis-stream"], **stream, replay_days=30)
    assert kept["EventStream"]["Properties"]["RetentionPeriodHours"] == 720
