"""The generated projects' static contract counts on the analyzer for the risks any template can
carry: undo one of them in a generated template and the contract check names the finding."""

import json

from gencheck import contract_problems, generate, load_template

ROOT = "serverless-app"


def edited(files: dict[str, bytes], change) -> dict[str, bytes]:
    """The files with the template read as data, changed, and written back (as JSON)."""
    template = load_template(files[f"{ROOT}/template.yaml"])
    change(template["Resources"])
    return {**files, f"{ROOT}/template.yaml": json.dumps(template).encode()}


def findings_named(problems: list[str]) -> set[str]:
    return {p.split("analyzer finding ", 1)[1].split(":", 1)[0] for p in problems if "analyzer finding " in p}


def test_a_generated_worker_keeps_the_contract_until_its_dead_letter_alarm_or_loop_detection_goes():
    files = generate(["sqs-worker"], trigger="queue")
    assert contract_problems(files) == []

    def drop_alarms(resources):
        for lid in [lid for lid, res in resources.items() if res["Type"] == "AWS::CloudWatch::Alarm"]:
            del resources[lid]

    # (The alarm topic's e-mail subscription, alarms gone, is an ordinary one without a redrive policy.)
    assert "dlq-without-alarm" in findings_named(contract_problems(edited(files, drop_alarms)))

    def allow_loops(resources):
        resources["WorkerFunction"]["Properties"]["RecursiveLoop"] = "Allow"

    assert findings_named(contract_problems(edited(files, allow_loops))) == {"recursive-loop-allowed"}


def test_a_generated_workflow_keeps_the_contract_until_a_task_loses_its_retry_or_tracing_goes():
    files = generate(["step-functions"], steps=3)
    assert contract_problems(files) == []

    def machine(resources):
        return next(res for res in resources.values() if res["Type"] == "AWS::Serverless::StateMachine")

    def drop_retries(resources):
        for state in machine(resources)["Properties"]["Definition"]["States"].values():
            state.pop("Retry", None)

    assert findings_named(contract_problems(edited(files, drop_retries))) == {"task-without-retry"}

    def untraced(resources):
        machine(resources)["Properties"].pop("Tracing")

    assert findings_named(contract_problems(edited(files, untraced))) == {"no-tracing"}
