"""Saved architectures: list, save from the questionnaire, history, diff, restore, compare,
exports and read-only links.

Every view that takes an id looks the object up through ``get_for_user`` (404 outside
the user's teams, 403 when the role is too low) and then calls one action. The views of
a read-only link take its token instead, and answer 404 for any token that does not open.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import generator
from advisor.architectures.templatetags.architectures import drawn_patterns
from advisor.diagrams import drawing, svg_response
from advisor.jobs.actions import default_project_name
from advisor.questionnaire.panel import DRAWN_IN_LAMBDA, build_panel, stored_panel
from advisor.questionnaire.submission import query_for, to_text
from advisor.questionnaire.views import Editing, import_answers, questionnaire_response
from advisor.teams.actions import ActionError
from advisor.teams.models import Role, Team
from advisor.teams.scoping import get_for_user, visible_to
from advisor.teams.views import redirect_after_write
from advisor.throttling import ExportThrottle, SharedLinkThrottle, throttle_requests
from patterns.answers import AnswerError
from patterns.engine import Engine, Recommendation
from patterns.store import current_engine

from . import actions, exports
from .changes import diff_revisions, grouped
from .comparison import ABSENT, ItemError, compare, parse_items
from .evaluation import answer_rows, evaluate, gave_up, pattern_names, recommend_today, unanswered, words
from .forms import ArchitectureForm, ReviseForm, SaveForm, ShareForm, answer_problems, answers_from_params
from .models import Architecture, Revision, ShareLink

PAGE_SIZE = 25
MAX_SEARCH = 100


def bad_request(request: HttpRequest, title: str, problems: list[str]) -> HttpResponse:
    return render(request, "architectures/bad_request.html", {"title": title, "problems": problems}, status=400)


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 18


def _int_param(params: QueryDict, name: str) -> int | None:
    """An optional whole-number parameter; ValueError names it when it is not one."""
    value = params.get(name, "").strip()
    if not value:
        return None
    if not _is_id(value):
        raise ValueError(f"{name} must be a whole number, not “{value[:40]}”")
    return int(value)


@login_required
@require_GET
def architecture_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    try:
        team_id = _int_param(request.GET, "team")
    except ValueError as exc:
        return bad_request(request, "This list cannot be shown", [str(exc)])
    if len(search) > MAX_SEARCH or "\x00" in search:
        return bad_request(request, "This search cannot be run", [f"Search for at most {MAX_SEARCH} characters of text."])
    team = get_for_user(request.user, Team.objects.all(), pk=team_id)[0] if team_id is not None else None
    architectures = (
        visible_to(request.user, Architecture.objects.all())
        .select_related("team", "latest", "latest__author")
        .defer("latest__answers", "latest__recommendation")
    )
    if team is not None:
        architectures = architectures.filter(team=team)
    if search:
        architectures = architectures.filter(Q(name__icontains=search) | Q(description__icontains=search))
    page = Paginator(architectures, PAGE_SIZE).get_page(request.GET.get("page"))
    engine = current_engine()
    context = {
        "page": page, "search": search, "team": team, "rules_version": engine.version,
        "teams": visible_to(request.user, Team.objects.all()), "names": pattern_names(engine),
    }
    template = "architectures/list.html#results" if request.htmx else "architectures/list.html"
    return render(request, template, context)


def _choice_params(params: QueryDict, initial: dict[str, Any]) -> QueryDict:
    """The choice and patterns the request holds, or the form's initial ones when it holds none."""
    if "choice" in params:
        return params
    chosen = QueryDict(mutable=True)
    chosen["choice"] = initial["choice"]
    chosen.setlist("patterns", initial["patterns"])
    return chosen


def _typed(params: QueryDict, *names: str) -> dict[str, str]:
    """What the user typed in these fields, kept when the page is shown again without saving."""
    return {name: params[name] for name in names if name in params}


def _choice_context(engine: Engine, answers: dict[str, Any], params: QueryDict) -> dict[str, Any]:
    """The proposal and, for a hand-picked set, what it gives up (the page's live preview)."""
    proposal = engine.recommend(answers)
    own = params.get("choice") == ArchitectureForm.OWN
    context: dict[str, Any] = {"proposal": build_panel(engine, proposal), "names": pattern_names(engine), "own": own}
    try:
        evaluated = evaluate(engine, answers, params.getlist("patterns") if own else None)
    except ActionError as exc:
        context["choice_error"] = exc.message
    else:
        context["evaluated"] = evaluated
        context["gave_up"] = grouped(gave_up(engine, evaluated))
    return context


