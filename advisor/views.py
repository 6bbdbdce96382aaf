from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from patterns.store import current_engine

from .questionnaire.examples import EXAMPLES


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    engine = current_engine()
    patterns = sorted(engine.catalogue.patterns, key=lambda p: p.order)
    return render(request, "advisor/home.html", {
        "patterns": patterns, "examples": EXAMPLES, "rules_version": engine.version,
    })


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "rules_version": current_engine().version})
