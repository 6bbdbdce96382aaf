"""The questionnaire with its live recommendation panel, the answers file, the catalogue.

One view serves the questionnaire: a GET or a plain form POST renders the whole page (a
valid POST redirects to the shareable URL); an htmx POST (each answer, as it is typed)
renders only the short panel beside the form, with what changed since the answers before,
plus the few out-of-band pieces of the form that changed. Below the form, the answer tools
and the full recommendation are left as a placeholder by each update and fetched again
(an htmx GET of the page's own URL) once they are scrolled into view. The full
recommendation also has a page of its own (``recommendation``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import replace_url

import generator
from advisor.diagrams import svg_response
from advisor.architectures.templatetags.architectures import drawn_patterns
from patterns.answers import AnswerError
from patterns.engine import Engine, Recommendation
from patterns.store import current_engine
from patterns.wording import labelled, words_for

from .examples import EXAMPLES
from .layout import question_rows, sections
from .panel import DRAWN_IN_LAMBDA, Changes, Glance, build_glance, build_panel, compare
from .short_panel import (PAGE, announcement_html, below_the_form_later_html, changes_html, form_updates_html,
                          panel_html)
from .submission import (
    MAX_ANSWERS_FILE_BYTES, Submission, answers_file, read_answers_file, read_submission, to_text,
)

RECOMMENDATION_PAGE = "questionnaire/recommendation.html"


# The query of an edit page whose answers are all defaults (see ``_own_path``).
DEFAULTS_QUERY = "defaults=all"


@dataclass(frozen=True)
class Editing:
    """The questionnaire opened on a saved architecture: the form posts to ``path``, and
    saving leads to ``save_path`` (a new revision) instead of a new architecture."""

    name: str
    path: str  # this questionnaire, on the architecture
    save_path: str  # the page that saves the answers as a revision
    back_path: str  # the architecture's page
    next_number: int
    saved_query: str = ""  # the saved answers, as the shareable query string (what the page opens on)


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest) -> HttpResponse:
    engine = current_engine()
    data = request.POST if request.method == "POST" else request.GET
    return questionnaire_response(request, engine, data)


def questionnaire_response(request: HttpRequest, engine: Engine, data: Mapping[str, str],
                           editing: Editing | None = None) -> HttpResponse:
    """The questionnaire page (or its live update, or the part below the form) for these
    submitted answers."""
    if request.htmx and not request.htmx.history_restore_request:
        if request.method == "POST":
            return _live_update(request, engine, data, editing)
        return _below_the_form(request, engine, data, editing)
    submission = read_submission(engine, data)
    if request.method == "POST" and submission.ok:
        # Post/redirect/get: the result lands on its own shareable URL.
        return redirect(_own_path(submission, editing) + "#recommendation")
    # A bookmarked or hand-edited URL with a bad value is the client's mistake: 400, shown in place.
    status = 400 if request.method == "GET" and not submission.ok else 200
    response = render(request, PAGE, _page_context(request, engine, submission, editing=editing), status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def download_answers(request: HttpRequest) -> HttpResponse:
    engine, submission, refused = _submitted(request)
    if refused:
        return refused
    response = HttpResponse(answers_file(engine, submission.answers), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="answers.json"'
    return response


@require_GET
def answers_diagram(request: HttpRequest) -> HttpResponse:
    """The proposed architecture for these answers, drawn as the generator would build it (SVG)."""
    engine, submission, refused = _submitted(request)
    if refused:
        return refused
    return svg_response(engine, engine.recommend(submission.answers).selected, submission.answers,
                        "proposed-architecture", cache_seconds=600, cache_control="public, max-age=600",
                        missing="Nothing to draw for these answers here (no pattern fits, or Graphviz is not installed).")


@require_GET
def answers_diagram_page(request: HttpRequest) -> HttpResponse:
    """The proposed architecture's diagram on a page of its own: titled, with its legend and a way back."""
    engine, submission, refused = _submitted(request)
    if refused:
        return refused
    recommendation = engine.recommend(submission.answers)
    selected = recommendation.selected
    if not selected or not generator.dot_available():
        raise Http404("Nothing to draw for these answers here (no pattern fits, or Graphviz is not installed).")
    query = f"?{submission.query}" if submission.query else ""
    return render(request, "diagrams/page.html", {
        "heading": "The proposed architecture", "svg_url": reverse("questionnaire:diagram") + query,
        "summary": "Drawn for your answers as a generated project would be built.",
        "alt": f"Diagram of the proposed architecture: {drawn_patterns(selected)}",
        "caveat": "" if recommendation.fits_lambda else DRAWN_IN_LAMBDA,
        "back_url": reverse("questionnaire:start") + query, "back_label": "Back to your answers",
        "rules_version": engine.version,
    })