def _saving(request: HttpRequest, params: QueryDict) -> bool:
    """A POST of the save step; other requests (and the preview button) only show the form."""
    return request.method == "POST" and params.get("step") == "save" and "preview" not in params


@login_required
@require_http_methods(["GET", "POST"])
def architecture_save(request: HttpRequest) -> HttpResponse:
    """Save answers from the questionnaire as a new architecture in one of the user's teams.

    GET takes the answers as query-string parameters (or an ``answers`` JSON parameter);
    a POST without ``step=save`` does the same from a form. Both show the save form.
    """
    engine = current_engine()
    params = request.POST if request.method == "POST" else request.GET
    try:
        answers = engine.validate(answers_from_params(params, engine))
    except AnswerError as exc:
        return bad_request(request, "These answers cannot be saved", answer_problems(exc, words(engine)))
    teams = visible_to(request.user, Team.objects.all(), Role.EDITOR)
    saving = _saving(request, params)
    choice = _choice_params(params, {"choice": ArchitectureForm.RECOMMENDED,
                                     "patterns": list(engine.recommend(answers).selected)})
    initial = {"team": params.get("team"), "choice": choice.get("choice"), "patterns": choice.getlist("patterns"),
               **_typed(params, "name", "description")}
    form = SaveForm(params if saving else None, initial=initial, engine=engine, answers=answers, teams=teams)
    context = {"form": form, "answers_json": json.dumps(answers), **_choice_context(engine, answers, choice)}
    if request.htmx and not saving:
        return render(request, "architectures/save.html#choice", context)
    if saving:
        if form.is_valid():
            data = form.cleaned_data
            try:
                architecture = actions.save_architecture(data["team"], request.user, data["name"],
                                                         data["description"], form.evaluated)
            except ActionError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, f"Saved {architecture.name} in {architecture.team.name}.")
                return redirect_after_write(request, reverse("architectures:detail", args=[architecture.pk]))
        return render(request, "architectures/save.html", context, status=400)
    return render(request, "architectures/save.html", context)


def _detail_page(request: HttpRequest, architecture: Architecture, role: Role, status: int = 200,
                 error: str = "") -> HttpResponse:
    engine = current_engine()
    latest = architecture.latest
    context = {
        "architecture": architecture, "role": role, "can_edit": role.allows(Role.EDITOR), "latest": latest,
        "today": recommend_today(engine, latest.snapshot()) if latest else None, "names": pattern_names(engine),
        "words": words(engine),
        "revisions": architecture.revisions.select_related("author").defer("answers", "recommendation"),
        "rules_version": engine.version, "error": error,
        "share_links": actions.live_share_links(architecture).select_related("revision", "created_by")
        if role.allows(Role.EDITOR) else [],
        "share_form": ShareForm(),
    }
    if latest:
        context["diagram_url"] = _diagram_url(latest)
        context["today_groups"] = grouped(context["today"].differences)
        context["panel"] = stored_panel(engine, latest.recommendation, latest.answers)
        context["problems"] = [(words(engine).question(key), message) for key, message in context["today"].problems.items()]
        context["questionnaire_url"] = f"{reverse('questionnaire:start')}?{query_for(engine, latest.answers)}"
        context["unanswered"] = unanswered(engine, latest.answers)
        context["answer_url"] = (reverse("architectures:edit", args=[architecture.pk]) if context["can_edit"]
                                 else context["questionnaire_url"])
    return render(request, "architectures/detail.html", context, status=status)


def _get_architecture(request: HttpRequest, pk: int, need: Role = Role.VIEWER) -> tuple[Architecture, Role]:
    return get_for_user(request.user, Architecture.objects.select_related("team", "latest", "latest__author"), need,
                        pk=pk)


@login_required
@require_GET
def architecture_detail(request: HttpRequest, pk: int) -> HttpResponse:
    architecture, role = _get_architecture(request, pk)
    return _detail_page(request, architecture, role)


