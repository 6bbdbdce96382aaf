"""Catalogue rows that platform staff edit in the admin.

Each model turns itself into the plain value object the engine reads (``to_value``), and
``patterns.store`` assembles them into a ``Catalogue``. Saving or deleting any row bumps
``CatalogueState.version``, which tells every process to rebuild its compiled catalogue.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from pattern_library import registry

from . import catalogue as values
from . import scenarios as scenario_values

SLUG_VALIDATOR = RegexValidator(r"^[a-z][a-z0-9-]{0,62}$", "Use lower-case letters, digits and hyphens.")
KEY_VALIDATOR = RegexValidator(r"^[a-z][a-z0-9_]{0,49}$", "Use lower-case letters, digits and underscores.")


def validate_pattern_slug(value: str) -> None:
    """A pattern slug must name one of the pattern folders the registry finds."""
    if not registry.is_known(value):
        raise ValidationError(f"Unknown pattern {value!r}: use one of {', '.join(registry.slugs())}.",
                              code="unknown_pattern")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class CatalogueState(models.Model):
    """A single row whose version changes whenever any catalogue row changes."""

    version = models.PositiveBigIntegerField(default=0)
    # A fresh random token per edit: a process caches its engine under the token, and a
    # rolled-back edit can never reuse a token that other content was cached under.
    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "catalogue state"

    def __str__(self) -> str:
        return f"catalogue edit #{self.version}"


class Pattern(models.Model):
    slug = models.CharField(max_length=63, unique=True, validators=[SLUG_VALIDATOR])
    name = models.CharField(max_length=120)
    summary = models.TextField()
    when_to_use = models.TextField(blank=True, help_text="One item per line.")
    tradeoffs = models.JSONField(default=list, blank=True, help_text='List of {"benefit": ..., "cost": ...}.')
    rule_of_thumb = models.TextField(blank=True)
    services = models.TextField(blank=True, help_text="One AWS service per line.")
    warnings = models.ManyToManyField("WarningKind", blank=True, related_name="patterns")
    alternatives = models.JSONField(
        default=list, blank=True, help_text='List of {"instead_of": ..., "use": <pattern slug>, "why": ...}.'
    )
    best_for = models.CharField(max_length=200, blank=True)
    main_risk = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.slug and not registry.is_known(self.slug):
            raise ValidationError({"slug": f"Must be one of the known pattern slugs: {', '.join(registry.slugs())}."})
        problems = []
        if not isinstance(self.tradeoffs, list) or not all(
            isinstance(t, dict) and set(t) == {"benefit", "cost"} for t in self.tradeoffs
        ):
            problems.append("tradeoffs must be a list of objects with exactly 'benefit' and 'cost'")
        if not isinstance(self.alternatives, list) or not all(
            isinstance(a, dict) and {"instead_of", "use"} <= set(a) <= {"instead_of", "use", "why"} for a in self.alternatives
        ):
            problems.append("alternatives must be a list of objects with 'instead_of', 'use' and optional 'why'")
        else:
            for alternative in self.alternatives:
                if not registry.is_known(alternative["use"]):
                    problems.append(f"alternative '{alternative['use']}' is not a pattern slug")
        if problems:
            raise ValidationError("; ".join(problems))

    def to_value(self, warning_ids: tuple[str, ...] | None = None) -> values.Pattern:
        return values.Pattern(
            slug=self.slug, name=self.name, summary=self.summary, when_to_use=_lines(self.when_to_use),
            tradeoffs=tuple(values.Tradeoff(**t) for t in self.tradeoffs), rule_of_thumb=self.rule_of_thumb,
            services=_lines(self.services),
            warnings=warning_ids if warning_ids is not None else tuple(self.warnings.values_list("id", flat=True)),
            alternatives=tuple(values.Alternative(**a) for a in self.alternatives),
            best_for=self.best_for, main_risk=self.main_risk, order=self.order,
        )


class WarningKind(models.Model):
    id = models.CharField(max_length=63, primary_key=True, validators=[SLUG_VALIDATOR])
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=10, choices=[(s, s) for s in values.SEVERITIES])
    summary = models.TextField(blank=True)
    bad = models.TextField(blank=True, help_text="The failing flow, one step per line.")
    better = models.TextField(blank=True, help_text="The flow that avoids it, one step per line.")
    advice = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "warning"

    def __str__(self) -> str:
        return self.id

    def to_value(self) -> values.WarningKind:
        return values.WarningKind(self.id, self.title, self.severity, self.summary, _lines(self.bad),
                                  _lines(self.better), self.advice)


class Limit(models.Model):
    id = models.CharField(max_length=63, primary_key=True, validators=[SLUG_VALIDATOR])
    name = models.CharField(max_length=200)
    value = models.FloatField()
    unit = models.CharField(max_length=20)
    source = models.URLField(max_length=500, blank=True)
    as_of = models.DateField(null=True, blank=True)
    verified = models.BooleanField(default=True, help_text="Untick when only a third-party figure was found.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} = {self.value:g} {self.unit}"

    def to_value(self) -> values.Limit:
        return values.Limit(self.id, self.name, self.value, self.unit, self.source,
                            self.as_of.isoformat() if self.as_of else "", self.verified, self.notes)


class Price(models.Model):
    id = models.CharField(max_length=63, primary_key=True, validators=[SLUG_VALIDATOR])
    service = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    usd = models.DecimalField(max_digits=16, decimal_places=10, help_text="US dollars per 'per' units.")
    per = models.PositiveBigIntegerField(default=1)
    unit = models.CharField(max_length=60)
    source = models.URLField(max_length=500, blank=True)
    as_of = models.DateField(null=True, blank=True)
    verified = models.BooleanField(default=True, help_text="Untick when only a third-party figure was found.")
    notes = models.TextField(blank=True)
    free = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True,
                               help_text="Units AWS gives free each month (deducted when the free tier is asked "
                                         "for); empty when nothing is free.")
    up_to = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True,
                                help_text="For one tier of a tiered price (ids ending -1, -2, ...): the monthly "
                                          "quantity up to which this tier applies; empty for the last tier.")
    region = models.CharField(max_length=30, blank=True, default=values.DEFAULT_REGION,
                              help_text=f"The AWS Region the price is for; empty means {values.DEFAULT_REGION}.")

    class Meta:
        ordering = ["service", "id"]

    def __str__(self) -> str:
        return f"{self.id}: ${self.usd} per {self.per} {self.unit}"

    def to_value(self) -> values.Price:
        return values.Price(self.id, self.service, self.name, float(self.usd), float(self.per), self.unit,
                            self.source, self.as_of.isoformat() if self.as_of else "", self.verified, self.notes,
                            float(self.free or 0), None if self.up_to is None else float(self.up_to),
                            self.region or values.DEFAULT_REGION)


class Question(models.Model):
    key = models.CharField(max_length=50, unique=True, validators=[KEY_VALIDATOR])
    label = models.CharField(max_length=200)
    help = models.TextField(blank=True)
    type = models.CharField(max_length=10, choices=[(t, t) for t in values.QUESTION_TYPES])
    choices = models.JSONField(default=list, blank=True, help_text='For choice questions: [{"value": ..., "label": ...}].')
    default = models.JSONField(null=True, blank=True)
    min = models.FloatField(null=True, blank=True)
    max = models.FloatField(null=True, blank=True)
    nullable = models.BooleanField(default=False, help_text="The answer may be left empty (null).")
    unit = models.CharField(max_length=30, blank=True)
    section = models.CharField(max_length=60, default="General")
    when = models.CharField(max_length=500, blank=True, help_text="Show only when this expression holds.")
    when_hidden = models.JSONField("answer while hidden", null=True, blank=True,
                                   help_text="The answer while the condition above does not hold, whatever was "
                                             "answered (for example false for “does the caller wait?” when nobody "
                                             "calls). Empty keeps the answer or the default.")
    default_from = models.CharField(max_length=50, blank=True, help_text="Default to the answer of this earlier key.")
    at_least = models.CharField(max_length=50, blank=True, help_text="Must be at least the answer of this earlier key.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.key

    def to_value(self) -> values.Question:
        choices = tuple(values.Choice(str(c["value"]), str(c.get("label", c["value"])))
                        for c in self.choices if isinstance(c, dict) and "value" in c)
        return values.Question(
            key=self.key, label=self.label, type=self.type, default=self.default, help=self.help, choices=choices,
            min=self.min, max=self.max, nullable=self.nullable, unit=self.unit, section=self.section, when=self.when,
            when_hidden=self.when_hidden, default_from=self.default_from, at_least=self.at_least, order=self.order,
        )


class Rule(models.Model):
    EFFECTS = [("score", "score a pattern"), ("warning", "raise a warning"), ("limit", "check a limit")]

    name = models.CharField(max_length=80, unique=True, validators=[SLUG_VALIDATOR])
    effect = models.CharField(max_length=10, choices=EFFECTS)
    when = models.CharField("condition", max_length=1000,
                            help_text="For example: duration_s > 900 and not client_waits")
    pattern = models.CharField(max_length=63, blank=True, validators=[validate_pattern_slug],
                               help_text="Score rules: the pattern scored (a pattern slug). "
                                         "Others: apply only when it is listed.")
    weight = models.FloatField(default=0, help_text="Score rules: points added (negative counts against).")
    warning = models.ForeignKey(WarningKind, null=True, blank=True, on_delete=models.PROTECT)
    severity = models.CharField(max_length=10, blank=True, choices=[(s, s) for s in values.SEVERITIES],
                                help_text="Warning rules: overrides the warning's default severity.")
    limit = models.ForeignKey(Limit, null=True, blank=True, on_delete=models.PROTECT)
    value = models.CharField(max_length=500, blank=True, help_text="Limit rules: the compared value, in the limit's unit.")
    explanation = models.TextField(help_text="Why it applies. May use {answer_key}; limit rules also {value} {limit} {unit}.")
    enabled = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def to_value(self) -> values.Rule:
        return values.Rule(
            name=self.name, effect=self.effect, when=self.when, explanation=self.explanation, pattern=self.pattern,
            weight=self.weight, warning=self.warning_id or "", severity=self.severity, limit=self.limit_id or "",
            value=self.value, enabled=self.enabled, order=self.order,
        )


class ChecklistItem(models.Model):
    id = models.CharField(max_length=63, primary_key=True, validators=[SLUG_VALIDATOR])
    text = models.TextField()
    when = models.CharField(max_length=500, blank=True, help_text="Applies only when this expression holds.")
    patterns = models.JSONField(default=list, blank=True, help_text="Applies when any of these pattern slugs is listed.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "checklist item"

    def __str__(self) -> str:
        return self.text[:60]

    def to_value(self) -> values.ChecklistItem:
        return values.ChecklistItem(self.id, self.text, self.when, tuple(self.patterns or ()), self.order)


class Scenario(models.Model):
    """A named answer set and the outcome the catalogue must give it (see patterns.scenarios).

    Not one of the ``CATALOGUE_MODELS``: a scenario tests the catalogue, so editing one does
    not change the rules version.
    """

    name = models.CharField(max_length=80, unique=True, validators=[SLUG_VALIDATOR])
    description = models.TextField(blank=True, help_text="Why the workload should come out this way.")
    answers = models.JSONField(default=dict, help_text='The answers, as {"key": value}; other keys take their default.')
    top = models.JSONField("first pattern", default=list, blank=True,
                           help_text="Pattern slugs; the first ranked pattern must be one of them.")
    recommended = models.JSONField(default=list, blank=True, help_text="Pattern slugs that must all be ranked.")
    recommended_any = models.JSONField("recommended (any)", default=list, blank=True,
                                       help_text="Pattern slugs of which at least one must be ranked.")
    not_recommended = models.JSONField(default=list, blank=True, help_text="Pattern slugs that must not be ranked.")
    not_top = models.JSONField("not first", default=list, blank=True,
                               help_text="Pattern slugs that may be ranked but not first.")
    warnings = models.JSONField("warnings that fire", default=list, blank=True,
                                help_text="Warning ids that must fire.")
    no_warnings = models.JSONField("warnings that do not fire", default=list, blank=True,
                                   help_text="Warning ids that must not fire.")
    broken_limits = models.JSONField(default=list, blank=True, help_text="Limit ids that must be checked and broken.")
    unbroken_limits = models.JSONField(default=list, blank=True, help_text="Limit ids that, when checked, must hold.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def fields_from_value(scenario: "scenario_values.Scenario") -> dict:
        return {"description": scenario.description, "answers": dict(scenario.answers),
                **{name: list(getattr(scenario, name)) for name in scenario_values.EXPECTATIONS}}

    def row(self) -> dict:
        return {"name": self.name, "description": self.description, "answers": self.answers,
                **{name: getattr(self, name) for name in scenario_values.EXPECTATIONS}}

    def clean(self) -> None:
        for name in scenario_values.EXPECTATIONS:
            if getattr(self, name) is None:  # an empty box in a form: expects nothing of this kind
                setattr(self, name, [])
        try:
            scenario_values.scenario_from_row(self.row())
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def to_value(self) -> "scenario_values.Scenario":
        return scenario_values.scenario_from_row(self.row())


class LambdaAlternative(models.Model):
    """What to use instead of, or beside, Lambda when the answers call for it."""

    id = models.CharField(max_length=63, primary_key=True, validators=[SLUG_VALIDATOR])
    title = models.CharField(max_length=200)
    when = models.CharField("condition", max_length=1000,
                            help_text="Applies when this expression over the answers holds.")
    why = models.TextField(help_text="Why it applies. May use {answer_key}.")
    lambda_role = models.TextField(blank=True, help_text="What Lambda still does beside it.")
    replaces = models.JSONField(default=list, blank=True,
                                help_text="Pattern slugs whose functions it stands in for, when proposed.")
    patterns = models.JSONField(default=list, blank=True,
                                help_text="Applies only when one of these pattern slugs is proposed (empty: always).")
    fits_lambda = models.BooleanField(
        default=True, help_text="Untick when it means the core of the work does not belong in Lambda at all.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "alternative to Lambda"
        verbose_name_plural = "alternatives to Lambda"

    def __str__(self) -> str:
        return self.id

    def clean(self) -> None:
        problems = []
        for name in ("replaces", "patterns"):
            slugs = getattr(self, name)
            if not isinstance(slugs, list) or not all(isinstance(slug, str) for slug in slugs):
                problems.append(f"{name} must be a list of pattern slugs")
        if problems:
            raise ValidationError("; ".join(problems))

    def to_value(self) -> values.LambdaAlternative:
        return values.LambdaAlternative(
            id=self.id, title=self.title, when=self.when, why=self.why, lambda_role=self.lambda_role,
            replaces=tuple(self.replaces or ()), patterns=tuple(self.patterns or ()), fits_lambda=self.fits_lambda,
            order=self.order,
        )


class AnalyzerFinding(models.Model):
    """A risk the template analyzer reports: its title, severity and texts. The texts may name
    the values the analyzer supplies for the finding, as {placeholder}; the catalogue check
    refuses any other."""

    id = models.CharField(max_length=63, primary_key=True, validators=[SLUG_VALIDATOR],
                          help_text="The finding id the analyzer reports (missing-dlq, loop, ...).")
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=10, choices=[(s, s) for s in values.SEVERITIES])
    explanation = models.TextField(help_text="What is wrong and why it matters. May use the finding's "
                                             "placeholders, such as {function}.")
    fix = models.TextField(help_text="What to change. May use the same placeholders.")
    cases = models.JSONField(
        default=list, blank=True,
        help_text='The other ways the finding shows up: [{"case": ..., "severity": ..., "explanation": ..., '
                  '"fix": ...}], one per case the analyzer names.')

    class Meta:
        ordering = ["id"]
        verbose_name = "analyzer finding"

    def __str__(self) -> str:
        return self.id

    def clean(self) -> None:
        fields = {"case", "severity", "explanation", "fix"}
        if not isinstance(self.cases, list) or not all(
            isinstance(case, dict) and set(case) == fields and all(isinstance(case[name], str) for name in fields)
            for case in self.cases
        ):
            raise ValidationError({"cases": "cases must be a list of objects with exactly 'case', 'severity', "
                                            "'explanation' and 'fix', each a text"})

    def to_value(self) -> values.AnalyzerFinding:
        return values.AnalyzerFinding(
            id=self.id, title=self.title, severity=self.severity, explanation=self.explanation, fix=self.fix,
            cases=tuple(values.FindingCase(**case) for case in self.cases or ()),
        )


class LambdaRuntime(models.Model):
    """A Lambda runtime and the day Lambda deprecated it: the template analyzer reports a
    function on it from that day on."""

    id = models.CharField("runtime", max_length=63, primary_key=True,
                          validators=[RegexValidator(f"^{values.RUNTIME_ID.pattern}$",
                                                     "Use the runtime identifier as Lambda writes it, such as "
                                                     "python3.8: lower-case letters, digits, dots and hyphens.")],
                          help_text="The runtime identifier as a template writes it (python3.8, nodejs16.x).")
    deprecated = models.DateField(help_text="The day Lambda deprecated it (or will, when AWS has announced it).")
    source = models.URLField(max_length=500, blank=True)
    as_of = models.DateField(null=True, blank=True)
    verified = models.BooleanField(default=True, help_text="Untick when the day was not read on the AWS page.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "Lambda runtime"

    def __str__(self) -> str:
        return f"{self.id} (deprecated {self.deprecated.isoformat()})"

    def to_value(self) -> values.Runtime:
        return values.Runtime(self.id, self.deprecated, self.source, self.as_of.isoformat() if self.as_of else "",
                              self.verified, self.notes)


CATALOGUE_MODELS = (Pattern, WarningKind, Limit, Price, Question, Rule, ChecklistItem, LambdaAlternative,
                    AnalyzerFinding, LambdaRuntime)


class CatalogueChange(models.Model):
    """One recorded change to a catalogue row (or scenario): who, when, the row before and
    after (the fields as ``patterns.store.row_fields`` writes them, plus the key), and the
    rules version the catalogue had once the change was made. Written by ``patterns.history``."""

    ACTIONS = [("add", "added"), ("change", "changed"), ("remove", "removed")]

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=80, help_text="The row's key after the change (before it, for a removal).")
    action = models.CharField(max_length=10, choices=ACTIONS)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    source = models.CharField(max_length=40, blank=True, help_text="Where the change was made.")
    at = models.DateTimeField(auto_now_add=True)
    previous_version = models.CharField(max_length=64, blank=True)
    rules_version = models.CharField(max_length=64, blank=True, db_index=True,
                                     help_text="The rules version once this change was made.")
    reverts = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reverted_by")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "key"], name="catalogue_change_row")]

    def __str__(self) -> str:
        return f"{self.kind} '{self.key}' {self.get_action_display()}"
