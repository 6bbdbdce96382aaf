"""The Step Functions workflow as a user sees its executions: the failure that caused a rollback,
and the approval wait."""

import pytest

from gencheck import generate, load_template


def workflow(**answers):
    doc = load_template(generate(["step-functions"], **answers)["serverless-app/template.yaml"])
    return doc["Resources"]["WorkflowStateMachine"]["Properties"]["Definition"]


def put(data, path, value):
    """Apply a ResultPath such as `$.a.b` to the state's input."""
    keys = path.removeprefix("$.").split(".")
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def get(data, path):
    for key in path.removeprefix("$.").split("."):
        data = data[key]
    return data


def fail_and_compensate(definition, failing_state, error, undo_fails=None):
    """Follow the path an execution takes when `failing_state` fails: Catch, every undo step, the end."""
    states = definition["States"]
    data = {"order": "o-1"}
    catch = states[failing_state]["Catch"][0]
    put(data, catch["ResultPath"], error)
    name = catch["Next"]
    while states[name]["Type"] == "Task":
        state = states[name]
        if name == undo_fails:
            catch = state["Catch"][0]
            put(data, catch["ResultPath"], {"Error": "States.TaskFailed", "Cause": "refund service down"})
            name = catch["Next"]
            continue
        put(data, state["ResultPath"], {"result": {"status": "undone"}})
        name = state["Next"]
    return name, states[name], data


@pytest.mark.parametrize("steps", [2, 4])
def test_a_rolled_back_execution_reports_the_cause_of_the_failed_step(steps):
    definition = workflow(steps=steps, compensation=True)
    error = {"Error": "PermanentStepError", "Cause": '{"errorMessage": "card declined"}'}
    name, end, data = fail_and_compensate(definition, f"Step{steps:02d}", error)
    assert name == "RolledBack" and end["Type"] == "Fail"
    assert get(data, "$.error") == error
    assert get(data, end["CausePath"]) == error["Cause"]


def test_a_failed_undo_keeps_the_original_failure_beside_its_own():
    definition = workflow(steps=4, compensation=True)
    error = {"Error": "PermanentStepError", "Cause": "card declined"}
    name, _, data = fail_and_compensate(definition, "Step04", error, undo_fails="UndoStep02")
    assert name == "CompensationFailed"
    assert data["error"] == error and data["compensation_error"]["Cause"] == "refund service down"