@login_required
@require_http_methods(["GET", "POST"])
def architecture_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire on a saved architecture: its answers, the live panel, and saving
    as a new revision. Without answers in the request it starts from the latest revision's."""
    architecture, _ = _get_architecture(request, pk, Role.EDITOR)
    engine = current_engine()
    if request.method == "POST" and request.POST.get("import") == "answers":
        return import_answers(request, engine, _editing(architecture, engine))
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and not data:
        latest = architecture.latest
        data = {key: to_text(value) for key, value in (latest.answers if latest else {}).items()}
    return questionnaire_response(request, engine, data, _editing(architecture, engine))


def _editing(architecture: Architecture, engine: Engine) -> Editing:
    latest = architecture.latest
    return Editing(architecture.name, reverse("architectures:edit", args=[architecture.pk]),
                   reverse("architectures:revise", args=[architecture.pk]),
                   reverse("architectures:detail", args=[architecture.pk]), latest.number + 1 if latest else 1,
                   saved_query=query_for(engine, latest.answers) if latest else "")


@login_required
@require_http_methods(["GET", "POST"])
def architecture_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Save answers from the questionnaire as a new revision: a note, and the name,
    description and patterns as they were (changeable here)."""
    architecture, _ = _get_architecture(request, pk, Role.EDITOR)
    engine = current_engine()
    params = request.POST if request.method == "POST" else request.GET
    try:
        answers = engine.validate(answers_from_params(params, engine))
    except AnswerError as exc:
        return bad_request(request, "These answers cannot be saved", answer_problems(exc, words(engine)))
    latest = architecture.latest
    hand_picked = latest is not None and not latest.follows_recommendation
    choice = _choice_params(params, {
        "choice": ArchitectureForm.OWN if hand_picked else ArchitectureForm.RECOMMENDED,
        "patterns": list(latest.patterns) if hand_picked else list(engine.recommend(answers).selected)})
    initial = {"name": architecture.name, "description": architecture.description,
               "choice": choice.get("choice"), "patterns": choice.getlist("patterns"),
               **_typed(params, "name", "description", "note")}
    saving = _saving(request, params)
    form = ReviseForm(params if saving else None, initial=initial, engine=engine, answers=answers)
    context = {"form": form, "answers_json": json.dumps(answers), "architecture": architecture,
               "editing": _editing(architecture, engine), "edit_url": reverse("architectures:edit", args=[pk])
               + (f"?{query_for(engine, answers)}" if query_for(engine, answers) else ""),
               **_choice_context(engine, answers, choice)}
    if request.htmx and not saving:
        return render(request, "architectures/save.html#choice", context)
    if saving:
        if form.is_valid():
            data = form.cleaned_data
            try:
                revision = actions.update_architecture(architecture, request.user, data["name"], data["description"],
                                                       form.evaluated, data["note"])
            except ActionError as exc:
                form.add_error(exc.field, exc.message)
            else:
                saved = f"revision {revision.number} saved" if revision else "details saved; answers and patterns unchanged"
                messages.success(request, f"{architecture.name}: {saved}.")
                return redirect_after_write(request, reverse("architectures:detail", args=[architecture.pk]))
        return render(request, "architectures/save.html", context, status=400)
    return render(request, "architectures/save.html", context)


@login_required
@require_POST
def architecture_delete(request: HttpRequest, pk: int) -> HttpResponse:
    architecture, role = _get_architecture(request, pk, Role.EDITOR)
    if request.POST.get("confirm") != "yes":
        return _detail_page(request, architecture, role, 400, "Tick the box to confirm deleting this architecture.")
    actions.delete_architecture(architecture)
    messages.success(request, f"{architecture.name} and its history were deleted.")
    return redirect_after_write(request, reverse("architectures:list") + f"?team={architecture.team_id}")


def _get_revision(request: HttpRequest, pk: int, number: int, need: Role = Role.VIEWER) -> tuple[Revision, Role]:
    queryset = Revision.objects.select_related("architecture", "architecture__team", "author")
    return get_for_user(request.user, queryset, need, architecture_id=pk, number=number)


@login_required
@require_GET
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    revision, role = _get_revision(request, pk, number)
    engine = current_engine()
    context = {"revision": revision, "architecture": revision.architecture, "role": role,
               "can_edit": role.allows(Role.EDITOR), "names": pattern_names(engine),
               "answers": answer_rows(engine, revision.answers), "diagram_url": _diagram_url(revision),
               "panel": stored_panel(engine, revision.recommendation, revision.answers),
               "unanswered": unanswered(engine, revision.answers), "share_form": ShareForm()}
    if context["unanswered"]:
        today = recommend_today(engine, revision.snapshot())
        query = query_for(engine, revision.answers)
        context.update(today=today, today_groups=grouped(today.differences),
                       answer_url=(f"{reverse('architectures:edit', args=[pk])}?{query}" if context["can_edit"]
                                   else f"{reverse('questionnaire:start')}?{query}"))
    return render(request, "architectures/revision.html", context)


def _diagram_url(revision: Revision) -> str:
    if not revision.patterns or not generator.dot_available():
        return ""
    return reverse("architectures:diagram", args=[revision.architecture_id, revision.number])


@login_required
@require_GET
def revision_diagram(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The revision drawn as it would be generated (SVG), without generating the project."""
    revision, _ = _get_revision(request, pk, number)
    return svg_response(current_engine(), revision.patterns, revision.answers,
                        default_project_name(revision.architecture.name), cache_seconds=24 * 3600,
                        cache_control="private, max-age=3600",
                        missing="This revision cannot be drawn here (Graphviz is not installed, or it has no patterns).")


