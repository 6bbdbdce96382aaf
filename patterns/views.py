"""The public page for one rules version: the catalogue changes that made it."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import history

VERSION = re.compile(r"^[0-9a-f]{1,64}$")


@login_required
def rules_version(request: HttpRequest, version: str) -> HttpResponse:
    if not VERSION.match(version):
        raise Http404("No such rules version.")
    changes = list(history.changes_for_version(version))
    rows = [(change, history.field_diff(change)) for change in changes]
    return render(request, "advisor/rules_version.html", {
        "version": version, "rows": rows, "previous": changes[0].previous_version if changes else "",
        "show_who": request.user.is_staff,
    })
