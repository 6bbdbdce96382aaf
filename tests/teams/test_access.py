"""Who may do what, for every URL that takes an object id, and CSRF on every write.

``ROUTES`` classifies every URL pattern the teams, architectures and API apps serve. The
matrix test walks the URL resolver and fails when a pattern with parameters is in
neither ``ROUTES`` nor ``EXEMPT``, so a new view cannot skip this test by accident.

For each route x method x role:
- a method the route does not serve is a 405 for everyone;
- an outsider gets a 404 and a member below the needed role a 403, and neither changes
  a single row;
- a member with the role succeeds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

import generator
from django.core.files.base import ContentFile

from advisor.architectures.models import Architecture, Revision, ShareLink
from advisor.jobs.models import GenerationJob, JobStatus
from advisor.teams.models import Invitation, Membership, Role, Team
from tests.factories import (
    PASSWORD, QUEUE_ANSWERS, ArchitectureFactory, MembershipFactory, TeamFactory, UserFactory,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ANYONE = None  # any logged-in user


@dataclass(frozen=True)
class Route:
    kwargs: Callable[["World"], dict[str, Any]]
    methods: dict[str, Role | None]  # method -> role needed
    data: dict[str, Callable[["World"], dict[str, Any]]] = field(default_factory=dict)
    api: bool = False


@dataclass
class World:
    team: Team
    architecture: Architecture
    viewer_membership: Membership
    users: dict[str, Any]
    job: GenerationJob
    share_link: ShareLink


def team_id(w: World) -> dict:
    return {"team_id": w.team.pk}


def membership(w: World) -> dict:
    return {"team_id": w.team.pk, "membership_id": w.viewer_membership.pk}


def architecture(w: World) -> dict:
    return {"pk": w.architecture.pk}


def revision(w: World) -> dict:
    return {"pk": w.architecture.pk, "number": 1}


def share_link(w: World) -> dict:
    return {"pk": w.architecture.pk, "link": w.share_link.pk}


def job(w: World) -> dict:
    return {"pk": w.job.pk}


def no_kwargs(w: World) -> dict:
    return {}


def edit_form(w: World) -> dict:
    return {"trigger": "event", "client_waits": "false"}


def revise_form(w: World) -> dict:
    return {"step": "save", "answers": json.dumps(QUEUE_ANSWERS), "name": "Renamed", "description": "",
            "choice": "recommended", "note": "Queue instead"}


def save_form(w: World) -> dict:
    return {"step": "save", "answers": json.dumps(QUEUE_ANSWERS), "team": w.team.pk, "name": "Saved anew",
            "choice": "recommended"}


ROUTES: dict[str, Route] = {
    # Object routes: the access matrix runs on these.
    "teams:detail": Route(team_id, {"GET": Role.VIEWER}),
    "teams:rename": Route(team_id, {"POST": Role.OWNER}, {"POST": lambda w: {"name": "Renamed"}}),
    "teams:member_add": Route(team_id, {"POST": Role.OWNER}, {"POST": lambda w: {"identifier": "dora", "role": "viewer"}}),
    "teams:member_role": Route(membership, {"POST": Role.OWNER}, {"POST": lambda w: {"role": "editor"}}),
    "teams:member_remove": Route(membership, {"POST": Role.OWNER}),
    "teams:leave": Route(team_id, {"POST": Role.VIEWER}),
    "teams:delete": Route(team_id, {"POST": Role.OWNER}, {"POST": lambda w: {"confirm": w.team.name}}),
    "architectures:detail": Route(architecture, {"GET": Role.VIEWER}),
    "architectures:edit": Route(architecture, {"GET": Role.EDITOR, "POST": Role.EDITOR}, {"POST": edit_form}),
    "architectures:revise": Route(architecture, {"GET": Role.EDITOR, "POST": Role.EDITOR}, {"POST": revise_form}),
    "architectures:delete": Route(architecture, {"POST": Role.EDITOR}, {"POST": lambda w: {"confirm": "yes"}}),
    "architectures:diff": Route(architecture, {"GET": Role.VIEWER}),
    "architectures:revision": Route(revision, {"GET": Role.VIEWER}),
    "architectures:diagram": Route(revision, {"GET": Role.VIEWER}),
    "architectures:diagram_page": Route(revision, {"GET": Role.VIEWER}),
    "architectures:restore": Route(revision, {"POST": Role.EDITOR}),
    "architectures:export_markdown": Route(revision, {"GET": Role.VIEWER}),
    "architectures:export_pdf": Route(revision, {"GET": Role.VIEWER}),
    "architectures:share": Route(revision, {"POST": Role.EDITOR}, {"POST": lambda w: {"expires": "7"}}),
    "architectures:share_revoke": Route(share_link, {"POST": Role.EDITOR}),
    "jobs:generate": Route(revision, {"GET": Role.VIEWER, "POST": Role.EDITOR}, {"POST": lambda w: {
        "name": "orders", "runtime": generator.RUNTIMES[0], "architecture": generator.ARCHITECTURES[0]}}),
    "jobs:detail": Route(job, {"GET": Role.VIEWER}),
    "jobs:retry": Route(job, {"POST": Role.EDITOR}),
    "jobs:download": Route(lambda w: {"pk": w.job.pk, "kind": "zip"}, {"GET": Role.VIEWER}),
    "api:architecture": Route(architecture, {"GET": Role.VIEWER, "PUT": Role.EDITOR, "PATCH": Role.EDITOR,
                                             "DELETE": Role.EDITOR},
                              {"PUT": lambda w: {"name": "Renamed"}, "PATCH": lambda w: {"description": "New"}}, api=True),
    "api:today": Route(architecture, {"GET": Role.VIEWER}, api=True),
    "api:revisions": Route(architecture, {"GET": Role.VIEWER, "POST": Role.EDITOR},
                           {"POST": lambda w: {"answers": {"trigger": "event"}}}, api=True),
    "api:revision": Route(revision, {"GET": Role.VIEWER}, api=True),
    "api:restore": Route(revision, {"POST": Role.EDITOR}, api=True),
    "api:generate": Route(revision, {"POST": Role.EDITOR}, {"POST": lambda w: {"name": "from-api"}}, api=True),
    "api:job": Route(job, {"GET": Role.VIEWER}, api=True),
    "api:job_retry": Route(job, {"POST": Role.EDITOR}, api=True),
    "api:job_download": Route(lambda w: {"pk": w.job.pk, "kind": "zip"}, {"GET": Role.VIEWER}, api=True),
    # Routes without an object id: checked for CSRF and for needing a login.
    "signup": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE}, {"POST": lambda w: {
        "username": "newcomer", "email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD}}),
    "login": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE},
                   {"POST": lambda w: {"username": "charlie", "password": PASSWORD}}),
    "logout": Route(no_kwargs, {"POST": ANYONE}),
    "account": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE}),
    "password_change": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE}, {"POST": lambda w: {
        "old_password": PASSWORD, "new_password1": "a different passphrase 99", "new_password2": "a different passphrase 99"}}),
    "password_change_done": Route(no_kwargs, {"GET": ANYONE}),
    "password_reset": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE}, {"POST": lambda w: {"email": "charlie@example.org"}}),
    "password_reset_done": Route(no_kwargs, {"GET": ANYONE}),
    "password_reset_complete": Route(no_kwargs, {"GET": ANYONE}),
    "teams:list": Route(no_kwargs, {"GET": ANYONE}),
    "teams:create": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE}, {"POST": lambda w: {"name": "New team"}}),
    "architectures:list": Route(no_kwargs, {"GET": ANYONE}),
    "architectures:save": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE}, {"POST": save_form}),
    "architectures:compare": Route(no_kwargs, {"GET": ANYONE}),
    "api:schema": Route(no_kwargs, {"GET": ANYONE}, api=True),
    "api:recommend": Route(no_kwargs, {"POST": ANYONE}, {"POST": lambda w: {"trigger": "queue"}}, api=True),
    "api:teams": Route(no_kwargs, {"GET": ANYONE}, api=True),
    "api:architectures": Route(no_kwargs, {"GET": ANYONE, "POST": ANYONE}, {"POST": lambda w: {
        "team": w.team.pk, "name": "From the API", "answers": {"trigger": "queue"}}}, api=True),
}

# Patterns with parameters that are not team objects, and why.
EXEMPT = {
    "admin:": "staff-only Django admin, guarded by is_staff",
    "questionnaire:pattern": "a public catalogue page addressed by pattern slug",
    "questionnaire:pattern_diagram": "the public drawing of a catalogue pattern, addressed by pattern slug",
    "password_reset_confirm": "Django's one-time reset link; its uidb64/token is the credential",
    "confirm_address": "the signed link sent to a sign-up's address; the token is the credential",
    "architectures:shared": "a read-only link for people without an account; its random token is the credential "
                            "(tests/architectures/test_share_links.py)",
    "architectures:shared_diagram": "the diagram of a read-only link; the token is the credential",
    "architectures:shared_markdown": "the Markdown export of a read-only link; the token is the credential",
    "architectures:shared_pdf": "the PDF export of a read-only link; the token is the credential",
    "teams:invitation_accept": "answered only by the invited account, 404 for anyone else (test_members.py)",
    "teams:invitation_decline": "answered only by the invited account, 404 for anyone else (test_members.py)",
    "teams:invitation_link": "the link mailed with an invitation; its secret is the credential (test_invitations.py)",
    "rules:version": "the catalogue changes behind a rules version, the same for every signed-in user; "
                     "who made them only for staff (tests/architectures/test_rules_version_link.py)",
}
OUR_NAMESPACES = ("teams:", "architectures:", "api:", "jobs:")
ACCOUNT_NAMES = {"signup", "login", "logout", "account", "password_change", "password_change_done", "password_reset",
                 "password_reset_done", "password_reset_complete", "password_reset_confirm", "confirm_address"}


def url_patterns(resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""):
    """(name, route) of every pattern, namespaces included."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner, route)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or route}", route