@login_required
@require_GET
def revision_diagram_page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The revision's diagram on a page of its own: titled, with its legend and a way back."""
    revision, _ = _get_revision(request, pk, number)
    svg_url = _diagram_url(revision)
    if not svg_url:
        raise Http404("This revision cannot be drawn here (Graphviz is not installed, or it has no patterns).")
    architecture = revision.architecture
    return render(request, "diagrams/page.html", {
        "heading": f"{architecture.name}, revision {revision.number}: architecture diagram",
        "summary": "Drawn as the generated project would be built.", "svg_url": svg_url,
        "alt": f"Architecture diagram of revision {revision.number}: {drawn_patterns(revision.patterns)}",
        "caveat": "" if Recommendation.from_dict(revision.recommendation).fits_lambda else DRAWN_IN_LAMBDA,
        "back_url": reverse("architectures:revision", args=[pk, number]),
        "back_label": f"Back to revision {revision.number} of {architecture.name}",
    })


@login_required
@require_POST
def revision_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    revision, role = _get_revision(request, pk, number, Role.EDITOR)
    try:
        restored = actions.restore_revision(current_engine(), revision, request.user)
    except ActionError as exc:
        return _detail_page(request, revision.architecture, role, 400, exc.message)
    messages.success(request, f"Revision {number} restored as revision {restored.number}.")
    return redirect_after_write(request, reverse("architectures:detail", args=[pk]))


@login_required
@require_GET
def revision_diff(request: HttpRequest, pk: int) -> HttpResponse:
    architecture, role = _get_architecture(request, pk)
    try:
        newer = _int_param(request.GET, "to") or architecture.latest.number
        older = _int_param(request.GET, "from") or max(newer - 1, 1)
    except ValueError as exc:
        return bad_request(request, "These revisions cannot be compared", [str(exc)])
    found = {r.number: r for r in architecture.revisions.select_related("author").filter(number__in=[older, newer])}
    missing = [str(n) for n in (older, newer) if n not in found]
    if missing:
        return bad_request(request, "These revisions cannot be compared",
                           [f"{architecture.name} has no revision {', '.join(missing)}."])
    before, after = found[older], found[newer]
    lines = diff_revisions(before.snapshot(), after.snapshot(), words(current_engine()))
    context = {"architecture": architecture, "before": before, "after": after, "groups": grouped(lines),
               "numbers": architecture.revisions.values_list("number", flat=True)}
    template = "architectures/diff.html#diff" if request.htmx else "architectures/diff.html"
    return render(request, template, context)


