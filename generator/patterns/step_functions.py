"""Step Functions: one task per business step, Retry and Catch on each, optional compensation."""

from __future__ import annotations

from generator.cfn import get_att, ref, sub
from generator.project import Function, Project, clamp

SLUG = "step-functions"
TITLE = "Step Functions workflow"
SUMMARY = ("A state machine runs the business process one task per step, retries transient "
           "failures with backoff, catches the rest and, where asked, undoes completed steps in "
           "reverse order; every execution is visible step by step.")
BUILD_ORDER = 50

MACHINE = "WorkflowStateMachine"
FUNCTION = "WorkflowStepsFunction"
MAX_STEPS = 20
AWS_RETRYABLE = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                 "Lambda.TooManyRequestsException"]


def is_express(p: Project) -> bool:
    return float(p.answer("max_duration_s")) <= express_max_s(p) and not p.answer("long_waits")


def express_max_s(p: Project) -> float:
    return p.limit("step-functions-express-duration")


def step_names(p: Project) -> list[str]:
    return [f"step_{i:02d}" for i in range(1, clamp(int(p.answer("steps")), 2, MAX_STEPS) + 1)]


def state_name(step: str, undo: bool = False) -> str:
    number = step.split("_")[1]
    return f"{'Undo' if undo else ''}Step{number}"


def task_state(step: str, action: str, timeout: int, next_state: str | None, catch_to: str,
               token: bool = False) -> dict:
    payload = {"step": step, "action": action, "execution.$": "$$.Execution.Name", "input.$": "$"}
    if token:
        payload["task_token.$"] = "$$.Task.Token"
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke" + (".waitForTaskToken" if token else ""),
        "Parameters": {"FunctionName": "${StepsFunctionArn}", "Payload": payload},
        "TimeoutSeconds": timeout,
        "Retry": [
            {"ErrorEquals": AWS_RETRYABLE, "IntervalSeconds": 1, "MaxAttempts": 4, "BackoffRate": 2,
             "JitterStrategy": "FULL"},
            {"ErrorEquals": ["TransientStepError", "States.Timeout"], "IntervalSeconds": 5,
             "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"},
        ],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": catch_to}],
    }
    if not token:
        state["ResultSelector"] = {"result.$": "$.Payload"}
    state["ResultPath"] = "$.error" if action == "undo" else f"$.results.{step}"
    if next_state:
        state["Next"] = next_state
    else:
        state["End"] = True
    return state


def definition(p: Project, timeout: int) -> dict:
    steps = step_names(p)
    compensation = bool(p.answer("compensation"))
    long_waits = bool(p.answer("long_waits"))
    states: dict = {}
    order: list[tuple[str, str]] = [(state_name(s), s) for s in steps]
    if long_waits:
        order.insert(len(order) - 1, ("AwaitApproval", "request_approval"))
    for index, (name, step) in enumerate(order):
        next_state = order[index + 1][0] if index + 1 < len(order) else None
        done_before = [s for n, s in order[:index] if s != "request_approval"]
        if compensation and done_before:
            catch_to = state_name(done_before[-1], undo=True)
        else:
            catch_to = "WorkflowFailed"
        is_approval = step == "request_approval"
        states[name] = task_state(step, "do", 7 * 24 * 3600 if is_approval else timeout + 10,
                                  next_state, catch_to, token=is_approval)
    if compensation:
        for index, step in enumerate(steps[:-1]):
            previous = state_name(steps[index - 1], undo=True) if index > 0 else "RolledBack"
            states[state_name(step, undo=True)] = task_state(step, "undo", timeout + 10, previous, "CompensationFailed")
        states["RolledBack"] = {"Type": "Fail", "Error": "WorkflowRolledBack",
                                "Cause": "A step failed; the completed steps were compensated."}
        states["CompensationFailed"] = {"Type": "Fail", "Error": "CompensationFailed",
                                        "Cause": "A compensation task failed; manual repair needed."}
    states["WorkflowFailed"] = {"Type": "Fail", "Error": "WorkflowFailed", "Cause": "A step failed."}
    comment = f"{len(steps)} steps" + (", compensated on failure" if compensation else "")
    return {"Comment": comment, "StartAt": order[0][0], "States": states}


