"""The catalogue as plain, immutable data.

A ``Catalogue`` holds everything the rules engine needs: patterns, warnings, limits,
prices, questions, rules and the checklist, and the words of the template analyzer's
findings and the Lambda runtimes it reports as deprecated. It comes either from the version-controlled
YAML files (``load_files``) or from the database rows staff edit (``patterns.store``);
the engine does not know or care which.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from . import plain_data

DATA_DIR = Path(__file__).resolve().parent / "data"

SEVERITIES = ("low", "medium", "high", "critical")
QUESTION_TYPES = ("choice", "bool", "int", "number", "text")
RULE_EFFECTS = ("score", "warning", "limit")


class CatalogueError(ValueError):
    """The catalogue data is inconsistent; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    type: str
    default: Any = None
    help: str = ""
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    nullable: bool = False
    unit: str = ""
    section: str = "General"
    when: str = ""
    # The answer while `when` does not hold: the question does not apply, so neither does an
    # answer given to it (None keeps the answer, or the default).
    when_hidden: Any = None
    default_from: str = ""  # take the default from another answer (max_duration_s = duration_s)
    at_least: str = ""  # must be >= another answer
    order: int = 0


@dataclass(frozen=True)
class Tradeoff:
    benefit: str
    cost: str


@dataclass(frozen=True)
class Alternative:
    instead_of: str
    use: str
    why: str = ""


@dataclass(frozen=True)
class Pattern:
    slug: str
    name: str
    summary: str
    when_to_use: tuple[str, ...] = ()
    tradeoffs: tuple[Tradeoff, ...] = ()
    rule_of_thumb: str = ""
    services: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    best_for: str = ""
    main_risk: str = ""
    order: int = 0


@dataclass(frozen=True)
class WarningKind:
    id: str
    title: str
    severity: str
    summary: str = ""
    bad: tuple[str, ...] = ()
    better: tuple[str, ...] = ()
    advice: str = ""


@dataclass(frozen=True)
class Limit:
    id: str
    name: str
    value: float
    unit: str
    source: str = ""
    as_of: str = ""
    verified: bool = True
    notes: str = ""


# A Lambda runtime identifier as AWS writes them (python3.13, nodejs4.3-edge, provided.al2023).
RUNTIME_ID = re.compile(r"[a-z][a-z0-9.-]{0,62}")


@dataclass(frozen=True)
class Runtime:
    """A Lambda runtime identifier and the day Lambda deprecated it (stopped patching it), or
    will: the template analyzer reports a function on it from that day. A runtime with no row
    is taken to be supported."""
    id: str
    deprecated: date
    source: str = ""
    as_of: str = ""
    verified: bool = True
    notes: str = ""


# The Region the shipped prices are for, and of any price row that names none.
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Price:
    id: str
    service: str
    name: str
    usd: float
    per: float
    unit: str
    source: str = ""
    as_of: str = ""
    verified: bool = True
    notes: str = ""
    # Units AWS gives free each month (deducted only when the free tier is asked for).
    free: float = 0.0
    # For a tier of a tiered price: the monthly quantity, in units, up to which this tier
    # applies (tiers are rows with ids ``<base>-1``, ``<base>-2``...); None for the last tier.
    up_to: float | None = None
    region: str = DEFAULT_REGION

    @property
    def unit_usd(self) -> float:
        return self.usd / self.per


@dataclass(frozen=True)
class Rule:
    name: str
    effect: str
    when: str
    explanation: str = ""
    pattern: str = ""
    weight: float = 0.0
    warning: str = ""
    severity: str = ""
    limit: str = ""
    value: str = ""
    enabled: bool = True
    order: int = 0


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    when: str = ""
    patterns: tuple[str, ...] = ()
    order: int = 0


@dataclass(frozen=True)
class LambdaAlternative:
    """What to use instead of, or beside, Lambda when the answers call for it (SPEC §8.4).

    ``when`` is an expression over answer keys, like a rule's condition; ``patterns``, when
    given, also requires one of those patterns to be proposed. ``replaces`` names the
    patterns whose functions it stands in for; ``fits_lambda`` false means the core of the
    work does not belong in Lambda at all. ``why`` may use ``{answer_key}`` placeholders;
    ``lambda_role`` says what Lambda still does beside it."""
    id: str
    title: str
    when: str
    why: str
    lambda_role: str = ""
    replaces: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    fits_lambda: bool = True
    order: int = 0


