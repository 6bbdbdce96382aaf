"""Generation jobs over the REST API: start one for a revision, follow it, download it."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import generator
from advisor.api.openapi import ApiSchema
from advisor.api.serializers import Input
from advisor.api.views import READ_ERRORS, WRITE_ERRORS, DetailSerializer
from advisor.architectures.models import Revision
from advisor.teams.models import Role
from advisor.teams.scoping import get_for_user

from . import actions
from .models import GenerationJob


class Gone(APIException):
    status_code = 410
    default_detail = "This file is no longer available."
    default_code = "gone"


OVER_LIMIT = OpenApiResponse(DetailSerializer, description="Over the limit of generation jobs running at once or "
                                                            "started in a day; Retry-After says when, if known.")
EXPIRED = OpenApiResponse(DetailSerializer, description="The files expired; ask for the same options to build them again.")


def refused(exc: actions.QuotaExceeded) -> Throttled:
    """A start over the limits as 429, with Retry-After when the wait is known."""
    return Throttled(wait=exc.retry_after, detail=str(exc))


class GenerateInput(Input):
    name = serializers.CharField(max_length=63, required=False, allow_blank=True,
                                 help_text="Project name: lower-case letters, digits and '-', starting with a letter. "
                                           "Defaults to the architecture's name.")
    runtime = serializers.ChoiceField(choices=generator.RUNTIMES, required=False)
    architecture = serializers.ChoiceField(choices=generator.ARCHITECTURES, required=False)
    api = serializers.ChoiceField(choices=generator.API_TYPES, required=False,
                                  help_text="API Gateway HTTP API (default) or REST API, when the architecture has one.")


class JobSerializer(serializers.ModelSerializer):
    architecture = serializers.IntegerField(source="revision.architecture_id", read_only=True)
    revision = serializers.IntegerField(source="revision.number", read_only=True)
    downloads = serializers.SerializerMethodField()
    expired_at = serializers.DateTimeField(source="artifacts_expired_at", read_only=True, allow_null=True,
                                           help_text="When the files were removed for their age; asking for the "
                                                     "same options again builds them anew.")

    class Meta:
        model = GenerationJob
        fields = ["id", "architecture", "revision", "options", "status", "error", "attempts", "created_at",
                  "started_at", "finished_at", "file_count", "zip_bytes", "zip_sha256", "downloads", "expired_at"]
        read_only_fields = fields

    def get_downloads(self, job: GenerationJob) -> dict[str, str]:
        request = self.context.get("request")
        links = {}
        for kind, (field, _, _) in actions.DOWNLOADS.items():
            if getattr(job, field):
                url = reverse("api:job_download", args=[job.pk, kind])
                links[kind] = request.build_absolute_uri(url) if request else url
        return links


def get_job(request: Request, pk: int, need: Role = Role.VIEWER) -> GenerationJob:
    return get_for_user(request.user, GenerationJob.objects.select_related("revision"), need, pk=pk)[0]


class GenerateView(APIView):
    """Ask for a SAM project of a revision; the same options return the same job."""

    schema = ApiSchema()

    @extend_schema(request=GenerateInput, responses={202: JobSerializer, **WRITE_ERRORS, 429: OVER_LIMIT})
    def post(self, request: Request, pk: int, number: int) -> Response:
        revision = get_for_user(request.user, Revision.objects.select_related("architecture"), Role.EDITOR,
                                architecture_id=pk, number=number)[0]
        data = GenerateInput.validated(request.data)
        try:
            options = actions.clean_options(revision, data.get("name") or None, data.get("runtime"),
                                            data.get("architecture"), data.get("api"))
        except actions.JobOptionsError as exc:
            return Response({"name" if "name" in str(exc) else "detail": [str(exc)]}, status=400)
        try:
            job, _ = actions.request_generation(revision, options, request.user)
        except actions.QuotaExceeded as exc:
            raise refused(exc) from None
        job.refresh_from_db()
        body = JobSerializer(job, context={"request": request}).data
        return Response(body, status=202, headers={"Location": reverse("api:job", args=[job.pk])})


class JobView(APIView):
    schema = ApiSchema()

    @extend_schema(responses={200: JobSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(JobSerializer(get_job(request, pk), context={"request": request}).data)


class JobRetryView(APIView):
    """Put a failed job back in the queue."""

    schema = ApiSchema()

    @extend_schema(request=None, responses={202: JobSerializer, **WRITE_ERRORS, 429: OVER_LIMIT})
    def post(self, request: Request, pk: int) -> Response:
        job = get_job(request, pk, Role.EDITOR)
        try:
            retried = actions.retry_job(job, request.user)
        except actions.QuotaExceeded as exc:
            raise refused(exc) from None
        if not retried:
            return Response({"detail": f"Only failed jobs can be retried; this one is {job.status}."}, status=400)
        job.refresh_from_db()
        return Response(JobSerializer(job, context={"request": request}).data, status=202)


class JobDownloadView(APIView):
    schema = ApiSchema()

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                       description="The file."),
                              **READ_ERRORS, 410: EXPIRED})
    def get(self, request: Request, pk: int, kind: str):
        job = get_job(request, pk)
        try:
            handle, filename, content_type, attachment = actions.open_artifact(job, kind)
        except actions.ArtifactExpired as exc:
            raise Gone(str(exc)) from None
        except actions.ArtifactMissing as exc:
            raise NotFound(str(exc)) from None
        return FileResponse(handle, as_attachment=attachment, filename=filename, content_type=content_type)
