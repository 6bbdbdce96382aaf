"""Generator part of step-functions: its resources and functions in the SAM template."""

from __future__ import annotations

import math

from generator.cfn import get_att, ref, sub
from generator.project import Function, Project

from . import SLUG
from .compose import (APPROVAL_TABLE, FUNCTION, MACHINE, MAX_STEPS, SCHEDULE_DLQ, bounded_steps,
                      duplicates_harmless, express_max_s, is_express, step_names, step_timeout, wait_s,
                      waits_for_callback)

APPROVAL_TIMEOUT_S = 7 * 24 * 3600
# Whoever holds an open approval request confirms at least daily that it is still pending.
APPROVAL_HEARTBEAT_S = 24 * 3600
AWS_RETRYABLE = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                 "Lambda.TooManyRequestsException"]


def approval_timeout_s(p: Project) -> int:
    """At least a week, or the wait answered when it is longer."""
    return max(APPROVAL_TIMEOUT_S, math.ceil(wait_s(p)))


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
        ],
        # A failed undo keeps the original failure in $.error and adds its own beside it.
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.compensation_error" if action == "undo"
                   else "$.error", "Next": catch_to}],
    }
    if token:
        # A wait that timed out is a decision not taken: it is not started again.
        state["HeartbeatSeconds"] = APPROVAL_HEARTBEAT_S
    else:
        state["Retry"].append({"ErrorEquals": ["TransientStepError", "States.Timeout"], "IntervalSeconds": 5,
                               "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"})
        state["ResultSelector"] = {"result.$": "$.Payload"}
    state["ResultPath"] = f"$.{'compensation' if action == 'undo' else 'results'}.{step}"
    if next_state:
        state["Next"] = next_state
    else:
        state["End"] = True
    return state


def definition(p: Project, timeout: int) -> dict:
    steps = step_names(p)
    compensation = bool(p.answer("compensation"))
    long_waits = waits_for_callback(p)
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
        states[name] = task_state(step, "do", approval_timeout_s(p) if is_approval else timeout + 10,
                                  next_state, catch_to, token=is_approval)
    if compensation:
        for index, step in enumerate(steps[:-1]):
            previous = state_name(steps[index - 1], undo=True) if index > 0 else "RolledBack"
            states[state_name(step, undo=True)] = task_state(step, "undo", timeout + 10, previous, "CompensationFailed")
        # The execution's cause is the failed step's own, carried past the undo steps.
        states["RolledBack"] = {"Type": "Fail", "Error": "WorkflowRolledBack", "CausePath": "$.error.Cause"}
        states["CompensationFailed"] = {"Type": "Fail", "Error": "CompensationFailed",
                                        "Cause": "A compensation task failed; manual repair needed."}
    states["WorkflowFailed"] = {"Type": "Fail", "Error": "WorkflowFailed", "Cause": "A step failed."}
    comment = f"{len(steps)} steps" + (", compensated on failure" if compensation else "")
    return {"Comment": comment, "StartAt": order[0][0], "States": states}


def resources(p: Project) -> None:
    express = is_express(p)
    timeout = p.timeout(FUNCTION)
    if APPROVAL_TABLE in p.composition:
        # Open approval requests with their task tokens: the token never goes to a log.
        p.add_resource(APPROVAL_TABLE, "AWS::DynamoDB::Table", {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
            "SSESpecification": {"SSEEnabled": True},
            # An open request holds the only copy of its task token: losing it strands the execution.
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        }, group=SLUG, DeletionPolicy="Delete", UpdateReplacePolicy="Delete")
        p.expose("APPROVAL_TABLE", ref(APPROVAL_TABLE), {"kind": "table", "name": "approvals", "keys": ["id"]})
        p.add_output("ApprovalTableName", "Open approval requests and their task tokens", ref(APPROVAL_TABLE))
    # Under /aws/vendedlogs/ the log delivery's resource policy stays within CloudWatch Logs' size limit.
    p.add_resource("WorkflowLogGroup", "AWS::Logs::LogGroup", {
        "LogGroupName": sub("/aws/vendedlogs/states/${AWS::StackName}-workflow"),
        "RetentionInDays": 30}, group="shared")
    events = {}
    if f"{MACHINE}Schedule" in p.composition:
        p.add_dlq(SCHEDULE_DLQ, group=SLUG, label="Schedule failures")
        events["Schedule"] = {"Type": "Schedule", "Properties": {
            "Schedule": "rate(1 hour)",
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": get_att(SCHEDULE_DLQ, "Arn")},
        }}
        p.allow_service_to_send(SCHEDULE_DLQ, "events.amazonaws.com", get_att(f"{MACHINE}Schedule", "Arn"))
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
    p.add_resource(MACHINE, "AWS::Serverless::StateMachine", props, group=SLUG)
    p.expose("STATE_MACHINE_ARN", ref(MACHINE), {"kind": "state_machine", "name": "workflow"})
    p.add_output("WorkflowArn", "The workflow state machine", ref(MACHINE))
    p.add_alarm("WorkflowFailedAlarm", description="Workflow executions are failing.",
                namespace="AWS/States", metric="ExecutionsFailed", dimensions={"StateMachineArn": ref(MACHINE)})
    p.add_alarm("WorkflowTimedOutAlarm", description="Workflow executions are timing out.",
                namespace="AWS/States", metric="ExecutionsTimedOut", dimensions={"StateMachineArn": ref(MACHINE)})


