"""The catalogue as an AWS Well-Architected custom lens, and back.

Teams that review workloads in the AWS Well-Architected Tool can import the lens to ask
our questions there. The mapping:

* each questionnaire section becomes a pillar, and each choice or yes/no question in it a
  lens question with the question's own choices (a yes/no question offers "Yes" and "No",
  the latter as the lens's exclusive "none of these" choice, id ending ``_no``). Number
  and text answers have no lens equivalent and are left out. These questions carry no risk.
* each warning (a risk the advisor checks for) becomes a question of the "Risks" pillars:
  its choices are the steps of the flow that avoids it, each with the warning's advice as
  improvement plan and its summary as helpful resource, plus a "None of these" choice.
  Every step taken is no risk; some is medium risk; none is high risk for a high or
  critical warning and medium risk otherwise.

``validate_lens`` checks a lens against the published format rules (the limits are the
constants below); ``read_lens`` maps a lens back onto the catalogue's questions and
warnings, so a lens edited in the Tool can be compared with ours, and reading our own
export back changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from typing import Any

from .catalogue import Catalogue, Choice, Question, WarningKind

SCHEMA_VERSION = "2021-11-01"
# The format's published limits.
MAX_PILLARS = 10
MAX_QUESTIONS_PER_PILLAR = 20
MAX_CHOICES_PER_QUESTION = 15
MAX_RISK_RULES = 3
MAX_TITLE = 128  # lens name, pillar name, question and choice titles
MAX_TEXT = 2048  # descriptions and display texts
MAX_ADDITIONAL_RESOURCES = 5  # per type, per choice
MAX_LENS_BYTES = 500 * 1000  # 500 KB; counted in decimal kilobytes to stay on the safe side
ID_PATTERN = re.compile(r"[A-Za-z0-9_]{3,128}")
NONE_SUFFIX = "_no"
RISKS = ("HIGH_RISK", "MEDIUM_RISK", "NO_RISK")
RESOURCE_TYPES = ("HELPFUL_RESOURCE", "IMPROVEMENT_PLAN")

LENS_NAME = "Serverless architecture advisor"
LENS_DESCRIPTION = ("The serverless architecture advisor's questions about a workload, and the risks it checks "
                    "serverless designs for, as a custom lens (catalogue rules version {version}).")
RISK_PILLAR = ("risks", "Risks")
ANSWER_PLAN = ("This answer decides which serverless patterns fit. Describe the workload in the serverless "
               "architecture advisor to see the proposed patterns with their risks and limits.")
NONE_HELP = "Choose this when the workload takes none of these steps."
ELLIPSIS = "\u2026"
HIGH_SEVERITIES = ("high", "critical")


class LensError(ValueError):
    """The lens breaks the format or does not match the catalogue; ``problems`` lists why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# Ids ----------------------------------------------------------------------------------------
