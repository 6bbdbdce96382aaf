"""A small, safe expression language for rule conditions and values.

Staff write conditions such as ``duration_s > 900 and not client_waits`` in the admin.
The text is parsed with Python's own parser, then only a whitelist of node kinds is
accepted, names are resolved against the questionnaire's answer keys and type-checked
(including the choice values of a ``choice`` question), and the tree is turned into
nested closures once. Nothing is ever passed to ``eval``.

We wrote this instead of using the ``rule-engine`` package because rules must be checked
against the questionnaire's schema (a misspelt choice value is an error, not a silently
false rule) and because compiled closures evaluate a whole catalogue in microseconds.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from typing import Any, Callable, Mapping

MAX_SOURCE_LENGTH = 1000
MAX_NODES = 300

Evaluator = Callable[[Mapping[str, Any]], Any]


class ExpressionError(ValueError):
    """The expression cannot be accepted; the message says why, for a person."""


@dataclass(frozen=True)
class VarType:
    kind: str  # "bool" | "number" | "str" | "list" | "null"
    nullable: bool = False
    choices: frozenset[str] | None = None

    def describe(self) -> str:
        names = {"bool": "true/false", "number": "number", "str": "text", "list": "list", "null": "null"}
        return names[self.kind] + (" or null" if self.nullable and self.kind != "null" else "")


BOOL = VarType("bool")
NUMBER = VarType("number")
TEXT = VarType("str")
NULL = VarType("null", nullable=True)


@dataclass(frozen=True)
class Compiled:
    source: str
    evaluate: Evaluator
    type: VarType
    keys: tuple[str, ...]  # answer keys the expression reads, in order of appearance


_LITERAL_NAMES = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}
_ORDERING = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: None}
_OP_SYMBOLS = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.In: "in", ast.NotIn: "not in", ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/",
}


def compile_expression(
    source: str,
    variables: Mapping[str, VarType],
    limits: Mapping[str, float] | None = None,
    expect: str | None = "bool",
) -> Compiled:
    """Parse, check and compile ``source``; raise ExpressionError with the reason."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("the expression is empty")
    text = " ".join(source.split())
    if len(text) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_SOURCE_LENGTH} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        column = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"syntax error{column}: {exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError("the expression is too complex")
    compiler = _Compiler(variables, limits or {})
    evaluate, vartype = compiler.compile(tree.body)
    if expect == "bool" and vartype.kind != "bool":
        raise ExpressionError(f"a condition must be true or false, but this gives a {vartype.describe()}")
    if expect == "number" and vartype.kind != "number":
        raise ExpressionError(f"a value must be a number, but this gives a {vartype.describe()}")
    return Compiled(text, evaluate, vartype, tuple(dict.fromkeys(compiler.keys)))


