from django.contrib.auth import views as auth_views
from django.urls import include, path

import advisor.converters  # noqa: F401  registers <id:...>
from advisor.throttling import PasswordResetThrottle, throttle_posts

from . import views

# Account pages keep Django's global names (login, logout, password_reset, ...), which
# django.contrib.auth's views and LOGIN_URL expect; team pages live in the "teams" namespace.
account_patterns = [
    path("accounts/signup/", views.sign_up, name="signup"),
    path("accounts/confirm/<str:token>/", views.confirm_address, name="confirm_address"),
    path("accounts/", views.account, name="account"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Before Django's own route of the same name: each reset request sends an e-mail.
    path("accounts/password_reset/", throttle_posts(PasswordResetThrottle, what="password reset requests")(
        auth_views.PasswordResetView.as_view()), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
]

team_patterns = [
    path("", views.team_list, name="list"),
    path("new", views.team_create, name="create"),
    path("<id:team_id>/", views.team_detail, name="detail"),
    path("<id:team_id>/rename", views.team_rename, name="rename"),
    path("<id:team_id>/members/add", views.member_add, name="member_add"),
    path("<id:team_id>/members/<id:membership_id>/role", views.member_role, name="member_role"),
    path("<id:team_id>/members/<id:membership_id>/remove", views.member_remove, name="member_remove"),
    path("<id:team_id>/leave", views.team_leave, name="leave"),
    path("invitations/<id:invitation_id>/accept", views.invitation_accept, name="invitation_accept"),
    path("invitations/<id:invitation_id>/decline", views.invitation_decline, name="invitation_decline"),
    path("join/<str:secret>/", views.invitation_link, name="invitation_link"),
    path("<id:team_id>/delete", views.team_delete, name="delete"),
]

urlpatterns = [
    *account_patterns,
    path("teams/", include((team_patterns, "teams"))),
]
