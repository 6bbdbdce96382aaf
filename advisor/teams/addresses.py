"""E-mail addresses of accounts: an address given at sign-up becomes the account's only when
its owner opens the link sent to it.

Sign-up answers the same whether or not the address already belongs to an account (so it
tells nobody which addresses have accounts): a new address gets a confirmation link, a
taken one gets a note to its owner instead. The link carries the account and the address,
signed with SECRET_KEY (django.core.signing), and expires after
EMAIL_CONFIRMATION_DAYS.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from .actions import ActionError

User = get_user_model()
SALT = "advisor.teams.addresses.confirm"


def address_taken(email: str, by_other_than: AbstractBaseUser | None = None) -> bool:
    others = User.objects.filter(email__iexact=email)
    if by_other_than is not None:
        others = others.exclude(pk=by_other_than.pk)
    return others.exists()


def confirmation_token(user: AbstractBaseUser, email: str) -> str:
    return signing.dumps({"user": user.pk, "email": email}, salt=SALT, compress=True)


def send_address_mail(request: HttpRequest, user: AbstractBaseUser, email: str) -> None:
    """The confirmation link for a free address, a note to the owner of a taken one."""
    context = {"username": user.get_username(), "site": request.get_host(),
               "login": request.build_absolute_uri(reverse("login")),
               "reset": request.build_absolute_uri(reverse("password_reset"))}
    if address_taken(email, by_other_than=user):
        subject = "Someone signed up with your address on the serverless architecture advisor"
        body = render_to_string("registration/address_taken_email.txt", context)
    else:
        subject = "Confirm your address for the serverless architecture advisor"
        link = request.build_absolute_uri(reverse("confirm_address", args=[confirmation_token(user, email)]))
        body = render_to_string("registration/confirm_address_email.txt",
                                {**context, "link": link, "days": settings.EMAIL_CONFIRMATION_DAYS})
    send_mail(subject, body, None, [email])


def read_token(token: str) -> tuple[AbstractBaseUser, str]:
    """The account and address a confirmation link is for; ActionError if it is not one of ours,
    has expired or its account is gone."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CONFIRMATION_DAYS * 86400)
    except signing.SignatureExpired:
        raise ActionError("This link has expired. Sign up again, or ask for a password reset if you have an account.")
    except signing.BadSignature:
        raise ActionError("This link is not valid. Copy the whole link from the message.")
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or not isinstance(data.get("email"), str):
        raise ActionError("This link is not valid any more: its account no longer exists.")
    return user, data["email"]


@transaction.atomic
def confirm_address(user: AbstractBaseUser, email: str) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    if address_taken(email, by_other_than=user):
        raise ActionError(f"{email} became the address of another account in the meantime, so it cannot be this "
                          "account's too. Log in to that account, or reset its password.")
    user.email = email
    user.save(update_fields=["email"])
