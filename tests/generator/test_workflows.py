"""The Step Functions workflow as a user sees its executions: the failure that caused a rollback,
and the approval wait."""

import textwrap

import pytest

from gencheck import generate, load_template, run_scenario


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


def test_the_approval_wait_is_not_restarted_and_is_watched_by_a_heartbeat():
    states = workflow(steps=3, long_waits=True)["States"]
    approval = states["AwaitApproval"]
    assert approval["Resource"].endswith(".waitForTaskToken")
    retried = {error for rule in approval["Retry"] for error in rule["ErrorEquals"]}
    assert "States.Timeout" not in retried and "States.ALL" not in retried
    assert 0 < approval["HeartbeatSeconds"] < approval["TimeoutSeconds"]
    # Ordinary steps still retry a task that timed out.
    assert any("States.Timeout" in rule["ErrorEquals"] for rule in states["Step01"]["Retry"])


def test_a_wait_answered_in_seconds_is_a_callback_in_a_standard_workflow_not_a_long_function():
    doc = load_template(generate(["step-functions"], trigger="event", client_waits=False, steps=2,
                                 duration_s=1, wait_s=7200)["serverless-app/template.yaml"])
    machine = doc["Resources"]["WorkflowStateMachine"]["Properties"]
    assert machine["Type"] == "STANDARD"
    approval = machine["Definition"]["States"]["AwaitApproval"]
    assert approval["Resource"].endswith(".waitForTaskToken")
    # The functions are sized for the compute, never for the wait.
    assert doc["Resources"]["WorkflowStepsFunction"]["Properties"]["Timeout"] < 7200


def test_an_approval_longer_than_a_week_is_given_the_time_it_waits():
    approval = workflow(steps=3, long_waits=True, wait_s=30 * 86400)["States"]["AwaitApproval"]
    assert approval["TimeoutSeconds"] == 30 * 86400


def test_a_short_timer_wait_still_fits_an_express_workflow():
    doc = load_template(generate(["step-functions"], trigger="event", client_waits=False, steps=3,
                                 duration_s=0.5, wait_s=60)["serverless-app/template.yaml"])
    machine = doc["Resources"]["WorkflowStateMachine"]["Properties"]
    assert machine["Type"] == "EXPRESS"
    assert "AwaitApproval" not in machine["Definition"]["States"]


APPROVAL = '''
    import boto3


    def test_the_token_reaches_the_approval_table_and_no_log(load_handler, aws, lambda_context, capfd,
                                                           monkeypatch):
        monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
        app = load_handler("workflow_steps")
        event = {"step": "request_approval", "action": "do", "execution": "exec-42",
                 "task_token": "AQCEAAAAKgAAAAMAAAAAAAAAAT-secret", "input": {"key": "order-7"}}
        app.lambda_handler(event, lambda_context)
        output = capfd.readouterr()
        assert "Approval requested" in output.out
        assert "AQCEAAAAKgAAAAMAAAAAAAAAAT-secret" not in output.out + output.err
        table = boto3.resource("dynamodb").Table(aws.values["APPROVAL_TABLE"])
        assert table.get_item(Key={"id": "exec-42"})["Item"]["task_token"] == "AQCEAAAAKgAAAAMAAAAAAAAAAT-secret"
'''


@pytest.mark.slow
def test_the_approval_token_is_delivered_through_a_table_and_never_logged(tmp_path):
    files = generate(["step-functions"], name="approvals", steps=3, long_waits=True)
    result = run_scenario(files, tmp_path, textwrap.dedent(APPROVAL))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_the_steps_function_can_record_approvals_but_not_read_their_tokens():
    from gencheck import sam_transform

    template = load_template(generate(["step-functions"], name="approvals", long_waits=True, wait_s=86400,
                                      max_duration_s=60)["approvals/template.yaml"])
    resources = sam_transform(template)["Resources"]
    role = resources["WorkflowStepsFunctionRole"]["Properties"]
    on_approvals = set()
    for policy in role.get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            if "ApprovalTable" in str(statement.get("Resource")):
                actions = statement["Action"]
                on_approvals |= {actions} if isinstance(actions, str) else set(actions)
    # The function records a request (its token included); only the approving tool reads them.
    assert "dynamodb:PutItem" in on_approvals
    assert not on_approvals & {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Scan", "dynamodb:Query",
                               "dynamodb:DeleteItem"}, sorted(on_approvals)