@login_required
@require_GET
def architecture_compare(request: HttpRequest) -> HttpResponse:
    """Two to four architectures (their latest revisions) or revisions, one column each."""
    try:
        items = parse_items(request.GET.getlist("ids"))
    except ItemError as exc:
        return bad_request(request, "These cannot be compared", [str(exc)])
    revisions = []
    for pk, number in items:
        if number is None:
            architecture, _ = _get_architecture(request, pk)
            if architecture.latest is None:
                return bad_request(request, "These cannot be compared", [f"{architecture.name} has no saved revision."])
            revision = architecture.latest
            revision.architecture = architecture
        else:
            revision, _ = _get_revision(request, pk, number)
        revisions.append(revision)
    engine = current_engine()
    panels = [stored_panel(engine, revision.recommendation, revision.answers) for revision in revisions]
    columns = [(revision, _diagram_url(revision)) for revision in revisions]
    # Revisions of one architecture are compared as its revisions, not as so many architectures.
    owners = {revision.architecture_id for revision in revisions}
    context = {"columns": columns, "sections": compare(engine, panels, [r.answers for r in revisions]),
               "any_diagram": any(url for _, url in columns), "absent": ABSENT,
               "one_architecture": revisions[0].architecture if len(owners) == 1 else None}
    return render(request, "architectures/compare.html", context)