@dataclass(frozen=True)
class FindingCase:
    """Another way an analyzer finding shows up, with its own severity and text: ``case`` is
    one of the cases the analyzer names for the finding (``patterns.finding_texts.CASES``)."""
    case: str
    severity: str
    explanation: str
    fix: str


@dataclass(frozen=True)
class AnalyzerFinding:
    """A risk the template analyzer reports (SPEC 3.5, 8.6): its title, its severity, what is
    wrong and why it matters (``explanation``), and what to do (``fix``). The texts may use the
    placeholders the analyzer supplies for the finding, such as ``{function}``; ``cases`` hold
    the other ways the same finding shows up."""
    id: str
    title: str
    severity: str
    explanation: str
    fix: str
    cases: tuple[FindingCase, ...] = ()


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Immutable; compared and cached by identity, versioned by content."""

    patterns: tuple[Pattern, ...]
    warnings: tuple[WarningKind, ...]
    limits: tuple[Limit, ...]
    prices: tuple[Price, ...]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    checklist: tuple[ChecklistItem, ...] = field(default=())
    alternatives: tuple[LambdaAlternative, ...] = field(default=())
    findings: tuple[AnalyzerFinding, ...] = field(default=())
    runtimes: tuple[Runtime, ...] = field(default=())

    @cached_property
    def version(self) -> str:
        """A digest of the whole content: it changes whenever any row changes."""
        # Rows are hashed in a canonical order, so the same content read from the files or
        # from the database gives the same version.
        canonical = {
            kind: sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
            for kind, rows in self.to_dict().items()
        }
        payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {f.name: [asdict(item) for item in getattr(self, f.name)] for f in fields(self)}

    @cached_property
    def pattern_map(self) -> dict[str, Pattern]:
        return {p.slug: p for p in self.patterns}

    @cached_property
    def warning_map(self) -> dict[str, WarningKind]:
        return {w.id: w for w in self.warnings}

    @cached_property
    def finding_map(self) -> dict[str, AnalyzerFinding]:
        return {f.id: f for f in self.findings}

    @cached_property
    def limit_map(self) -> dict[str, Limit]:
        return {lim.id: lim for lim in self.limits}

    @cached_property
    def runtime_map(self) -> dict[str, Runtime]:
        return {runtime.id: runtime for runtime in self.runtimes}

    @cached_property
    def price_map(self) -> dict[str, Price]:
        return {p.id: p for p in self.prices}

    @cached_property
    def question_map(self) -> dict[str, Question]:
        return {q.key: q for q in self.questions}

    @classmethod
    def from_dict(cls, data: dict[str, Iterable[dict[str, Any]]]) -> "Catalogue":
        """Build from plain rows (as in the YAML files); raise CatalogueError on bad shape."""
        problems: list[str] = []

        def build(kind: str, maker) -> tuple:
            items = []
            for index, row in enumerate(data.get(kind) or ()):
                try:
                    items.append(maker(index, row))
                except (TypeError, ValueError, KeyError) as exc:
                    label = row.get("id") or row.get("slug") or row.get("key") or row.get("name") if isinstance(row, dict) else None
                    problems.append(f"{kind}[{label or index}]: {exc}")
            return tuple(items)

        catalogue = cls(
            patterns=build("patterns", _pattern),
            warnings=build("warnings", lambda i, r: _simple(WarningKind, r, bad=tuple(r.get("bad") or ()),
                                                            better=tuple(r.get("better") or ()))),
            limits=build("limits", lambda i, r: _simple(Limit, r, value=float(r["value"]), as_of=str(r.get("as_of", "")))),
            prices=build("prices", lambda i, r: _simple(Price, r, usd=float(r["usd"]), per=float(r["per"]),
                                                        as_of=str(r.get("as_of", "")), free=float(r.get("free") or 0),
                                                        up_to=None if r.get("up_to") is None else float(r["up_to"]))),
            questions=build("questions", _question),
            rules=build("rules", lambda i, r: _simple(Rule, r, order=r.get("order", i),
                                                      weight=float(r.get("weight") or 0))),
            checklist=build("checklist", lambda i, r: _simple(ChecklistItem, r, order=r.get("order", i),
                                                              patterns=tuple(r.get("patterns") or ()))),
            alternatives=build("alternatives", lambda i, r: _simple(
                LambdaAlternative, r, order=r.get("order", i), replaces=tuple(r.get("replaces") or ()),
                patterns=tuple(r.get("patterns") or ()))),
            findings=build("findings", _analyzer_finding),
            runtimes=build("runtimes", _runtime),
        )
        if problems:
            raise CatalogueError(problems)
        return catalogue


def checked_row(cls, row: Any, what: str = "entry") -> dict[str, Any]:
    """A file row for the value class ``cls``: a mapping whose keys are all its fields;
    ValueError names the strangers and the fields there are."""
    if not isinstance(row, dict):
        raise ValueError(f"each {what} must be a mapping")
    known = {f.name for f in fields(cls)}
    unknown = set(row) - known
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}; use {', '.join(sorted(known))}")
    return row


def _simple(cls, row: dict[str, Any], **overrides):
    values = {k: v for k, v in checked_row(cls, row).items() if v is not None}
    values.update(overrides)
    return cls(**values)


def _pattern(index: int, row: dict[str, Any]) -> Pattern:
    return _simple(
        Pattern, row,
        order=row.get("order", index),
        when_to_use=tuple(row.get("when_to_use") or ()),
        tradeoffs=tuple(Tradeoff(**t) for t in row.get("tradeoffs") or ()),
        services=tuple(row.get("services") or ()),
        warnings=tuple(sorted(row.get("warnings") or ())),
        alternatives=tuple(Alternative(**a) for a in row.get("alternatives") or ()),
    )


def _analyzer_finding(index: int, row: dict[str, Any]) -> AnalyzerFinding:
    cases = row.get("cases") or []
    if not isinstance(cases, list):
        raise ValueError("cases must be a list")
    return _simple(AnalyzerFinding, row, cases=tuple(_simple(FindingCase, case) for case in cases))


def _runtime(index: int, row: dict[str, Any]) -> Runtime:
    checked_row(Runtime, row, "runtime")
    if not isinstance(row.get("id"), str) or not RUNTIME_ID.fullmatch(row["id"]):
        raise ValueError("id must be a Lambda runtime identifier such as python3.8 (lower-case letters, digits, "
                         "dots and hyphens)")
    deprecated = row.get("deprecated")
    if isinstance(deprecated, str):
        try:
            deprecated = date.fromisoformat(deprecated)
        except ValueError:
            raise ValueError(f"deprecated must be a date written YYYY-MM-DD, not {deprecated!r}") from None
    if not isinstance(deprecated, date):
        raise ValueError(f"deprecated must be a date written YYYY-MM-DD, not {deprecated!r}")
    return _simple(Runtime, row, deprecated=deprecated, as_of=str(row.get("as_of", "")))


def _question(index: int, row: dict[str, Any]) -> Question:
    choices = tuple(
        Choice(value=str(c["value"]), label=str(c.get("label", c["value"]))) if isinstance(c, dict)
        else Choice(value=str(c), label=str(c))
        for c in row.get("choices") or ()
    )
    bounds = {name: float(row[name]) for name in ("min", "max") if row.get(name) is not None}
    return _simple(Question, row, order=row.get("order", index), choices=choices, **bounds)


FOLDER_KINDS = ("patterns", "warnings", "limits", "prices", "rules", "checklist")
# The files of the data folder. Scenarios are read with the rest but are not part of the
# Catalogue (see patterns.scenarios): they test it.
SHARED_KINDS = ("patterns", "warnings", "limits", "prices", "questions", "rules", "checklist", "scenarios",
                "alternatives", "findings", "runtimes")


# libyaml's parser when PyYAML was built with it (its wheels are): the catalogue is read at every
# start of a command or a process, and the pure-Python parser took 0.3 s of it.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong and on which line: "found invalid Unicode character escape code, line 12"."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if not problem:
        return str(exc).splitlines()[0][:200]
    return f"{problem[:200]}, line {mark.line + 1}" if mark is not None else problem[:200]


def _read_yaml(path: Path) -> Any:
    """One catalogue file as plain data; CatalogueError (naming the file) if it cannot be used."""
    try:
        return plain_data.check(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER))
    except UnicodeDecodeError:
        raise CatalogueError([f"{path}: is not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        raise CatalogueError([f"{path}: is not valid YAML ({_yaml_problem(exc)})"]) from None
    except plain_data.PlainDataError as exc:
        raise CatalogueError([f"{path}: {exc}"]) from None
    except (ValueError, OverflowError, RecursionError):
        raise CatalogueError([f"{path}: holds a value that cannot be read (a number thousands of digits "
                              "long, a date that does not exist, or nesting too deep)"]) from None


def read_data_files(directory: Path = DATA_DIR, folders_root: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """The shared catalogue files, then what each pattern folder's ``catalogue.yaml`` adds.

    A folder's file is a mapping with ``pattern`` (its entry) and optionally ``warnings``,
    ``limits``, ``prices``, ``rules`` and ``checklist`` (lists, as in the shared files); its
    rows come after the shared ones, in the registry's order. A folder's rules belong to its
    pattern: they need not name it, and may not name another. The folders are the registry's
    own, or, with ``folders_root``, folders of the same names under it (an exported catalogue).
    """
    from pattern_library import registry  # the registry imports no catalogue code

    data = {}
    for kind in SHARED_KINDS:
        path = directory / f"{kind}.yaml"
        data[kind] = (_read_yaml(path) or []) if path.exists() else []
        if not isinstance(data[kind], list):
            raise CatalogueError([f"{path}: expected a list of entries"])
    for folder in registry.patterns():
        catalogue_file = folder.catalogue_file if folders_root is None else folders_root / folder.folder.name / registry.CATALOGUE_FILE
        if catalogue_file is None or not catalogue_file.is_file():
            continue
        own = _read_yaml(catalogue_file) or {}
        if not isinstance(own, dict) or not isinstance(own.get("pattern"), dict):
            raise CatalogueError([f"{catalogue_file}: expected a mapping with a 'pattern' entry"])
        data["patterns"].append({"slug": folder.slug, **own["pattern"]})
        for kind in FOLDER_KINDS[1:]:
            rows = own.get(kind) or []
            if not isinstance(rows, list):
                raise CatalogueError([f"{catalogue_file}: {kind} must be a list"])
            if kind == "rules":
                strays = [str(row.get("name")) for row in rows
                          if isinstance(row, dict) and row.get("pattern", folder.slug) != folder.slug]
                if strays:
                    raise CatalogueError([f"{catalogue_file}: rules of another pattern: {', '.join(strays)}"])
                rows = [{**row, "pattern": folder.slug} if isinstance(row, dict) else row for row in rows]
            start = len(data[kind])
            data[kind].extend({"order": start + i, **row} if kind in ("rules", "checklist") else row
                              for i, row in enumerate(rows))
    return data


# Where an exported catalogue keeps its files: the repository's own layout.
EXPORT_DATA_DIR = Path("patterns") / "data"
EXPORT_FOLDERS_DIR = Path("pattern_library")


def read_catalogue_dir(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The rows of a data folder (whose pattern folders are the registry's), or of an
    exported tree: ``patterns/data/*.yaml`` and ``pattern_library/<folder>/catalogue.yaml``
    under ``path``, as ``manage.py export_catalogue`` writes it."""
    path = Path(path)
    if (path / EXPORT_DATA_DIR).is_dir():
        return read_data_files(path / EXPORT_DATA_DIR, path / EXPORT_FOLDERS_DIR)
    if not path.is_dir():
        raise CatalogueError([f"{path}: no such folder"])
    return read_data_files(path)


@lru_cache(maxsize=4)
def load_files(directory: Path = DATA_DIR) -> Catalogue:
    """The shipped catalogue, straight from the YAML files (no database)."""
    return Catalogue.from_dict(read_data_files(Path(directory)))
