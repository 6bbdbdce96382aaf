"""The rule expression language: what staff may write, and what it means."""

import pytest

from patterns.expressions import BOOL, NUMBER, ExpressionError, VarType, compile_expression

VARIABLES = {
    "trigger": VarType("str", choices=frozenset({"http", "queue", "event"})),
    "client_waits": BOOL,
    "duration_s": NUMBER,
    "steps": NUMBER,
    "downstream_max_rps": VarType("number", nullable=True),
    "name": VarType("str"),
}
LIMITS = {"lambda-max-duration": 900.0}
ANSWERS = {"trigger": "http", "client_waits": False, "duration_s": 1200.0, "steps": 3,
           "downstream_max_rps": None, "name": "x"}


def evaluate(source, answers=ANSWERS, expect="bool"):
    return compile_expression(source, VARIABLES, LIMITS, expect=expect).evaluate(answers)


@pytest.mark.parametrize("source, expected", [
    ("duration_s > 900 and not client_waits", True),
    ("duration_s > limit('lambda-max-duration')", True),
    ("duration_s <= limit('lambda-max-duration') or client_waits", False),
    ("trigger == 'http'", True),
    ("trigger in ['queue', 'event']", False),
    ("trigger not in ['queue', 'event']", True),
    ("1 < steps <= 3", True),
    ("steps * 400 >= duration_s", True),
    ("max(steps, 10) == 10", True),
    ("abs(-steps) == 3", True),
    ("client_waits == false", True),
    ("true", True),
    # An unanswered number is never above or below anything.
    ("downstream_max_rps < 10", False),
    ("downstream_max_rps >= 0", False),
    ("downstream_max_rps == null", True),
    ("downstream_max_rps != null and duration_s > downstream_max_rps", False),
    ("duration_s / 0 > 1", False),
])
def test_it_evaluates(source, expected):
    assert evaluate(source) is expected


def test_it_reports_the_keys_it_reads_in_order():
    compiled = compile_expression("not client_waits and duration_s > 900 and client_waits == false", VARIABLES, LIMITS)
    assert compiled.keys == ("client_waits", "duration_s")


def test_it_computes_values():
    assert evaluate("duration_s * steps", expect="number") == 3600.0
    assert evaluate("downstream_max_rps * 2", expect="number") is None


@pytest.mark.parametrize("source, message", [
    ("duraton_s > 5", "unknown answer key 'duraton_s'"),
    ("trigger == 'htpp'", "'htpp' is not one of the choices"),
    ("trigger in ['http', 'cron']", "'cron' is not one of the choices"),
    ("duration_s >", "syntax error"),
    ("duration_s > 'long'", "needs a number"),
    ("trigger > 3", "needs a number"),
    ("client_waits and 5", "needs true/false"),
    ("duration_s", "must be true or false"),
    ("limit('no-such-limit') > 1", "unknown limit id 'no-such-limit'"),
    ("__import__('os').system('true')", "not an allowed function call"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("trigger.upper() == 'HTTP'", "not an allowed function call"),
    ("().__class__", "not allowed"),
    ("[x for x in 'ab']", "not allowed"),
    ("lambda: 1", "not allowed"),
    ("duration_s ** 99999 > 1", "not allowed"),
    ("client_waits == 1", "cannot be compared"),
    ("trigger in trigger", "needs a list"),
    ("", "empty"),
    ("x" * 2000, "longer than"),
])
def test_it_refuses_with_the_reason(source, message):
    with pytest.raises(ExpressionError) as error:
        compile_expression(source, VARIABLES, LIMITS)
    assert message in str(error.value)


def test_it_refuses_a_value_that_is_not_a_number():
    with pytest.raises(ExpressionError, match="must be a number"):
        compile_expression("client_waits", VARIABLES, LIMITS, expect="number")