def _submitted(request: HttpRequest) -> tuple[Engine, Submission, HttpResponse | None]:
    """The answers in the query string, or the page showing what is wrong with them (400)."""
    engine = current_engine()
    submission = read_submission(engine, request.GET)
    if not submission.ok:
        return engine, submission, render(request, PAGE, _page_context(request, engine, submission), status=400)
    return engine, submission, None


@require_POST
def upload_answers(request: HttpRequest) -> HttpResponse:
    return import_answers(request, current_engine())


# The field an answers file is posted in, and the marker of an import on the edit page.
IMPORT_FIELD = "answers_file"


def import_answers(request: HttpRequest, engine: Engine, editing: Editing | None = None) -> HttpResponse:
    """Load an answers file into the questionnaire (or the one editing an architecture)."""
    upload = request.FILES.get(IMPORT_FIELD)
    try:
        if upload is None:
            raise AnswerError({"": "Choose a JSON file of answers to load."})
        raw = read_answers_file(engine, upload.read(MAX_ANSWERS_FILE_BYTES + 1))
    except AnswerError as exc:
        # The page keeps the answers the user had (they are in the form action's query string).
        submission = read_submission(engine, request.GET)
        context = _page_context(request, engine, submission, upload_errors=answer_problems(engine, exc),
                                editing=editing)
        return render(request, PAGE, context, status=400)
    submission = read_submission(engine, {key: to_text(value) for key, value in raw.items()})
    ignored = [question.label for question in engine.questions if question.key in raw and question.key not in submission.visible]
    messages.success(request, f"Loaded the answers from {upload.name}.")
    if ignored:
        messages.info(request, "These answers do not apply to this workload and keep their defaults: "
                      + "; ".join(ignored) + ".")
    return redirect(_own_path(submission, editing) + "#recommendation")


def answer_problems(engine: Engine, exc: AnswerError) -> list[str]:
    """Each problem with a set of answers, named by its question."""
    words = words_for(engine.catalogue)
    return [labelled(words.question(key), message) if key else message for key, message in exc.errors.items()]


@lru_cache(maxsize=16)
def _path(name: str) -> str:
    """A URL without arguments; reversed once, as the live panel asks for several on each answer."""
    return reverse(name)


def _shared_path(submission: Submission) -> str:
    path = _path("questionnaire:start")
    return f"{path}?{submission.query}" if submission.query else path


def _own_path(submission: Submission, editing: Editing | None) -> str:
    """Where these answers live on this page: the questionnaire, or the one editing an architecture."""
    if editing is None:
        return _shared_path(submission)
    # Every answer at its default still has to say so: without answers the page opens on
    # the architecture's saved ones.
    return f"{editing.path}?{submission.query or DEFAULTS_QUERY}"


def _recommendation_url(submission: Submission) -> str:
    path = _path("questionnaire:recommendation")
    return f"{path}?{submission.query}" if submission.query else path


def _panel_context(engine: Engine, submission: Submission, recommendation: Recommendation,
                   editing: Editing | None = None) -> dict[str, Any]:
    """What the short panel beside the form shows (all a live update needs)."""
    query = f"?{submission.query}" if submission.query else ""
    return {
        "submission": submission,
        "glance": build_glance(engine, recommendation),
        "editing": editing,
        "form_path": editing.path if editing else _path("questionnaire:start"),
        "own_path": _own_path(submission, editing),
        "recommendation_url": _recommendation_url(submission),
        "save_url": (editing.save_path if editing else _path("architectures:save")) + query,
        "rules_version": engine.version,
        "error_list": [(q.key, q.label, submission.errors[q.key]) for q in engine.questions if q.key in submission.errors],
    }


def _panel_html(context: Mapping[str, Any], changes: str) -> SafeString:
    """The short panel of a page's or a live update's context (``_panel_context``)."""
    return panel_html(context["glance"], changes, error_list=context["error_list"],
                      upload_errors=context.get("upload_errors", ()), editing=context["editing"],
                      save_url=context["save_url"])


def _below_context(request: HttpRequest, engine: Engine, submission: Submission, recommendation: Recommendation,
                   editing: Editing | None = None) -> dict[str, Any]:
    """What the answer tools and the full recommendation below the form show."""
    query = f"?{submission.query}" if submission.query else ""
    return {
        "panel": build_panel(engine, recommendation),
        "diagram_url": (_path("questionnaire:diagram_page") + query)
        if submission.ok and recommendation.selected and generator.dot_available() else "",
        "share_url": request.build_absolute_uri(_shared_path(submission)),
        "download_url": _path("questionnaire:download") + query,
        "upload_url": (editing.path if editing else _path("questionnaire:upload")) + query,
    }