def _download(content: bytes | str, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


def _revision_svg(engine: Engine, revision: Revision) -> bytes | None:
    return drawing(engine, revision.patterns, revision.answers, default_project_name(revision.architecture.name),
                   cache_seconds=24 * 3600)


def _markdown_export(revision: Revision) -> HttpResponse:
    return _markdown_download(exports.revision_export(current_engine(), revision))


def _markdown_download(export: exports.Export) -> HttpResponse:
    return _download(exports.markdown(export), exports.MARKDOWN_TYPE, export.file_name("md"))


def _pdf_export(revision: Revision) -> HttpResponse:
    """The revision's PDF, kept for a day: a revision never changes; its words change with the
    rules version and the architecture's name and description, so those are the key (with the
    moment it was saved, so a reused id never finds another revision's PDF)."""
    engine = current_engine()
    architecture = revision.architecture
    identity = repr((revision.pk, revision.created_at.isoformat(), engine.version, architecture.name,
                     architecture.description))
    return _pdf_download(exports.revision_export(engine, revision), identity, 24 * 3600,
                         lambda: _revision_svg(engine, revision))


def _pdf_download(export: exports.Export, identity: str, seconds: int, svg: Callable[[], bytes | None]) -> HttpResponse:
    """The export printed as a PDF with its diagram (``svg``), kept in the cache under ``identity``
    for ``seconds``: printing one takes the web process about 1.6 s (a two-pattern revision on the
    shared 2-core test machine), reading it back from the cache a millisecond. A server that
    cannot print says so (503) instead of failing."""
    key = "export-pdf:" + hashlib.sha256(identity.encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        try:
            content = exports.pdf(export, svg())
        except exports.PdfUnavailable as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
        cache.set(key, content, seconds)
    return _download(content, exports.PDF_TYPE, export.file_name("pdf"))


@login_required
@require_GET
def revision_markdown(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The revision as a Markdown document: recommendation, risks, limits, cost, checklist, answers."""
    revision, _ = _get_revision(request, pk, number)
    return _markdown_export(revision)


@login_required
@require_GET
@throttle_requests(ExportThrottle, what="PDF exports", methods=("GET",))
def revision_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The same document as a PDF, with the diagram."""
    revision, _ = _get_revision(request, pk, number)
    return _pdf_export(revision)


# A recommendation not saved: the answers are in the query string, as on its page ---------------
def _answers_export(request: HttpRequest) -> tuple[Engine, dict[str, Any] | None, HttpResponse | None]:
    """The engine and the answers in the query string, or the 400 page naming what is wrong."""
    engine = current_engine()
    try:
        return engine, engine.validate(answers_from_params(request.GET, engine)), None
    except AnswerError as exc:
        return engine, None, bad_request(request, "This recommendation cannot be exported",
                                         answer_problems(exc, words(engine)))


@require_GET
def recommendation_markdown(request: HttpRequest) -> HttpResponse:
    """The recommendation for the answers in the query string as a Markdown document."""
    engine, answers, refused = _answers_export(request)
    if refused:
        return refused
    return _markdown_download(exports.answers_export(engine, answers))


@require_GET
@throttle_requests(ExportThrottle, what="PDF exports", methods=("GET",))
def recommendation_pdf(request: HttpRequest) -> HttpResponse:
    """The same document as a PDF, with the proposed architecture drawn. Anyone may ask, so
    it is throttled per account, or per client address without one."""
    engine, answers, refused = _answers_export(request)
    if refused:
        return refused
    export = exports.answers_export(engine, answers)
    # The document says the day it was made, so the day is part of what it is.
    identity = repr(("answers", engine.version, sorted(answers.items()), export.origin))
    selected = [pattern.slug for pattern in export.panel.selected]
    return _pdf_download(export, identity, 600, lambda: drawing(engine, selected, answers, "proposed-architecture",
                                                                cache_seconds=600))


@login_required
@require_POST
def share_create(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A read-only link to the revision for people without an account."""
    revision, role = _get_revision(request, pk, number, Role.EDITOR)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return bad_request(request, "This link cannot be made", [m for ms in form.errors.values() for m in ms])
    try:
        link = actions.share_revision(revision, actor=request.user, days=form.cleaned_data["expires"])
    except ActionError as exc:
        return _detail_page(request, revision.architecture, role, 400, exc.message)
    messages.success(request, f"Anyone with the new link can read revision {revision.number}: "
                              f"{request.build_absolute_uri(reverse('architectures:shared', args=[link.token]))}")
    return redirect_after_write(request, reverse("architectures:detail", args=[pk]) + "#sharing")


@login_required
@require_POST
def share_revoke(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    share_link, _ = get_for_user(request.user, ShareLink.objects.select_related("revision"), Role.EDITOR,
                                 pk=link, revision__architecture_id=pk)
    actions.revoke_share_link(share_link)
    messages.success(request, f"The link to revision {share_link.revision.number} no longer opens.")
    return redirect_after_write(request, reverse("architectures:detail", args=[pk]) + "#sharing")


# Shared links: no account, the token is the credential --------------------------------------
SHARED_HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


def _get_shared(token: str) -> ShareLink:
    """The live link with this token, or 404: unknown, revoked (deleted) and expired look the same."""
    if len(token) > 64:
        raise Http404("No such link")
    link = ShareLink.objects.live().select_related("revision", "revision__architecture").filter(token=token).first()
    if link is None:
        raise Http404("This link does not exist, was revoked or has expired.")
    return link


def _shared(response: HttpResponse) -> HttpResponse:
    for header, value in SHARED_HEADERS.items():
        response[header] = value
    return response


@never_cache
@require_GET
@throttle_requests(SharedLinkThrottle, what="requests for shared architectures", methods=("GET",))
def shared_revision(request: HttpRequest, token: str) -> HttpResponse:
    """One revision, read-only: what was recommended and the diagram, nothing else of the team."""
    link = _get_shared(token)
    revision = link.revision
    engine = current_engine()
    context = {"link": link, "revision": revision, "architecture": revision.architecture,
               "panel": stored_panel(engine, revision.recommendation, revision.answers),
               "answers": answer_rows(engine, revision.answers),
               "diagram_url": reverse("architectures:shared_diagram", args=[token]) if _diagram_url(revision) else ""}
    return _shared(render(request, "architectures/shared.html", context))


@require_GET
@throttle_requests(SharedLinkThrottle, what="requests for shared architectures", methods=("GET",))
def shared_diagram(request: HttpRequest, token: str) -> HttpResponse:
    revision = _get_shared(token).revision
    return _shared(svg_response(current_engine(), revision.patterns, revision.answers,
                                default_project_name(revision.architecture.name), cache_seconds=24 * 3600,
                                cache_control="no-store", missing="This revision has no diagram."))


@require_GET
@throttle_requests(SharedLinkThrottle, what="requests for shared architectures", methods=("GET",))
def shared_markdown(request: HttpRequest, token: str) -> HttpResponse:
    return _shared(_markdown_export(_get_shared(token).revision))


@require_GET
@throttle_requests(SharedLinkThrottle, ExportThrottle, what="PDF exports", methods=("GET",))
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    return _shared(_pdf_export(_get_shared(token).revision))
