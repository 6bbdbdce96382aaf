"""Generate a project from a saved revision, follow the job, download its artifacts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

import generator
from advisor.architectures.models import Revision
from advisor.teams.models import Role
from advisor.teams.scoping import get_for_user
from advisor.teams.views import redirect_after_write

from . import actions
from .forms import GenerateForm
from .models import GenerationJob

@login_required
@require_http_methods(["GET", "POST"])
def generate(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    need = Role.EDITOR if request.method == "POST" else Role.VIEWER
    revision, role = get_for_user(request.user, Revision.objects.select_related("architecture__team"), need,
                                  architecture_id=pk, number=number)
    form = GenerateForm(request.POST or None, initial={"name": actions.default_project_name(revision.architecture.name),
                                                       "api": generator.chosen_api(revision.answers)})
    if not actions.builds_an_api(revision):
        del form.fields["api"]  # nothing in this architecture sits behind API Gateway
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                options = actions.clean_options(revision, **form.cleaned_data)
            except actions.JobOptionsError as exc:
                form.add_error("name" if "name" in str(exc) else None, str(exc))
            else:
                try:
                    job, _ = actions.request_generation(revision, options, request.user)
                except actions.QuotaExceeded as exc:
                    return _generate_page(request, revision, role, form, quota=exc)
                return redirect_after_write(request, reverse("jobs:detail", args=[job.pk]))
        status = 400
    return _generate_page(request, revision, role, form, status=status)


def _generate_page(request: HttpRequest, revision: Revision, role: Role, form: GenerateForm, status: int = 200,
                   quota: actions.QuotaExceeded | None = None) -> HttpResponse:
    if quota is not None:
        status = 429
    jobs = revision.generation_jobs.order_by("-created_at")[:20]
    response = render(request, "jobs/generate.html", {
        "revision": revision, "architecture": revision.architecture, "form": form, "jobs": jobs,
        "can_generate": role.allows(Role.EDITOR), "quota": quota,
    }, status=status)
    return _with_retry_after(response, quota)


def _with_retry_after(response: HttpResponse, quota: actions.QuotaExceeded | None) -> HttpResponse:
    if quota is not None and quota.retry_after:
        response["Retry-After"] = str(quota.retry_after)
    return response


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job, role = get_for_user(request.user, GenerationJob.objects.select_related("revision__architecture__team"), pk=pk)
    context = _detail_context(job, role)
    if request.htmx:
        response = render(request, "jobs/detail.html#status", context)
        if job.finished:
            # 286 tells htmx to stop polling; the body still replaces the status block.
            stop = HttpResponseStopPolling()
            stop.content = response.content
            return stop
        return response
    return render(request, "jobs/detail.html", context)


def _detail_context(job: GenerationJob, role: Role, **extra) -> dict:
    return {"job": job, "revision": job.revision, "architecture": job.revision.architecture,
            "can_retry": role.allows(Role.EDITOR),
            "expired_message": actions.expiry_message(job) if job.expired else "", **extra}


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    job, role = get_for_user(request.user, GenerationJob.objects.select_related("revision__architecture__team"),
                             Role.EDITOR, pk=pk)
    try:
        actions.retry_job(job, request.user)
    except actions.QuotaExceeded as exc:
        response = render(request, "jobs/detail.html", _detail_context(job, role, quota=exc), status=429)
        return _with_retry_after(response, exc)
    return redirect_after_write(request, reverse("jobs:detail", args=[job.pk]))


@login_required
@require_GET
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    job, role = get_for_user(request.user, GenerationJob.objects.select_related("revision__architecture__team"),
                             pk=pk)
    try:
        handle, filename, content_type, attachment = actions.open_artifact(job, kind)
    except actions.ArtifactExpired:
        # 410 Gone, with the job's page saying so and offering to build it again.
        return render(request, "jobs/detail.html", _detail_context(job, role), status=410)
    except actions.ArtifactMissing as exc:
        raise Http404(str(exc)) from None
    return FileResponse(handle, as_attachment=attachment, filename=filename, content_type=content_type)