def functions(p: Project) -> None:
    steps = step_names(p)
    compensation = bool(p.answer("compensation"))
    long_waits = APPROVAL_TABLE in p.composition
    approvals = {"policies": [{"DynamoDBWritePolicy": {"TableName": ref(APPROVAL_TABLE)}}],
                 "environment": {"APPROVAL_TABLE": ref(APPROVAL_TABLE)}} if long_waits else {}
    p.add_function(Function(
        logical_id=FUNCTION, folder="workflow_steps", pattern=SLUG,
        template="handlers/step_functions.py.j2", test_template="tests/step_functions.py.j2",
        description="Runs and compensates the workflow's steps",
        context={"steps": steps, "compensation": compensation, "long_waits": long_waits,
                 "express": is_express(p), "approval_wait_s": approval_timeout_s(p)},
        sample_event={"step": steps[0], "action": "do", "execution": "0f9d8c7b-sample",
                      "input": {"key": "item-1001", "id": "item-1001", "category": "standard"}},
        **approvals,
    ))
    express = is_express(p)
    worst = p.answer("max_duration_s")
    express_limit = f"{express_max_s(p):g} s"
    if express:
        p.note(SLUG, f"Express workflow: the worst case ({worst} s) fits its {express_limit} limit and nothing "
                     "waits for people, and it costs far less per execution than Standard. Express runs tasks "
                     "at least once, so every step is idempotent per execution.")
    else:
        p.note(SLUG, "Standard workflow: " + ("the process waits for an approval (task token), "
                                              if waits_for_callback(p) else "")
               + ("doing a step twice would do harm, and Standard runs each execution exactly once "
                  "(Express may repeat one); " if not duplicates_harmless(p) else "")
               + f"the worst case ({worst} s) " + ("may exceed" if float(worst) > express_max_s(p) else "is within")
               + f" Express's {express_limit} limit; Standard keeps a full execution history for up to a year.")
    p.note(SLUG, f"{len(steps)} task states, each with Retry (AWS throttling and `TransientStepError`, "
                 "exponential backoff with jitter) and Catch"
                 + ("; on failure the completed steps are compensated in reverse order." if compensation
                    else "; on failure the execution stops in `WorkflowFailed` and the alarm fires."))
    if bounded_steps(p) > int(p.answer("steps")):
        p.note(SLUG, f"One unit of work computes for up to {p.answer('max_duration_s')} s, more than a function may "
                     f"run ({p.lambda_max_timeout()} s), so it is split into {len(steps)} bounded steps of at most "
                     f"{step_timeout(p)} s each. Each step must checkpoint its progress in the execution state; "
                     "work that cannot be split belongs in a container task (ECS on Fargate) or AWS Batch.")
    if int(p.answer("steps")) > MAX_STEPS:
        p.note(SLUG, f"The answers mention {p.answer('steps')} steps; {MAX_STEPS} are generated. A process this "
                     "long is usually better split into nested workflows.")
    if waits_for_callback(p):
        p.note(SLUG, f"`AwaitApproval` pauses the execution (up to {approval_timeout_s(p) / 86400:g} days) and records the request, with its "
                     "task token, in `ApprovalTable` (the token is never logged). The approving tool reads it "
                     "there and calls `aws stepfunctions send-task-success --task-token <token> --task-output "
                     "'{}'` (or `send-task-failure`). While a request is open, that tool confirms it at least "
                     "once a day with `send-task-heartbeat`: without one for 24 hours the step fails as "
                     "abandoned. A wait that times out is not retried.")
