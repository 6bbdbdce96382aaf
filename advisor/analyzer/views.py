"""The analyzer page: paste or upload a SAM/CloudFormation template, see its patterns, its
architecture drawn and its risks; and the hand-over that starts an architecture from it.

A plain form post (files do not travel well over htmx), answered in place: the report, or
the reason the template was refused with a 400. Analyses share the API's throttles.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from advisor.questionnaire.submission import read_submission
from advisor.throttling import throttle_posts
from analyzer import MAX_TEMPLATE_BYTES, TemplateError
from patterns.store import current_engine
from patterns.wording import labelled, words_for

from .api import AnalyzeAnonThrottle, AnalyzeUserThrottle
from .forms import TemplateForm
from .reading import analyze_for_page, uploaded_text

PAGE = "analyzer/analyze.html"


@require_http_methods(["GET", "POST"])
@throttle_posts(AnalyzeAnonThrottle, AnalyzeUserThrottle, what="template analyses")
def analyze_template(request: HttpRequest) -> HttpResponse:
    engine = current_engine()
    context = {"rules_version": engine.version, "max_kb": MAX_TEMPLATE_BYTES // 1024}
    if request.method == "GET":
        return render(request, PAGE, {**context, "form": TemplateForm()})
    form = TemplateForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = [message for messages in form.errors.values() for message in messages]
        return render(request, PAGE, {**context, "form": form, "problems": problems}, status=400)
    upload = form.cleaned_data["upload"]
    try:
        text = uploaded_text(upload) if upload else form.cleaned_data["template"]
        report = analyze_for_page(engine, text, upload.name if upload else "")
    except TemplateError as exc:
        return render(request, PAGE, {**context, "form": form, "problems": [str(exc)]}, status=400)
    return render(request, PAGE, {**context, "form": form, "report": report, "source": upload.name if upload else ""})


@require_GET
def start_architecture(request: HttpRequest) -> HttpResponse:
    """Open the questionnaire on the answers read from an analysed template (in the query),
    saying which answers came from the template."""
    engine = current_engine()
    submission = read_submission(engine, request.GET)
    questionnaire = reverse("questionnaire:start")
    if not submission.ok:  # a hand-edited link: the questionnaire shows what is wrong
        return redirect(f"{questionnaire}?{request.GET.urlencode()}")
    words = words_for(engine.catalogue)
    taken = [labelled(words.question(key), words.value(key, submission.answers[key]))
             for key in (q.key for q in engine.questions) if key in request.GET and key in submission.visible]
    if taken:
        messages.info(request, "These answers came from the analysed template: " + "; ".join(taken)
                      + ". The other questions keep their defaults.")
    query = f"?{submission.query}" if submission.query else ""
    return redirect(f"{questionnaire}{query}#recommendation")