def takes_parameters(route: str) -> bool:
    return "<" in route


def is_exempt(name: str) -> bool:
    return any(name == key or (key.endswith(":") and name.startswith(key)) for key in EXEMPT)


def object_routes() -> list[str]:
    return sorted(name for name, route in ROUTES.items() if route.kwargs not in (no_kwargs,))


def db_state() -> dict[str, list]:
    """Every row a refused request could have touched."""
    return {
        "users": sorted(get_user_model().objects.values_list("id", "username", "email", "password")),
        "teams": sorted(Team.objects.values_list("id", "name", "personal")),
        "memberships": sorted(Membership.objects.values_list("id", "team_id", "user_id", "role")),
        "invitations": sorted(Invitation.objects.values_list("id", "team_id", "user_id", "email", "role", "accepted_at")),
        "architectures": sorted(Architecture.objects.values_list("id", "team_id", "name", "description", "latest_id")),
        "revisions": sorted(Revision.objects.values_list("id", "architecture_id", "number", "answers", "patterns")),
        "tokens": sorted(Token.objects.values_list("key", "user_id")),
        "jobs": sorted(GenerationJob.objects.values_list("id", "revision_id", "status", "options_key")),
        "share_links": sorted(ShareLink.objects.values_list("id", "revision_id", "token", "expires_at")),
    }


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    users = {name: UserFactory(username=name) for name in ("alice", "olga", "bob", "victor", "charlie", "dora")}
    team = TeamFactory(name="Platform", owner=users["alice"])
    MembershipFactory(team=team, user=users["olga"], role=Role.OWNER)  # so an owner may leave
    MembershipFactory(team=team, user=users["bob"], role=Role.EDITOR)
    viewer = MembershipFactory(team=team, user=users["victor"], role=Role.VIEWER)
    architecture = ArchitectureFactory(team=team, created_by=users["alice"], name="Order pipeline")
    # A failed generation job with a stored zip: retry and download both have something to act on.
    failed = GenerationJob.objects.create(revision=architecture.latest, options={"name": "orders"}, options_key="k",
                                          status=JobStatus.FAILED, error="the worker stopped")
    failed.zip_file.save("orders.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    link = ShareLink.objects.create(revision=architecture.latest, token="a-link-for-the-access-matrix")
    return World(team, architecture, viewer, users, failed, link)


ACTORS = {"outsider": "charlie", "viewer": "victor", "editor": "bob", "owner": "alice"}
RANK = {"viewer": Role.VIEWER, "editor": Role.EDITOR, "owner": Role.OWNER}


def send(client: Client, method: str, url: str, route: Route, world: World, **headers) -> Any:
    data = route.data.get(method, lambda w: {})(world)
    if route.api:
        return client.generic(method, url, json.dumps(data), content_type="application/json", headers=headers)
    if method == "GET":
        return client.get(url, headers=headers)
    return client.generic(method, url, _form(data), content_type="application/x-www-form-urlencoded", headers=headers)


def _form(data: dict) -> str:
    return urlencode(data, doseq=True)


def test_every_parametrised_url_is_in_the_matrix_or_exempt():
    missing = [name for name, route in url_patterns() if takes_parameters(route)
               and name not in ROUTES and not is_exempt(name)]
    assert missing == [], f"add these URL patterns to ROUTES (or EXEMPT, with a reason): {missing}"


def test_every_url_of_these_apps_is_classified():
    ours = {name for name, _ in url_patterns() if name.startswith(OUR_NAMESPACES) or name in ACCOUNT_NAMES}
    assert sorted(ours - set(ROUTES) - {name for name in ours if is_exempt(name)}) == []
    assert sorted(set(ROUTES) - ours) == []


@pytest.mark.parametrize("actor", ["outsider", "viewer", "editor", "owner"])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", object_routes())
def test_access_matrix(world: World, client: Client, name: str, method: str, actor: str):
    route = ROUTES[name]
    client.force_login(world.users[ACTORS[actor]])
    url = reverse(name, kwargs=route.kwargs(world))
    before = db_state()
    response = send(client, method, url, route, world)
    if method not in route.methods:
        expected = 405
    elif actor == "outsider":
        expected = 404
    elif not RANK[actor].allows(route.methods[method]):
        expected = 403
    else:
        assert response.status_code < 400, (response.status_code, response.content[:500])
        return
    assert response.status_code == expected, response.content[:500]
    assert db_state() == before, "a refused request changed the database"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", object_routes())
def test_anonymous_users_get_nothing(world: World, client: Client, name: str, method: str):
    route = ROUTES[name]
    before = db_state()
    response = send(client, method, reverse(name, kwargs=route.kwargs(world)), route, world)
    assert response.status_code in (302, 403, 405)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    assert db_state() == before


WRITES = sorted((name, method) for name, route in ROUTES.items() for method in route.methods if method != "GET")


@pytest.mark.parametrize("name, method", WRITES)
def test_writes_need_the_csrf_token(world: World, name: str, method: str):
    route = ROUTES[name]
    client = Client(enforce_csrf_checks=True)
    if name not in ("signup", "login", "password_reset"):
        client.force_login(world.users["alice"])
    client.get(reverse("signup"))  # a page with a form sets the CSRF cookie, logged in or not
    url = reverse(name, kwargs=route.kwargs(world))
    before = db_state()
    refused = send(client, method, url, route, world)
    assert refused.status_code == 403
    assert db_state() == before
    token = client.cookies["csrftoken"].value
    accepted = send(client, method, url, route, world, **{"X-CSRFToken": token, "HX-Request": "true"})
    assert accepted.status_code < 400, (accepted.status_code, accepted.content[:500])


API_WRITES = [(name, method) for name, method in WRITES if ROUTES[name].api]


@pytest.mark.parametrize("name, method", API_WRITES)
def test_api_writes_succeed_with_a_token_and_no_csrf(world: World, name: str, method: str):
    route = ROUTES[name]
    client = Client(enforce_csrf_checks=True)
    token = Token.objects.create(user=world.users["alice"])
    url = reverse(name, kwargs=route.kwargs(world))
    response = send(client, method, url, route, world, Authorization=f"Token {token.key}")
    assert response.status_code < 400, response.content[:500]
