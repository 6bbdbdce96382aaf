"""Composition part of s3-processing: uploads trigger a function that writes results or starts work."""

from __future__ import annotations

from generator import wiring
from generator.composition import Composition

from . import SLUG

INPUT_PREFIX = "incoming/"
OUTPUT_PREFIX = "processed/"
FUNCTION = "FileProcessorFunction"
UPLOADS = "UploadBucket"
RESULTS = "OutputBucket"
DLQ = "FileProcessorDlq"
STARTER_TIMEOUT_S = 120


def resources(c: Composition) -> None:
    c.add(UPLOADS, "bucket", f"Uploads ({INPUT_PREFIX}*)", group=SLUG)
    if not c.answer("writes_back_to_source"):
        c.add(RESULTS, "bucket", f"Results ({OUTPUT_PREFIX}*)", group=SLUG)


def functions(c: Composition) -> None:
    c.dlq(DLQ, group=SLUG, label="Failed uploads")
    output = wiring.output_for(c, SLUG)
    # Starting a workflow takes a moment; the long work runs in the workflow's bounded steps.
    starts_workflow = output is not None and output.kind == "workflow"
    timeout = min(c.worker_timeout(), STARTER_TIMEOUT_S) if starts_workflow else c.worker_timeout()
    c.function(FUNCTION, group=SLUG, timeout=timeout, output=output, idempotent=True,
               work=0.0 if starts_workflow else 1.0)
    c.connect(UPLOADS, FUNCTION, "event", f"ObjectCreated {INPUT_PREFIX}*")
    c.connect(FUNCTION, UPLOADS, "read", "reads the upload")
    c.connect(FUNCTION, RESULTS if RESULTS in c else UPLOADS, "write", f"writes {OUTPUT_PREFIX}*")
    c.connect(FUNCTION, DLQ, "failure", "after 2 retries")
