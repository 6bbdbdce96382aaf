"""Accounts and teams. Each view checks access through ``scoping.get_for_user`` and then
calls one action; refused actions re-render the page with the reason and a 400."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.authtoken.models import Token

from advisor.throttling import InvitationThrottle, SignUpThrottle, throttle_posts

from . import actions, addresses
from .actions import ActionError, LinkError
from .forms import AddMemberForm, RoleForm, SignUpForm, TeamForm
from .models import ROLE_HELP, Invitation, Membership, Role, Team
from .scoping import get_for_user, visible_to


def redirect_after_write(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the browser follows, with or without htmx doing the request."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
@throttle_posts(SignUpThrottle, what="sign-ups")
def sign_up(request: HttpRequest) -> HttpResponse:
    invitation = invitation_in_session(request)
    form = SignUpForm(request.POST or None, initial={"email": invitation.email if invitation else ""})
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address belongs to an account already: only
        # the message sent to the address differs (advisor.teams.addresses).
        email = form.cleaned_data["email"]
        user = form.save()  # the personal team comes with the account (teams.signals)
        addresses.send_address_mail(request, user, email)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}. Your personal team is ready. We sent a message "
                                  f"to {email}: open the link in it to make it your account's address.")
        return redirect_after_write(request, _next_url(request, reverse("teams:list")))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form, "next": _next_url(request, "")}, status=status)


@require_http_methods(["GET", "POST"])
def confirm_address(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent at sign-up: GET shows what it confirms, POST confirms it (so a mail
    scanner that fetches links changes nothing)."""
    page = "registration/confirm_address.html"
    try:
        user, email = addresses.read_token(token)
        if request.method == "POST":
            addresses.confirm_address(user, email)
            return render(request, page, {"done": True, "email": email, "username": user.get_username()})
    except ActionError as exc:
        return render(request, page, {"error": exc.message}, status=400)
    return render(request, page, {"email": email, "username": user.get_username()})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The account page; POST makes a new API token (the old one stops working)."""
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        messages.success(request, "A new API token was made; the previous one no longer works.")
        return redirect_after_write(request, reverse("account"))
    token = Token.objects.filter(user=request.user).first()
    return render(request, "registration/account.html", {"token": token})


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    teams = (
        visible_to(request.user, Team.objects.all())
        .annotate(member_count=Count("memberships", distinct=True), architecture_count=Count("architectures", distinct=True))
    )
    roles = dict(Membership.objects.filter(user=request.user).values_list("team_id", "role"))
    rows = [(team, Role(roles[team.pk])) for team in teams]
    invitations = Invitation.objects.pending().filter(user=request.user).select_related("team", "invited_by")
    return render(request, "teams/list.html", {"rows": rows, "form": TeamForm(), "invitations": invitations})


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = actions.create_team(request.user, form.cleaned_data["name"])
        messages.success(request, f"Team {team.name} created. Add members below.")
        return redirect_after_write(request, reverse("teams:detail", args=[team.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "teams/create.html", {"form": form}, status=status)


def _team_page(request: HttpRequest, team: Team, role: Role, status: int = 200, error: str = "", **forms) -> HttpResponse:
    members = team.memberships.select_related("user").order_by("user__username")
    context = {
        "team": team, "role": role, "members": members, "error": error, "role_help": ROLE_HELP[role],
        "roles": Role, "can_manage": role.allows(Role.OWNER),
        "add_form": forms.get("add_form") or AddMemberForm(), "rename_form": forms.get("rename_form") or TeamForm(instance=team),
    }
    return render(request, "teams/detail.html", context, status=status)


@login_required
@require_GET
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team, role = get_for_user(request.user, Team.objects.all(), pk=team_id)
    return _team_page(request, team, role)


@login_required
@require_POST
def team_rename(request: HttpRequest, team_id: int) -> HttpResponse:
    team, role = get_for_user(request.user, Team.objects.all(), Role.OWNER, pk=team_id)
    # A copy: a ModelForm writes bad input into its instance, and the page must show the real name.
    form = TeamForm(request.POST, instance=Team(pk=team.pk, name=team.name))
    if not form.is_valid():
        return _team_page(request, team, role, 400, rename_form=form)
    actions.rename_team(team, form.cleaned_data["name"])
    return redirect_after_write(request, reverse("teams:detail", args=[team.pk]))


@login_required
@require_POST
@throttle_posts(InvitationThrottle, what="invitations")
def member_add(request: HttpRequest, team_id: int) -> HttpResponse:
    """Invite an account or an address. The answer is the same whether or not the name or
    address belongs to an account, so the form cannot be used to find out which ones do."""
    team, role = get_for_user(request.user, Team.objects.all(), Role.OWNER, pk=team_id)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, role, 400, add_form=form)
    identifier, new_role = form.cleaned_data["identifier"].strip(), Role(form.cleaned_data["role"])
    try:
        invitation, secret = actions.invite(team, identifier, new_role, request.user)
    except ActionError as exc:
        return _team_page(request, team, role, 400, error=exc.message, add_form=form)
    address = invitation and (invitation.user.email if invitation.user else invitation.email)
    if secret and address:  # one message per link, however often the invitation is repeated
        # One line whatever the team's name holds: a line break in a subject is refused.
        send_mail(" ".join(f"{request.user.get_username()} invited you to {team.name}".split()),
                  render_to_string("teams/invitation_email.txt", {
                      "invitation": invitation, "days": settings.TEAM_INVITATION_DAYS,
                      "link": request.build_absolute_uri(reverse("teams:invitation_link", args=[secret])),
                      "teams": request.build_absolute_uri(reverse("teams:list"))}),
                  None, [address])
    messages.success(request, f"If “{identifier}” is a username or an e-mail address that is not in {team.name} "
                              f"yet, it is invited as {new_role.label.lower()}, and an address gets a link to join "
                              f"that works once for {settings.TEAM_INVITATION_DAYS} days.")
    return redirect_after_write(request, reverse("teams:detail", args=[team.pk]))


INVITATION_SESSION_KEY = "team_invitation"


def invitation_in_session(request: HttpRequest) -> Invitation | None:
    """The invitation whose link this browser opened before logging in, if it can still be used."""
    secret = request.session.get(INVITATION_SESSION_KEY)
    if not secret:
        return None
    try:
        invitation = actions.invitation_for_link(secret)
        actions.check_usable(invitation, None)
    except LinkError:
        return None
    return invitation


def accept_invitation_in_session(request: HttpRequest, user) -> None:
    """On login (and sign-up, which logs in): join the team whose invitation link this browser
    opened first. Connected to ``user_logged_in`` (apps.py)."""
    secret = request.session.pop(INVITATION_SESSION_KEY, None) if request is not None else None
    if not secret:
        return
    try:
        membership = actions.accept_invitation(actions.invitation_for_link(secret), user)
    except LinkError as exc:
        messages.warning(request, exc.message, fail_silently=True)
        return
    messages.success(request, f"You joined {membership.team.name} as {membership.get_role_display().lower()}.",
                     fail_silently=True)


@require_http_methods(["GET", "POST"])
def invitation_link(request: HttpRequest, secret: str) -> HttpResponse:
    """The link mailed with an invitation. GET shows who invites whom to what; logged in, POST
    joins. Not logged in, the browser remembers the link, and signing up or logging in joins
    (``accept_invitation_in_session``). A wrong link is a 404, a used or expired one a 410."""
    page = "teams/invitation.html"
    user = request.user if request.user.is_authenticated else None
    try:
        invitation = actions.invitation_for_link(secret)
        if (user is not None and invitation.user_id == user.pk and invitation.accepted_at is not None
                and Membership.objects.filter(team=invitation.team, user=user).exists()):
            return redirect("teams:detail", invitation.team_id)  # back from signing up or logging in through it
        actions.check_usable(invitation, user)
        if request.method == "POST":
            if user is None:
                return redirect_to_login(request.path)
            membership = actions.accept_invitation(invitation, user)
            messages.success(request, f"You joined {membership.team.name} as {membership.get_role_display().lower()}.")
            return redirect_after_write(request, reverse("teams:detail", args=[membership.team_id]))
    except LinkError as exc:
        return render(request, page, {"error": exc.message}, status=exc.status)
    if user is None:
        request.session[INVITATION_SESSION_KEY] = secret
    return render(request, page, {"invitation": invitation, "role_help": ROLE_HELP[Role(invitation.role)],
                                  "here": request.path})


def _my_invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    """An invitation addressed to the person asking; anyone else gets a 404."""
    return get_object_or_404(Invitation.objects.pending().select_related("team"), pk=invitation_id, user=request.user)


@login_required
@require_POST
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _my_invitation(request, invitation_id)
    membership = actions.accept_invitation(invitation, request.user)
    messages.success(request, f"You joined {membership.team.name} as {membership.get_role_display().lower()}.")
    return redirect_after_write(request, reverse("teams:detail", args=[membership.team_id]))


@login_required
@require_POST
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _my_invitation(request, invitation_id)
    invitation.delete()
    messages.success(request, f"You declined the invitation to {invitation.team.name}.")
    return redirect_after_write(request, reverse("teams:list"))


@login_required
@require_POST
def member_role(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    membership, role = get_for_user(request.user, Membership.objects.select_related("team", "user"), Role.OWNER,
                                    pk=membership_id, team_id=team_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _team_page(request, membership.team, role, 400, error="Choose owner, editor or viewer.")
    try:
        actions.change_role(membership, Role(form.cleaned_data["role"]))
    except ActionError as exc:
        return _team_page(request, membership.team, role, 400, error=exc.message)
    messages.success(request, f"{membership.user.get_username()} is now {membership.get_role_display().lower()}.")
    return redirect_after_write(request, reverse("teams:detail", args=[team_id]))


@login_required
@require_POST
def member_remove(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    membership, role = get_for_user(request.user, Membership.objects.select_related("team", "user"), Role.OWNER,
                                    pk=membership_id, team_id=team_id)
    try:
        actions.remove_member(membership)
    except ActionError as exc:
        return _team_page(request, membership.team, role, 400, error=exc.message)
    messages.success(request, f"{membership.user.get_username()} was removed from {membership.team.name}.")
    if membership.user_id == request.user.pk:
        return redirect_after_write(request, reverse("teams:list"))
    return redirect_after_write(request, reverse("teams:detail", args=[team_id]))


@login_required
@require_POST
def team_leave(request: HttpRequest, team_id: int) -> HttpResponse:
    team, role = get_for_user(request.user, Team.objects.all(), Role.VIEWER, pk=team_id)
    try:
        actions.leave_team(team, request.user)
    except ActionError as exc:
        return _team_page(request, team, role, 400, error=exc.message)
    messages.success(request, f"You left {team.name}.")
    return redirect_after_write(request, reverse("teams:list"))


@login_required
@require_POST
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    team, role = get_for_user(request.user, Team.objects.all(), Role.OWNER, pk=team_id)
    if request.POST.get("confirm") != team.name:
        return _team_page(request, team, role, 400, error="Type the team's name exactly to confirm deleting it.")
    try:
        actions.delete_team(team)
    except ActionError as exc:
        return _team_page(request, team, role, 400, error=exc.message)
    messages.success(request, f"Team {team.name} and its architectures were deleted.")
    return redirect_after_write(request, reverse("teams:list"))
