"""The REST API: recommend, teams, architectures and their revisions.

Objects are looked up through ``advisor.teams.scoping.get_for_user`` like the web pages
(404 outside your teams, 403 for a viewer who writes) and changed through the same
actions, so both paths refuse the same things with the same messages.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from advisor.architectures import actions
from advisor.architectures.evaluation import recommend_today
from advisor.architectures.models import Architecture, Revision
from advisor.teams.actions import ActionError
from advisor.teams.models import Membership, Role, Team
from advisor.teams.scoping import get_for_user, visible_to
from patterns.store import current_engine

from .openapi import AnswersBodySchema, ApiSchema
from .parsers import BoundedJSONParser
from .serializers import (
    ArchitectureCreateInput, ArchitectureDetailSerializer, ArchitectureSerializer, ArchitectureUpdateInput, ListFilters,
    RecommendationSerializer, RevisionCreateInput, RevisionSerializer, RevisionSummarySerializer, TeamSerializer,
    TodaySerializer, evaluated_or_errors,
)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


BAD_INPUT = OpenApiResponse(
    {"type": "object", "additionalProperties": True},
    description="Bad input: each key names the field at fault; `answers` maps each answer key to its message.",
)
DENIED = OpenApiResponse(DetailSerializer, description="Not logged in, or your role in the team only lets you read.")
NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such object in your teams.")
READ_ERRORS = {403: DENIED, 404: NOT_FOUND}
WRITE_ERRORS = {400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND}


def refused(exc: ActionError) -> Response:
    body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
    return Response(body, status=400)


def architectures() -> QuerySet[Architecture]:
    return Architecture.objects.select_related("team", "created_by", "latest", "latest__author")


def get_architecture(request: Request, pk: int, need: Role = Role.VIEWER) -> Architecture:
    return get_for_user(request.user, architectures(), need, pk=pk)[0]


class RecommendSchema(AnswersBodySchema):
    def get_operation_id(self) -> str:
        return "recommend"

    def get_override_parameters(self) -> list:
        return [OpenApiParameter("patterns", OpenApiTypes.STR, description=(
            "Comma-separated pattern slugs to evaluate instead of the proposed architecture: warnings, "
            "limits, checklist and cost then describe that set."))]

    def get_response_serializers(self) -> dict:
        return {200: RecommendationSerializer, 400: BAD_INPUT, 403: DENIED}


class RecommendView(APIView):
    """Evaluate answers and return the recommendation; nothing is saved."""

    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser]
    schema = RecommendSchema()

    def post(self, request: Request) -> Response:
        chosen = request.query_params.get("patterns")
        patterns = [slug.strip() for slug in chosen.split(",") if slug.strip()] if chosen is not None else None
        return Response(evaluated_or_errors(request.data, patterns).recommendation)


class TeamList(generics.ListAPIView):
    """Your teams and your role in each."""

    schema = ApiSchema()
    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.filter(user=self.request.user).select_related("team").order_by("team_id")

    @extend_schema(responses={200: TeamSerializer(many=True), **READ_ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ArchitectureList(generics.ListAPIView):
    """Architectures in your teams, newest change first; POST saves a new one."""

    schema = ApiSchema()
    serializer_class = ArchitectureSerializer
    parser_classes = [BoundedJSONParser]

    def get_queryset(self) -> QuerySet[Architecture]:
        queryset = visible_to(self.request.user, architectures()).defer(
            "latest__answers", "latest__recommendation")
        filters = ListFilters.validated(self.request.query_params)
        if filters.get("team") is not None:
            team = get_for_user(self.request.user, Team.objects.all(), pk=filters["team"])[0]
            queryset = queryset.filter(team=team)
        if filters.get("search"):
            search = filters["search"]
            queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
        return queryset

    @extend_schema(
        parameters=[ListFilters],
        responses={200: ArchitectureSerializer(many=True), 400: BAD_INPUT, **READ_ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ArchitectureCreateInput, responses={201: ArchitectureDetailSerializer, **WRITE_ERRORS})
    def post(self, request: Request) -> Response:
        data = ArchitectureCreateInput.validated(request.data)
        team = get_for_user(request.user, Team.objects.all(), Role.EDITOR, pk=data["team"])[0]
        try:
            architecture = actions.save_architecture(team, request.user, data["name"], data["description"],
                                                     data["evaluated"])
        except ActionError as exc:
            return refused(exc)
        return Response(ArchitectureDetailSerializer(get_architecture(request, architecture.pk)).data, status=201)


class ArchitectureDetail(APIView):
    """One architecture with its latest revision. PUT/PATCH change it; new answers or patterns
    add a revision. DELETE removes it with its history."""

    schema = ApiSchema()

    parser_classes = [BoundedJSONParser]

    @extend_schema(responses={200: ArchitectureDetailSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ArchitectureDetailSerializer(get_architecture(request, pk)).data)

    def _update(self, request: Request, pk: int, partial: bool) -> Response:
        architecture = get_architecture(request, pk, Role.EDITOR)
        data = ArchitectureUpdateInput.validated(request.data, partial=partial)
        latest = architecture.latest
        evaluated = None
        if "answers" in data or "patterns" in data:
            default_patterns = None if latest.follows_recommendation else latest.patterns
            evaluated = evaluated_or_errors(data.get("answers", latest.answers), data.get("patterns", default_patterns))
        try:
            actions.update_architecture(architecture, request.user, data.get("name", architecture.name),
                                        data.get("description", architecture.description), evaluated,
                                        data.get("note", ""))
        except ActionError as exc:
            return refused(exc)
        return Response(ArchitectureDetailSerializer(get_architecture(request, pk)).data)

    @extend_schema(request=ArchitectureUpdateInput, responses={200: ArchitectureDetailSerializer, **WRITE_ERRORS})
    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    @extend_schema(request=ArchitectureUpdateInput, responses={200: ArchitectureDetailSerializer, **WRITE_ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    @extend_schema(responses={204: None, **READ_ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        actions.delete_architecture(get_architecture(request, pk, Role.EDITOR))
        return Response(status=204)


class TodayView(APIView):
    """Whether today's rules give a different recommendation than the latest revision saved."""

    schema = ApiSchema()

    @extend_schema(responses={200: TodaySerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        architecture = get_architecture(request, pk)
        today = recommend_today(current_engine(), architecture.latest.snapshot())
        return Response({
            "rules_changed": today.rules_changed, "differs": today.differs,
            "differences": [line.to_dict() for line in today.differences],
            "problems": today.problems, "recommendation": today.recommendation,
        })


class RevisionList(generics.ListAPIView):
    """The revisions of an architecture, newest first; POST adds one."""

    schema = ApiSchema()
    serializer_class = RevisionSummarySerializer
    parser_classes = [BoundedJSONParser]

    def get_queryset(self) -> QuerySet[Revision]:
        architecture = get_architecture(self.request, self.kwargs["pk"])
        return architecture.revisions.select_related("author").defer("answers", "recommendation")

    @extend_schema(responses={200: RevisionSummarySerializer(many=True), **READ_ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=RevisionCreateInput, responses={201: RevisionSerializer, **WRITE_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        architecture = get_architecture(request, pk, Role.EDITOR)
        data = RevisionCreateInput.validated(request.data)
        revision = actions.add_revision(architecture, request.user, data["evaluated"], data["note"])
        return Response(RevisionSerializer(revision).data, status=201)


def get_revision(request: Request, pk: int, number: int, need: Role = Role.VIEWER) -> Revision:
    queryset = Revision.objects.select_related("architecture", "author")
    return get_for_user(request.user, queryset, need, architecture_id=pk, number=number)[0]


class RevisionDetail(APIView):
    schema = ApiSchema()

    @extend_schema(responses={200: RevisionSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int, number: int) -> Response:
        return Response(RevisionSerializer(get_revision(request, pk, number)).data)


class RevisionRestore(APIView):
    """Add a revision with this one's answers and patterns, evaluated with today's rules."""

    schema = ApiSchema()

    @extend_schema(request=None, responses={201: RevisionSerializer, **WRITE_ERRORS})
    def post(self, request: Request, pk: int, number: int) -> Response:
        revision = get_revision(request, pk, number, Role.EDITOR)
        try:
            restored = actions.restore_revision(current_engine(), revision, request.user)
        except ActionError as exc:
            return refused(exc)
        return Response(RevisionSerializer(restored).data, status=201)
