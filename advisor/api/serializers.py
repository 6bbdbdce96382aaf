"""Shapes of the API's requests and responses.

Validation of answers and patterns is the rules engine's (``evaluate``), so a bad answer
gets the same message here as on the save page: ``{"answers": {"key": "message"}}``.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from advisor.analyzer.api import ArchitectureOutput
from advisor.architectures.evaluation import Evaluated, evaluate
from advisor.architectures.models import DESCRIPTION_MAX, NAME_MAX, Architecture, Revision
from advisor.teams.actions import ActionError
from advisor.teams.models import Membership
from patterns.answers import AnswerError
from patterns.store import current_engine


class AnswersField(serializers.JSONField):
    """A JSON object of answers; described in the schema from the questions (openapi.py)."""


def evaluated_or_errors(answers: Any, patterns: list[str] | None) -> Evaluated:
    try:
        return evaluate(current_engine(), answers, patterns)
    except AnswerError as exc:
        raise serializers.ValidationError({"answers": exc.errors}) from None
    except ActionError as exc:
        raise serializers.ValidationError({"patterns": [exc.message]}) from None


class TeamSerializer(serializers.ModelSerializer):
    """A team as one of your memberships: the team and your role in it."""

    id = serializers.IntegerField(source="team.id", read_only=True)
    name = serializers.CharField(source="team.name", read_only=True)
    personal = serializers.BooleanField(source="team.personal", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "name", "personal", "role"]
        read_only_fields = fields


class RevisionSummarySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Revision
        fields = ["number", "patterns", "follows_recommendation", "rules_version", "author", "created_at", "note"]
        read_only_fields = fields

    patterns = serializers.ListField(child=serializers.CharField(), read_only=True)


class RecommendationItemSerializer(serializers.Serializer):
    pattern = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class WarningSerializer(serializers.Serializer):
    id = serializers.CharField()
    severity = serializers.ChoiceField(choices=["low", "medium", "high", "critical"])
    pattern = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    title = serializers.CharField()
    answers = serializers.ListField(child=serializers.CharField())


class LimitSerializer(serializers.Serializer):
    id = serializers.CharField()
    ok = serializers.BooleanField()
    value = serializers.FloatField()
    limit = serializers.FloatField()
    unit = serializers.CharField()
    message = serializers.CharField()


class AlternativeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="fargate-task, aws-batch, mediaconvert, websocket-api, kinesis-firehose, "
                                         "sfn-distributed-map, dynamodb-zero-etl or service-integration (SPEC 8.4).")
    title = serializers.CharField()
    message = serializers.CharField(help_text="Why it applies to these answers, and what Lambda still does.")
    replaces = serializers.ListField(child=serializers.CharField(),
                                     help_text="Proposed patterns whose function it stands in for.")
    fits_lambda = serializers.BooleanField(help_text="False when the core of the work does not belong in Lambda.")


class CostLineSerializer(serializers.Serializer):
    """One priced quantity: quantity × unit_usd = usd. Lines saved before the arithmetic was
    recorded carry only service, usd and basis."""

    service = serializers.CharField()
    usd = serializers.FloatField()
    basis = serializers.CharField(help_text="The line in words: quantity × unit price = amount, and why.")
    component = serializers.CharField(required=False, allow_blank=True,
                                      help_text="Id of the architecture component priced; empty for the whole "
                                                "architecture (logs, networking, free tier).")
    component_name = serializers.CharField(required=False, allow_blank=True)
    quantity = serializers.FloatField(required=False)
    unit = serializers.CharField(required=False, allow_blank=True)
    unit_usd = serializers.FloatField(required=False, help_text="US dollars per one unit.")
    price = serializers.CharField(required=False, allow_blank=True, help_text="Id of the price row used.")
    assumption = serializers.CharField(required=False, allow_blank=True,
                                       help_text="What the quantity assumes.")


class CostSerializer(serializers.Serializer):
    monthly_usd = serializers.FloatField()
    lines = CostLineSerializer(many=True)
    alternatives = CostLineSerializer(many=True, required=False,
                                      help_text="Priced options not in the total (Standard beside Express "
                                                "workflows, VPC endpoints beside NAT gateways).")
    region = serializers.CharField(required=False, allow_blank=True, help_text="The Region the prices are for.")
    free_tier = serializers.BooleanField(required=False, help_text="Whether the monthly free tier was deducted.")
    notes = serializers.ListField(child=serializers.CharField(), required=False)


class RecommendationSerializer(serializers.Serializer):
    """SPEC §4.3, plus ``selected``: the patterns the evaluated architecture is made of."""

    # Revisions saved before alternatives were advised read as Lambda fitting, with none.
    fits_lambda = serializers.BooleanField(default=True, help_text="False when an alternative says the core of "
                                                                   "the work does not belong in Lambda (SPEC 8.4).")
    alternatives = AlternativeSerializer(many=True, default=list,
                                         help_text="What to use instead of, or beside, Lambda; those that replace "
                                                   "it first.")
    recommendations = RecommendationItemSerializer(many=True)
    selected = serializers.ListField(child=serializers.CharField())
    warnings = WarningSerializer(many=True)
    limits = LimitSerializer(many=True)
    checklist = serializers.ListField(child=serializers.CharField())
    cost = CostSerializer()
    rules_version = serializers.CharField()
    architecture = ArchitectureOutput(allow_null=True, required=False,
                                      help_text="The proposed patterns wired into one architecture (SPEC 8.5); "
                                                "null when they cannot be composed for these answers, absent "
                                                "in revisions saved before architectures were recorded.")


class RevisionSerializer(RevisionSummarySerializer):
    answers = serializers.DictField(read_only=True)
    recommendation = RecommendationSerializer(read_only=True)

    class Meta(RevisionSummarySerializer.Meta):
        fields = RevisionSummarySerializer.Meta.fields + ["answers", "recommendation"]
        read_only_fields = fields


class ArchitectureSerializer(serializers.ModelSerializer):
    team = serializers.IntegerField(source="team_id", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)
    latest = RevisionSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Architecture
        fields = ["id", "team", "name", "description", "created_by", "created_at", "updated_at", "latest"]
        read_only_fields = fields


class ArchitectureDetailSerializer(ArchitectureSerializer):
    latest = RevisionSerializer(read_only=True, allow_null=True)


class Input(serializers.Serializer):
    @classmethod
    def validated(cls, data: Any, partial: bool = False) -> dict[str, Any]:
        """The validated data, or a 400 naming each field at fault."""
        serializer = cls(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ListFilters(Input):
    team = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False,
                                    help_text="Only this team's architectures.")
    search = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   help_text="Text in the name or description.")


class ChoiceInput(Input):
    """Answers plus, optionally, a hand-picked pattern set (null: the advisor's proposal)."""

    answers = AnswersField()
    patterns = serializers.ListField(child=serializers.CharField(max_length=63), allow_null=True, required=False,
                                     default=None, max_length=20,
                                     help_text="Pattern slugs; leave out or null to use the proposed patterns.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data["evaluated"] = evaluated_or_errors(data["answers"], data.get("patterns"))
        return data


class ArchitectureCreateInput(ChoiceInput):
    team = serializers.IntegerField(min_value=1, help_text="Id of a team where you are an editor or owner.")
    name = serializers.CharField(max_length=NAME_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")


class ArchitectureUpdateInput(Input):
    """Name and description; answers and/or patterns make a new revision."""

    name = serializers.CharField(max_length=NAME_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    answers = AnswersField(required=False)
    patterns = serializers.ListField(child=serializers.CharField(max_length=63), allow_null=True, required=False,
                                     max_length=20)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RevisionCreateInput(ChoiceInput):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TodaySerializer(serializers.Serializer):
    rules_changed = serializers.BooleanField(help_text="The rules changed since this revision was saved.")
    differs = serializers.BooleanField(help_text="Today's recommendation differs from the saved one.")
    differences = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    problems = serializers.DictField(child=serializers.CharField(),
                                     help_text="Why the saved answers no longer pass today's questions, per key.")
    recommendation = RecommendationSerializer(allow_null=True)