def resources(p: Project) -> None:
    express = is_express(p)
    timeout = p.worker_timeout()
    # Under /aws/vendedlogs/ the log delivery's resource policy stays within CloudWatch Logs' size limit.
    p.add_resource("WorkflowLogGroup", "AWS::Logs::LogGroup", {
        "LogGroupName": sub("/aws/vendedlogs/states/${AWS::StackName}-workflow"),
        "RetentionInDays": 30}, group="shared")
    events = {}
    if p.answer("trigger") == "schedule" and not p.has("api-gateway-lambda"):
        p.add_dlq("WorkflowScheduleDlq", group=SLUG, label="Schedule failures")
        events["Schedule"] = {"Type": "Schedule", "Properties": {
            "Schedule": "rate(1 hour)",
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": get_att("WorkflowScheduleDlq", "Arn")},
        }}
        p.allow_service_to_send("WorkflowScheduleDlq", "events.amazonaws.com", get_att(f"{MACHINE}Schedule", "Arn"))
    props = {
        "Type": "EXPRESS" if express else "STANDARD",
        "Definition": definition(p, timeout),
        "DefinitionSubstitutions": {"StepsFunctionArn": get_att(FUNCTION, "Arn")},
        "Tracing": {"Enabled": True},
        "Logging": {"Level": "ERROR", "IncludeExecutionData": False,
                    "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": get_att("WorkflowLogGroup", "Arn")}}]},
        "Policies": [
            {"LambdaInvokePolicy": {"FunctionName": ref(FUNCTION)}},
            # Log delivery APIs do not support resource-level permissions (AWS requires "*").
            {"Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
                "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]}]},
        ],
    }
    if events:
        props["Events"] = events
    p.add_resource(MACHINE, "AWS::Serverless::StateMachine", props, group=SLUG,
                   node=(f"Workflow ({'Express' if express else 'Standard'})", "stepfunctions"))
    p.expose("STATE_MACHINE_ARN", ref(MACHINE), {"kind": "state_machine", "name": "workflow"})
    p.add_output("WorkflowArn", "The workflow state machine", ref(MACHINE))
    p.add_alarm("WorkflowFailedAlarm", description="Workflow executions are failing.",
                namespace="AWS/States", metric="ExecutionsFailed", dimensions={"StateMachineArn": ref(MACHINE)})
    p.add_alarm("WorkflowTimedOutAlarm", description="Workflow executions are timing out.",
                namespace="AWS/States", metric="ExecutionsTimedOut", dimensions={"StateMachineArn": ref(MACHINE)})


def functions(p: Project) -> None:
    steps = step_names(p)
    output = p.choose_output("table", "bus", "topic")
    compensation = bool(p.answer("compensation"))
    p.add_function(Function(
        logical_id=FUNCTION, folder="workflow_steps", pattern=SLUG,
        template="handlers/step_functions.py.j2", test_template="tests/step_functions.py.j2",
        description="Runs and compensates the workflow's steps",
        timeout=p.worker_timeout(),
        context={"steps": steps, "compensation": compensation, "long_waits": bool(p.answer("long_waits")),
                 "express": is_express(p)},
        sample_event={"step": steps[0], "action": "do", "execution": "0f9d8c7b-sample",
                      "input": {"key": "item-1001", "id": "item-1001", "category": "standard"}},
        idempotent=True, output=output,
    ))
    p.edge(MACHINE, FUNCTION, "one task per step")
    express = is_express(p)
    worst = p.answer("max_duration_s")
    express_limit = f"{express_max_s(p):g} s"
    if express:
        p.note(SLUG, f"Express workflow: the worst case ({worst} s) fits its {express_limit} limit and nothing "
                     "waits for people, and it costs far less per execution than Standard. Express runs tasks "
                     "at least once, so every step is idempotent per execution.")
    else:
        p.note(SLUG, "Standard workflow: " + ("the process waits for an approval (task token), "
                                              if p.answer("long_waits") else "")
               + f"the worst case ({worst} s) " + ("may exceed" if float(worst) > express_max_s(p) else "is within")
               + f" Express's {express_limit} limit; Standard keeps a full execution history for up to a year.")
    p.note(SLUG, f"{len(steps)} task states, each with Retry (AWS throttling and `TransientStepError`, "
                 "exponential backoff with jitter) and Catch"
                 + ("; on failure the completed steps are compensated in reverse order." if compensation
                    else "; on failure the execution stops in `WorkflowFailed` and the alarm fires."))
    if int(p.answer("steps")) > MAX_STEPS:
        p.note(SLUG, f"The answers mention {p.answer('steps')} steps; {MAX_STEPS} are generated. A process this "
                     "long is usually better split into nested workflows.")
    if p.answer("long_waits"):
        p.note(SLUG, "`AwaitApproval` pauses the execution (up to 7 days) until someone calls "
                     "`aws stepfunctions send-task-success --task-token <token> --task-output '{}'`.")