def _page_context(request: HttpRequest, engine: Engine, submission: Submission,
                  upload_errors: list[str] | None = None, editing: Editing | None = None) -> dict[str, Any]:
    recommendation = engine.recommend(submission.answers)
    rows = question_rows(engine, submission)
    context = {
        **_panel_context(engine, submission, recommendation, editing),
        **_below_context(request, engine, submission, recommendation, editing),
        "sections": sections(engine, rows),
        "examples": EXAMPLES,
        "upload_errors": upload_errors or [],
    }
    # A page just opened has no answers before it to compare with.
    context["panel_html"] = _panel_html(context, changes_html(Changes(compared=False)))
    # The next live update says what changed since this page's answers.
    cache.set(_glance_key(engine, submission.query), context["glance"], PANEL_CACHE_SECONDS)
    return context


def _below_the_form(request: HttpRequest, engine: Engine, data: Mapping[str, str],
                    editing: Editing | None = None) -> HttpResponse:
    """The answer tools and the full recommendation, which a live update leaves to be
    fetched once they are scrolled into view."""
    submission = read_submission(engine, data)
    recommendation = engine.recommend(submission.answers)
    context = {
        **_panel_context(engine, submission, recommendation, editing),
        **_below_context(request, engine, submission, recommendation, editing),
    }
    response = render(request, f"{PAGE}#below-the-form", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def recommendation(request: HttpRequest) -> HttpResponse:
    """The full recommendation for the answers in the query string, on a page of its own:
    shareable, and readable without JavaScript."""
    engine, submission, refused = _submitted(request)
    if refused:
        return refused
    recommendation = engine.recommend(submission.answers)
    words = words_for(engine.catalogue)
    query = f"?{submission.query}" if submission.query else ""
    return render(request, RECOMMENDATION_PAGE, {
        "panel": build_panel(engine, recommendation),
        "rules_version": engine.version,
        "answers": [words.answer(key, value) for key, value in submission.changed.items()],
        "questionnaire_url": _shared_path(submission),
        "share_url": request.build_absolute_uri(),
        "download_url": _path("questionnaire:download") + query,
        "markdown_url": _path("questionnaire:recommendation_markdown") + query,
        "pdf_url": _path("questionnaire:recommendation_pdf") + query,
        "save_url": _path("architectures:save") + query,
        "diagram_url": (_path("questionnaire:diagram_page") + query)
        if recommendation.selected and generator.dot_available() else "",
    })


# The live update for a given catalogue and set of posted answers is always the same HTML,
# except for what changed since the answers before: it is rendered once with a placeholder,
# kept in the cache under the rules version and the answers, and served with the changes.
# People try the same workloads (defaults, examples, toggling an answer back) all the time.
PANEL_CACHE_SECONDS = 600
_CHANGES_PLACEHOLDER = "<!-- changes-since-the-answers-before -->"


def _live_update(request: HttpRequest, engine: Engine, data: Mapping[str, str],
                 editing: Editing | None = None) -> HttpResponse:
    fields = sorted((key, value) for key, value in data.lists() if key != "csrfmiddlewaretoken")
    key = "panel:" + hashlib.sha256(repr((engine.version, request.scheme, request.get_host(), editing, fields)).encode()).hexdigest()
    before_query = _query_before(request, editing)
    before_key = _glance_key(engine, before_query) if before_query is not None else None
    found = cache.get_many([key, before_key] if before_key else [key])
    cached = found.get(key)
    if cached is None:
        submission = read_submission(engine, data)
        recommendation = engine.recommend(submission.answers)
        context = _panel_context(engine, submission, recommendation, editing)
        body = _render_live_update(engine, submission, data, context)
        cached = (body, context["own_path"] if submission.ok else None, context["glance"])
        cache.set_many({key: cached, _glance_key(engine, submission.query): context["glance"]}, PANEL_CACHE_SECONDS)
    body, shared_path, glance = cached
    before = None
    if before_key:
        before = found.get(before_key) or _glance_for_query(engine, before_query)
    changes = compare(before, glance)
    announcement = " ".join([glance.summary, *(change.text for change in changes.items)])
    response = HttpResponse(body.replace(_CHANGES_PLACEHOLDER, changes_html(changes)) + announcement_html(announcement))
    if shared_path:
        replace_url(response, shared_path)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _query_before(request: HttpRequest, editing: Editing | None) -> str | None:
    """The answers the page showed before this update, as a query string: htmx sends the
    page's address, which every valid update replaces with the shareable one. None when it
    is another page's. An edit page still on the saved answers has none in its address: it
    showed the saved answers."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if editing is None:
        return current.query if current.path == _path("questionnaire:start") else None
    if current.path != editing.path:
        return None
    if not current.query:
        return editing.saved_query
    return "" if current.query == DEFAULTS_QUERY else current.query


def _glance_key(engine: Engine, query: str) -> str:
    """The short panel of the answers a (shareable) query string holds, under these rules."""
    return "glance:" + hashlib.sha256(repr((engine.version, query)).encode()).hexdigest()


def _glance_for_query(engine: Engine, query: str) -> Glance:
    """The short panel for a query string's answers, when it is not in the cache (another
    process's cache, expired, or an address typed by hand)."""
    submission = read_submission(engine, QueryDict(query))
    glance = build_glance(engine, engine.recommend(submission.answers))
    cache.set(_glance_key(engine, submission.query), glance, PANEL_CACHE_SECONDS)
    return glance


def _render_live_update(engine: Engine, submission: Submission, data: Mapping[str, str],
                        panel_context: dict[str, Any]) -> str:
    # A question the page shows has its inputs in the form, so its key is in the post.
    # Only conditional questions that appear or disappear are re-rendered; inputs the user
    # may still be typing in are never replaced.
    toggled = {q.key for q in engine.questions if q.when and (q.key in data) != (q.key in submission.visible)}
    rows = question_rows(engine, submission, bind=toggled)
    # Nothing in it comes from the request: the questions are rendered without the context processors.
    return "\n".join([
        "",
        _panel_html(panel_context, _CHANGES_PLACEHOLDER),
        *(render_to_string(f"{PAGE}#question", {"row": rows[key], "oob": True}) for key in rows if key in toggled),
        form_updates_html([row for key, row in rows.items() if row.visible and key not in toggled],
                          sections(engine, rows)),
        below_the_form_later_html(panel_context["own_path"], panel_context["recommendation_url"]),
        "",
    ])


# The catalogue -------------------------------------------------------------------------------
@require_GET
def pattern_list(request: HttpRequest) -> HttpResponse:
    engine = current_engine()
    patterns = sorted(engine.catalogue.patterns, key=lambda p: p.order)
    return render(request, "questionnaire/pattern_list.html", {"patterns": patterns, "rules_version": engine.version})


@require_GET
def pattern_detail(request: HttpRequest, slug: str) -> HttpResponse:
    engine = current_engine()
    catalogue = engine.catalogue
    pattern = catalogue.pattern_map.get(slug)
    if pattern is None:
        raise Http404("No such pattern")
    ordered = sorted(catalogue.patterns, key=lambda p: p.order)
    index = ordered.index(pattern)
    context = {
        "pattern": pattern,
        "warnings": [catalogue.warning_map[w] for w in pattern.warnings if w in catalogue.warning_map],
        "alternatives": [(alt, catalogue.pattern_map.get(alt.use)) for alt in pattern.alternatives],
        "previous": ordered[index - 1] if index > 0 else None,
        "next": ordered[index + 1] if index + 1 < len(ordered) else None,
        "rules_version": engine.version,
        "diagram_url": reverse("questionnaire:pattern_diagram", args=[slug])
        if slug in generator.PATTERN_SLUGS and generator.dot_available() else "",
    }
    return render(request, "questionnaire/pattern_detail.html", context)


@require_GET
def pattern_diagram(request: HttpRequest, slug: str) -> HttpResponse:
    """One pattern alone, as the generator builds it for the default answers (SVG)."""
    engine = current_engine()
    if slug not in engine.catalogue.pattern_map or slug not in generator.PATTERN_SLUGS:
        raise Http404("No drawing for this pattern")
    return svg_response(engine, [slug], engine.validate({}), slug, cache_seconds=24 * 3600,
                        cache_control="public, max-age=3600", missing="Graphviz is not installed here.")


@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    engine = current_engine()
    catalogue = engine.catalogue
    words = words_for(catalogue)
    items = [
        (item, [catalogue.pattern_map[slug] for slug in item.patterns if slug in catalogue.pattern_map],
         words.condition(item.when) if item.when else "")
        for item in sorted(catalogue.checklist, key=lambda c: c.order)
    ]
    return render(request, "questionnaire/checklist.html", {
        "always": [(item, pats) for item, pats, _ in items if not item.when and not pats],
        "conditional": [(item, pats, when) for item, pats, when in items if item.when or pats],
        "rules_version": engine.version,
    })