class _Compiler:
    def __init__(self, variables: Mapping[str, VarType], limits: Mapping[str, float]):
        self.variables = variables
        self.limits = limits
        self.keys: list[str] = []

    def compile(self, node: ast.AST) -> tuple[Evaluator, VarType]:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ExpressionError(f"'{_snippet(node)}' is not allowed in a rule expression")
        return method(node)

    # Leaves -----------------------------------------------------------------------------
    def _Constant(self, node: ast.Constant) -> tuple[Evaluator, VarType]:
        value = node.value
        if isinstance(value, bool):
            vartype = BOOL
        elif isinstance(value, (int, float)):
            vartype = NUMBER
        elif isinstance(value, str):
            vartype = TEXT
        elif value is None:
            vartype = NULL
        else:
            raise ExpressionError(f"the literal {value!r} is not allowed")
        return _constant(value), vartype

    def _Name(self, node: ast.Name) -> tuple[Evaluator, VarType]:
        if node.id in _LITERAL_NAMES:
            return self._Constant(ast.Constant(_LITERAL_NAMES[node.id]))
        if node.id not in self.variables:
            raise ExpressionError(f"unknown answer key '{node.id}'")
        self.keys.append(node.id)
        # The engine always passes a complete answer set; a missing key raises KeyError,
        # which makes the rule not fire.
        return operator.itemgetter(node.id), self.variables[node.id]

    def _List(self, node: ast.List | ast.Tuple) -> tuple[Evaluator, VarType]:
        values = []
        kinds = set()
        for element in node.elts:
            if not isinstance(element, ast.Constant) or isinstance(element.value, bytes):
                raise ExpressionError("lists may only hold literal values, like ['http', 'queue']")
            _, vartype = self._Constant(element)
            values.append(element.value)
            kinds.add(vartype.kind)
        if len(kinds) > 1:
            raise ExpressionError("a list must hold values of one type")
        kind = kinds.pop() if kinds else "null"
        frozen = frozenset(values)
        return _constant(frozen), _ListType(kind, frozen)

    _Tuple = _List

    # Operators --------------------------------------------------------------------------
    def _BoolOp(self, node: ast.BoolOp) -> tuple[Evaluator, VarType]:
        parts = [self._expect_bool(value, "and/or") for value in node.values]
        return (_all(parts) if isinstance(node.op, ast.And) else _any(parts)), BOOL

    def _UnaryOp(self, node: ast.UnaryOp) -> tuple[Evaluator, VarType]:
        if isinstance(node.op, ast.Not):
            inner = self._expect_bool(node.operand, "not")
            return (lambda answers: not inner(answers)), BOOL
        if isinstance(node.op, ast.USub):
            if isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float)) \
                    and not isinstance(node.operand.value, bool):
                return self._Constant(ast.Constant(-node.operand.value))
            inner, vartype = self.compile(node.operand)
            self._require_number(vartype, node.operand, "-")
            return (lambda answers: _negate(inner(answers))), NUMBER
        raise ExpressionError(f"the operator in '{_snippet(node)}' is not allowed")

    def _BinOp(self, node: ast.BinOp) -> tuple[Evaluator, VarType]:
        if type(node.op) not in _ARITHMETIC:
            raise ExpressionError(f"the operator in '{_snippet(node)}' is not allowed; use + - * /")
        left, left_type = self.compile(node.left)
        right, right_type = self.compile(node.right)
        symbol = _OP_SYMBOLS[type(node.op)]
        self._require_number(left_type, node.left, symbol)
        self._require_number(right_type, node.right, symbol)
        op = _ARITHMETIC[type(node.op)] or _safe_divide
        return (lambda answers: _null_safe(op, left(answers), right(answers))), NUMBER

    def _Compare(self, node: ast.Compare) -> tuple[Evaluator, VarType]:
        operands = [node.left, *node.comparators]
        compiled = [self.compile(operand) for operand in operands]
        checks = []
        for index, op in enumerate(node.ops):
            (left, left_type), (right, right_type) = compiled[index], compiled[index + 1]
            checks.append(self._comparison(op, left, left_type, right, right_type, operands[index], operands[index + 1]))
        return _all(checks), BOOL

    def _comparison(self, op, left, left_type, right, right_type, left_node, right_node) -> Evaluator:
        constant = _constant_value(right_node, self.limits)
        symbol = _OP_SYMBOLS.get(type(op), "?")
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(right_type, _ListType):
                raise ExpressionError(f"'{symbol}' needs a list on its right, like trigger in ['http', 'queue']")
            self._check_same_kind(left_type, right_type.element, left_node, symbol)
            if right_type.element == "str":
                for value in right_type.values:
                    self._check_choice(left_type, value, left_node)
            values = right_type.values
            if isinstance(op, ast.In):
                return lambda answers: left(answers) in values
            return lambda answers: left(answers) not in values
        if isinstance(op, (ast.Eq, ast.NotEq)):
            if left_type.kind != "null" and right_type.kind != "null":
                self._check_same_kind(left_type, right_type.kind, left_node, symbol)
            self._check_literal_choice(left_type, right_node)
            self._check_literal_choice(right_type, left_node)
            if constant is not _NOT_CONSTANT:
                if isinstance(op, ast.Eq):
                    return lambda answers: left(answers) == constant
                return lambda answers: left(answers) != constant
            if isinstance(op, ast.Eq):
                return lambda answers: left(answers) == right(answers)
            return lambda answers: left(answers) != right(answers)
        if type(op) in _ORDERING:
            self._require_number(left_type, left_node, symbol)
            self._require_number(right_type, right_node, symbol)
            compare = _ORDERING[type(op)]
            if constant is not _NOT_CONSTANT and constant is not None:
                def ordered_constant(answers):
                    a = left(answers)
                    return a is not None and compare(a, constant)

                return ordered_constant

            def ordered(answers):
                a, b = left(answers), right(answers)
                # An unanswered (null) value is never smaller or larger than anything.
                return a is not None and b is not None and compare(a, b)

            return ordered
        raise ExpressionError(f"the comparison '{symbol}' is not allowed")

    def _Call(self, node: ast.Call) -> tuple[Evaluator, VarType]:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise ExpressionError(f"'{_snippet(node)}' is not an allowed function call")
        name = node.func.id
        if name == "limit":
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant) \
                    or not isinstance(node.args[0].value, str):
                raise ExpressionError("limit() takes one limit id in quotes, like limit('lambda-max-duration')")
            limit_id = node.args[0].value
            if limit_id not in self.limits:
                raise ExpressionError(f"unknown limit id '{limit_id}'")
            return _constant(self.limits[limit_id]), NUMBER
        if name in ("min", "max", "abs"):
            expected = (1, 1) if name == "abs" else (2, 10)
            if not expected[0] <= len(node.args) <= expected[1]:
                raise ExpressionError(f"{name}() takes {'one number' if name == 'abs' else 'two or more numbers'}")
            parts = []
            for arg in node.args:
                evaluate, vartype = self.compile(arg)
                self._require_number(vartype, arg, name + "()")
                parts.append(evaluate)
            function = {"min": min, "max": max, "abs": abs}[name]

            def call(answers):
                values = [part(answers) for part in parts]
                if any(value is None for value in values):
                    return None
                return function(*values) if name != "abs" else abs(values[0])

            return call, NUMBER
        raise ExpressionError(f"unknown function '{name}'; allowed: limit, min, max, abs")

    # Checks -----------------------------------------------------------------------------
    def _expect_bool(self, node: ast.AST, where: str) -> Evaluator:
        evaluate, vartype = self.compile(node)
        if vartype.kind != "bool":
            raise ExpressionError(f"'{_snippet(node)}' is a {vartype.describe()}, but '{where}' needs true/false")
        if vartype.nullable:
            return lambda answers: bool(evaluate(answers))
        return evaluate

    def _require_number(self, vartype: VarType, node: ast.AST, symbol: str) -> None:
        if vartype.kind != "number":
            raise ExpressionError(f"'{_snippet(node)}' is a {vartype.describe()}, but '{symbol}' needs a number")

    def _check_same_kind(self, left: VarType, right_kind: str, node: ast.AST, symbol: str) -> None:
        if right_kind != "null" and left.kind != right_kind:
            names = {"bool": "true/false", "number": "a number", "str": "text", "list": "a list"}
            raise ExpressionError(
                f"'{_snippet(node)}' is a {left.describe()} and cannot be compared with {names.get(right_kind, right_kind)} using '{symbol}'"
            )

    def _check_literal_choice(self, vartype: VarType, literal_node: ast.AST) -> None:
        if isinstance(literal_node, ast.Constant) and isinstance(literal_node.value, str):
            self._check_choice(vartype, literal_node.value, None)

    def _check_choice(self, vartype: VarType, value: str, node: ast.AST | None) -> None:
        if vartype.kind == "str" and vartype.choices is not None and value not in vartype.choices:
            allowed = ", ".join(sorted(vartype.choices))
            raise ExpressionError(f"'{value}' is not one of the choices ({allowed})")