def _token(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def question_id(question: Question) -> str:
    return f"q_{question.key}"


def choice_id(question: Question, value: str) -> str:
    cid = f"{question.key}__{_token(value)}"
    return cid + "_value" if cid.endswith(NONE_SUFFIX) else cid  # only "none of these" may end in _no


def risk_question_id(warning: WarningKind) -> str:
    return f"risk_{_token(warning.id)}"


def _fit(text: str, limit: int) -> str:
    """The text, cut to ``limit`` characters with an ellipsis when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _unfit(text: str, original: str, limit: int) -> str:
    """Undo ``_fit``: the original when ``text`` is its cut."""
    if len(original) > limit and text == _fit(original, limit):
        return original
    return text


# Export ------------------------------------------------------------------------------------------
def lens_questions(catalogue: Catalogue) -> list[Question]:
    """The questions the lens asks, in questionnaire order."""
    return [q for q in sorted(catalogue.questions, key=lambda q: q.order) if q.type in ("choice", "bool")]


def _answer_question(question: Question) -> dict[str, Any]:
    if question.type == "bool":
        choices = [{"id": f"{question.key}_yes", "title": "Yes", "improvementPlan": {"displayText": ANSWER_PLAN}},
                   {"id": f"{question.key}{NONE_SUFFIX}", "title": "No"}]
    else:
        choices = [{"id": choice_id(question, c.value), "title": _fit(c.label, MAX_TITLE),
                    "improvementPlan": {"displayText": ANSWER_PLAN}} for c in question.choices]
    entry: dict[str, Any] = {"id": question_id(question), "title": _fit(question.label, MAX_TITLE)}
    if question.help:
        entry["description"] = _fit(question.help, MAX_TEXT)
    entry["choices"] = choices
    entry["riskRules"] = [{"condition": "default", "risk": "NO_RISK"}]
    return entry


def _risk_question(warning: WarningKind) -> dict[str, Any]:
    qid = risk_question_id(warning)
    steps = [f"{qid}_{n}" for n in range(1, len(warning.better) + 1)]
    choices = []
    for cid, step in zip(steps, warning.better):
        choice: dict[str, Any] = {"id": cid, "title": _fit(step, MAX_TITLE)}
        if warning.summary:
            choice["helpfulResource"] = {"displayText": _fit(warning.summary, MAX_TEXT)}
        choice["improvementPlan"] = {"displayText": _fit(warning.advice or warning.summary or step, MAX_TEXT)}
        choices.append(choice)
    choices.append({"id": f"{qid}{NONE_SUFFIX}", "title": "None of these",
                    "helpfulResource": {"displayText": NONE_HELP}})
    high = warning.severity in HIGH_SEVERITIES
    rules = []
    if steps:
        rules.append({"condition": " && ".join(steps), "risk": "NO_RISK"})
        if high:
            rules.append({"condition": " || ".join(steps), "risk": "MEDIUM_RISK"})
    rules.append({"condition": "default", "risk": "HIGH_RISK" if high else "MEDIUM_RISK"})
    entry: dict[str, Any] = {"id": qid, "title": _fit(warning.title, MAX_TITLE)}
    if warning.summary:
        entry["description"] = _fit(warning.summary, MAX_TEXT)
    entry["choices"] = choices
    entry["riskRules"] = rules
    return entry


def _chunks(items: list, size: int) -> list[list]:
    return [items[i: i + size] for i in range(0, len(items), size)] or [[]]


def _pillars(pillar_id: str, name: str, questions: list[dict]) -> list[dict]:
    """One pillar, or several of at most MAX_QUESTIONS_PER_PILLAR questions each."""
    chunks = _chunks(questions, MAX_QUESTIONS_PER_PILLAR)
    return [{"id": pillar_id if n == 1 else f"{pillar_id}_{n}",
             "name": _fit(name if n == 1 else f"{name} ({n})", MAX_TITLE), "questions": chunk}
            for n, chunk in enumerate(chunks, start=1) if chunk]


def export_lens(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as a custom lens (a JSON-ready dict). Raise LensError when the result
    would break the format (for example a warning with more steps than a question allows)."""
    sections: dict[str, list[dict]] = {}
    for question in lens_questions(catalogue):
        sections.setdefault(question.section, []).append(_answer_question(question))
    pillars = []
    for section, questions in sections.items():
        pillars += _pillars(f"section_{_token(section.lower())}", section, questions)
    severity_rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    warnings = sorted(catalogue.warnings, key=lambda w: (severity_rank.get(w.severity, 9), w.id))
    pillars += _pillars(*RISK_PILLAR, [_risk_question(w) for w in warnings])
    lens = {"schemaVersion": SCHEMA_VERSION, "name": LENS_NAME,
            "description": _fit(LENS_DESCRIPTION.format(version=catalogue.version), MAX_TEXT), "pillars": pillars}
    problems = validate_lens(lens)
    if problems:
        raise LensError(problems)
    return lens


def lens_json(lens: dict[str, Any]) -> str:
    return json.dumps(lens, indent=2, ensure_ascii=False) + "\n"


# Validation --------------------------------------------------------------------------------------
_CONDITION_TOKEN = re.compile(r"\s*(?:(&&|\|\||!|\(|\))|([A-Za-z0-9_]+))")


def _check_condition(condition: str, choice_ids: set[str]) -> str | None:
    """Why a risk condition is not a Boolean expression of the question's choices, or None."""
    tokens, position = [], 0
    while position < len(condition.rstrip()):
        match = _CONDITION_TOKEN.match(condition, position)
        if not match:
            return f"unexpected text at {condition[position:position + 20]!r}"
        tokens.append(match.group(1) or match.group(2))
        position = match.end()
    index = 0

    # expr := term ('||' term)* ; term := factor ('&&' factor)* ; factor := '!' factor | '(' expr ')' | id
    def factor() -> str | None:
        nonlocal index
        if index >= len(tokens):
            return "ends too early"
        token = tokens[index]
        index += 1
        if token == "!":
            return factor()
        if token == "(":
            problem = expr()
            if problem:
                return problem
            if index >= len(tokens) or tokens[index] != ")":
                return "a parenthesis is not closed"
            index += 1
            return None
        if token in ("&&", "||", ")"):
            return f"unexpected {token!r}"
        if token not in choice_ids:
            return f"'{token}' is not a choice of this question"
        return None

    def chain(inner, operator) -> str | None:
        nonlocal index
        problem = inner()
        while not problem and index < len(tokens) and tokens[index] == operator:
            index += 1
            problem = inner()
        return problem

    def term() -> str | None:
        return chain(factor, "&&")

    def expr() -> str | None:
        return chain(term, "||")

    problem = expr()
    if not problem and index < len(tokens):
        problem = f"unexpected {tokens[index]!r}"
    return problem


class _Checker:
    def __init__(self):
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def keys(self, where: str, data: Any, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> bool:
        if not isinstance(data, dict):
            self.add(where, "must be an object")
            return False
        for key in required:
            if key not in data:
                self.add(where, f"'{key}' is missing")
        for key in sorted(set(data) - set(required) - set(optional)):
            self.add(where, f"'{key}' is not part of the format")
        return True

    def text(self, where: str, value: Any, limit: int, required: bool = True) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(where, "must be a non-empty text")
        elif len(value) > limit:
            self.add(where, f"is {len(value)} characters; at most {limit}")

    def ident(self, where: str, value: Any, seen: set[str]) -> None:
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.add(where, f"{value!r} must be 3 to 128 letters, digits or _")
        elif value in seen:
            self.add(where, f"'{value}' is used twice")
        else:
            seen.add(value)

    def url(self, where: str, value: Any) -> None:
        if not isinstance(value, str) or not re.match(r"https?://\S", value):
            self.add(where, "must start with http:// or https://")

    def content(self, where: str, data: Any, text_required: bool) -> None:
        if not self.keys(where, data, ("displayText",) if text_required else (), ("displayText", "url")):
            return
        if "url" in data:
            self.url(f"{where}.url", data["url"])
            if "displayText" not in data:
                self.add(where, "a url needs a displayText")
        if "displayText" in data:
            self.text(f"{where}.displayText", data["displayText"], MAX_TEXT)

    def listing(self, where: str, value: Any, most: int, what: str) -> list:
        if not isinstance(value, list) or not value:
            self.add(where, f"must be a non-empty list of {what}")
            return []
        if len(value) > most:
            self.add(where, f"has {len(value)} {what}; at most {most}")
        return value


def validate_lens(lens: Any) -> list[str]:
    """Every way ``lens`` breaks the custom lens format (empty when it is valid)."""
    check = _Checker()
    if not check.keys("lens", lens, ("schemaVersion", "name", "description", "pillars")):
        return check.problems
    if lens.get("schemaVersion") != SCHEMA_VERSION:
        check.add("schemaVersion", f"must be {SCHEMA_VERSION!r}")
    check.text("name", lens.get("name"), MAX_TITLE)
    check.text("description", lens.get("description"), MAX_TEXT)
    pillar_ids: set[str] = set()
    question_ids: set[str] = set()
    for p, pillar in enumerate(check.listing("pillars", lens.get("pillars"), MAX_PILLARS, "pillars")):
        where = f"pillars[{p}]"
        if not check.keys(where, pillar, ("id", "name", "questions")):
            continue
        check.ident(f"{where}.id", pillar.get("id"), pillar_ids)
        check.text(f"{where}.name", pillar.get("name"), MAX_TITLE)
        questions = check.listing(f"{where}.questions", pillar.get("questions"), MAX_QUESTIONS_PER_PILLAR, "questions")
        for q, question in enumerate(questions):
            _check_question(check, f"{where}.questions[{q}]", question, question_ids)
    try:
        size = len(json.dumps(lens, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        check.add("lens", "is not plain JSON data")
    else:
        if size > MAX_LENS_BYTES:
            check.add("lens", f"is {size} bytes; at most {MAX_LENS_BYTES}")
    return check.problems


def _check_question(check: _Checker, where: str, question: Any, question_ids: set[str]) -> None:
    if not check.keys(where, question, ("id", "title", "choices", "riskRules"), ("description", "helpfulResource")):
        return
    check.ident(f"{where}.id", question.get("id"), question_ids)
    check.text(f"{where}.title", question.get("title"), MAX_TITLE)
    check.text(f"{where}.description", question.get("description"), MAX_TEXT, required=False)
    if "helpfulResource" in question:
        check.content(f"{where}.helpfulResource", question["helpfulResource"], text_required=False)
    choice_ids: set[str] = set()
    for c, choice in enumerate(check.listing(f"{where}.choices", question.get("choices"),
                                             MAX_CHOICES_PER_QUESTION, "choices")):
        _check_choice(check, f"{where}.choices[{c}]", choice, choice_ids)
    rules = check.listing(f"{where}.riskRules", question.get("riskRules"), MAX_RISK_RULES, "risk rules")
    risks, defaults = [], 0
    for r, rule in enumerate(rules):
        at = f"{where}.riskRules[{r}]"
        if not check.keys(at, rule, ("condition", "risk")):
            continue
        if rule.get("risk") not in RISKS:
            check.add(f"{at}.risk", f"must be one of {', '.join(RISKS)}")
        risks.append(rule.get("risk"))
        condition = rule.get("condition")
        if condition == "default":
            defaults += 1
            if r != len(rules) - 1:
                check.add(at, "the default rule must come last; a rule after it could never apply")
        elif not isinstance(condition, str) or not condition.strip():
            check.add(f"{at}.condition", "must be a Boolean expression of the choices, or 'default'")
        else:
            problem = _check_condition(condition, choice_ids)
            if problem:
                check.add(f"{at}.condition", problem)
    if rules and defaults != 1:
        check.add(f"{where}.riskRules", "needs exactly one 'default' rule")
    if len(set(risks)) != len(risks):
        check.add(f"{where}.riskRules", "has two rules for the same risk; one rule per risk level")


def _check_choice(check: _Checker, where: str, choice: Any, choice_ids: set[str]) -> None:
    if not check.keys(where, choice, ("id", "title"), ("helpfulResource", "improvementPlan", "additionalResources")):
        return
    check.ident(f"{where}.id", choice.get("id"), choice_ids)
    check.text(f"{where}.title", choice.get("title"), MAX_TITLE)
    if "helpfulResource" in choice:
        check.content(f"{where}.helpfulResource", choice["helpfulResource"], text_required=False)
    is_none = isinstance(choice.get("id"), str) and choice["id"].endswith(NONE_SUFFIX)
    if "improvementPlan" in choice:
        check.content(f"{where}.improvementPlan", choice["improvementPlan"], text_required=True)
    elif not is_none:
        check.add(where, "needs an improvementPlan (only a 'none of these' choice, id ending _no, may omit it)")
    if "additionalResources" in choice:
        resources = choice["additionalResources"]
        if not isinstance(resources, list):
            check.add(f"{where}.additionalResources", "must be a list")
            return
        for a, resource in enumerate(resources):
            at = f"{where}.additionalResources[{a}]"
            if not check.keys(at, resource, ("type", "content")):
                continue
            if resource.get("type") not in RESOURCE_TYPES:
                check.add(f"{at}.type", f"must be one of {', '.join(RESOURCE_TYPES)}")
            for n, item in enumerate(check.listing(f"{at}.content", resource.get("content"),
                                                   MAX_ADDITIONAL_RESOURCES, "resources")):
                check.content(f"{at}.content[{n}]", item, text_required=False)


# Reading a lens back -----------------------------------------------------------------------------
def read_lens(lens: Any, catalogue: Catalogue) -> Catalogue:
    """The catalogue with the texts the lens gives our questions, choices and warnings.

    Question titles and descriptions become labels and help; choice titles become choice
    labels; a risk question gives its warning's title and summary, its steps (the choices
    before "None of these") and its advice (the improvement plan). Ids the catalogue does
    not know are refused. Reading ``export_lens(catalogue)`` gives the same catalogue.
    """
    problems = validate_lens(lens)
    if problems:
        raise LensError(problems)
    questions = {question_id(q): q for q in lens_questions(catalogue)}
    warnings = {risk_question_id(w): w for w in catalogue.warnings}
    new_questions = {q.key: q for q in catalogue.questions}
    new_warnings = {w.id: w for w in catalogue.warnings}
    for pillar in lens["pillars"]:
        for entry in pillar["questions"]:
            qid = entry["id"]
            if qid in questions:
                question = questions[qid]
                new_questions[question.key] = _read_question(entry, question, problems)
            elif qid in warnings:
                warning = warnings[qid]
                new_warnings[warning.id] = _read_warning(entry, warning, problems)
            else:
                problems.append(f"question '{qid}' is not one of the catalogue's questions or warnings")
    if problems:
        raise LensError(problems)
    return dataclasses.replace(
        catalogue,
        questions=tuple(new_questions[q.key] for q in catalogue.questions),
        warnings=tuple(new_warnings[w.id] for w in catalogue.warnings),
    )


def _read_question(entry: dict, question: Question, problems: list[str]) -> Question:
    label = _unfit(entry["title"], question.label, MAX_TITLE)
    help_text = _unfit(entry.get("description", ""), question.help, MAX_TEXT)
    choices = question.choices
    if question.type == "bool":
        expected = {f"{question.key}_yes", f"{question.key}{NONE_SUFFIX}"}
        unknown = sorted({c["id"] for c in entry["choices"]} - expected)
        if unknown:
            problems.append(f"question '{entry['id']}': unknown choice(s) {', '.join(unknown)}")
    else:
        by_id = {choice_id(question, c.value): c for c in question.choices}
        labels = {}
        for choice in entry["choices"]:
            known = by_id.get(choice["id"])
            if known is None:
                problems.append(f"question '{entry['id']}': choice '{choice['id']}' is not one of its choices")
                continue
            labels[known.value] = _unfit(choice["title"], known.label, MAX_TITLE)
        choices = tuple(Choice(c.value, labels.get(c.value, c.label)) for c in question.choices)
    return dataclasses.replace(question, label=label, help=help_text, choices=choices)


def _read_warning(entry: dict, warning: WarningKind, problems: list[str]) -> WarningKind:
    qid = entry["id"]
    steps, advice = [], warning.advice
    for n, choice in enumerate(entry["choices"]):
        if choice["id"] == f"{qid}{NONE_SUFFIX}":
            continue
        if not re.fullmatch(rf"{re.escape(qid)}_\d+", choice["id"]):
            problems.append(f"question '{qid}': choice '{choice['id']}' is not a step of this warning")
            continue
        original = warning.better[len(steps)] if len(steps) < len(warning.better) else ""
        steps.append(_unfit(choice["title"], original, MAX_TITLE))
        plan = choice.get("improvementPlan", {}).get("displayText")
        if plan is not None and plan != _fit(warning.advice or warning.summary or original, MAX_TEXT):
            advice = plan
    return dataclasses.replace(
        warning, title=_unfit(entry["title"], warning.title, MAX_TITLE),
        summary=_unfit(entry.get("description", ""), warning.summary, MAX_TEXT), better=tuple(steps), advice=advice)


# Importing into an AWS account ---------------------------------------------------------------------
def import_lens(lens: dict[str, Any], client, lens_alias: str | None = None) -> str:
    """Import the lens into the account of a boto3 ``wellarchitected`` client as a new
    custom lens (or a new draft of ``lens_alias``); return its ARN."""
    problems = validate_lens(lens)
    if problems:
        raise LensError(problems)
    params = {"JSONString": json.dumps(lens, ensure_ascii=False), "ClientRequestToken": str(uuid.uuid4())}
    if lens_alias:
        params["LensAlias"] = lens_alias
    return client.import_lens(**params)["LensArn"]