@dataclass(frozen=True)
class _ListType(VarType):
    element: str = "null"
    values: frozenset = frozenset()

    def __init__(self, element: str, values: frozenset):
        object.__setattr__(self, "kind", "list")
        object.__setattr__(self, "nullable", False)
        object.__setattr__(self, "choices", None)
        object.__setattr__(self, "element", element)
        object.__setattr__(self, "values", values)


_NOT_CONSTANT = object()


def _constant_value(node: ast.AST, limits: Mapping[str, float]) -> Any:
    """The value of a literal (or limit('id')) operand, else _NOT_CONSTANT."""
    if isinstance(node, ast.Constant) and not isinstance(node.value, bytes):
        return node.value
    if isinstance(node, ast.Name) and node.id in _LITERAL_NAMES:
        return _LITERAL_NAMES[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
        return -node.operand.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "limit" and len(node.args) == 1 \
            and isinstance(node.args[0], ast.Constant) and node.args[0].value in limits:
        return limits[node.args[0].value]
    return _NOT_CONSTANT


def _all(parts: list[Evaluator]) -> Evaluator:
    # Unrolled for the common short chains: a generator costs more than the checks.
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda answers: first(answers) and second(answers)
    if len(parts) == 3:
        first, second, third = parts
        return lambda answers: first(answers) and second(answers) and third(answers)
    head, rest = parts[0], _all(parts[1:])
    return lambda answers: head(answers) and rest(answers)


def _any(parts: list[Evaluator]) -> Evaluator:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda answers: first(answers) or second(answers)
    head, rest = parts[0], _any(parts[1:])
    return lambda answers: head(answers) or rest(answers)


def _constant(value: Any) -> Evaluator:
    return lambda answers: value


def _negate(value):
    return None if value is None else -value


def _safe_divide(a, b):
    return None if b == 0 else a / b


def _null_safe(op, a, b):
    if a is None or b is None:
        return None
    return op(a, b)


def _snippet(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node the parser makes
        text = type(node).__name__
    return text if len(text) <= 60 else text[:57] + "..."
