"""Who a request comes from, as the trusted proxies report it, and how often it may ask.

``client_address`` is the one answer to "which address is this client?": the API throttles,
the page throttles and django-axes' login lockout all key on it. ``NUM_PROXIES`` (settings)
says how many proxies we run in front of the app: 0 means the peer of the connection
(REMOTE_ADDR) is the client; with N, the client is the address the outermost of our
proxies saw, the N-th entry from the right of X-Forwarded-For. Entries further left are
whatever the client chose to send and count for nothing.

Rates live in ``settings.THROTTLE_RATES`` ("20/minute"), one entry per scope.
"""

from __future__ import annotations

import ipaddress
import math
from functools import wraps
from typing import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting exactly ``NUM_PROXIES`` proxies (DRF's rule, so
    the API's own throttles and this function always agree)."""
    address = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # Fewer forwarded entries than proxies: a request that did not come through them.
        return request.META.get("REMOTE_ADDR", "")


class ClientRateThrottle(SimpleRateThrottle):
    """At most ``settings.THROTTLE_RATES[scope]`` requests per client address."""

    cache_format = "throttle_%(scope)s_%(ident)s"

    def get_rate(self) -> str:
        return settings.THROTTLE_RATES[self.scope]

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)

    def get_cache_key(self, request: HttpRequest, view: object) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonymousClientThrottle(ClientRateThrottle):
    """Per client address, for callers who are not logged in; others pass."""

    def get_cache_key(self, request: HttpRequest, view: object) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class AccountThrottle(ClientRateThrottle):
    """Per account for logged-in callers, per client address for the others."""

    def get_cache_key(self, request: HttpRequest, view: object) -> str | None:
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": f"user-{request.user.pk}"}
        return super().get_cache_key(request, view)


class SignUpThrottle(ClientRateThrottle):
    scope = "signup"


class PasswordResetThrottle(ClientRateThrottle):
    scope = "password-reset"


class SharedLinkThrottle(ClientRateThrottle):
    """Shared revisions are open to anyone holding a link: per client address."""
    scope = "shared-link"


class ExportThrottle(AccountThrottle):
    """A PDF takes the web process a moment to print: per account."""
    scope = "export"


class InvitationThrottle(AccountThrottle):
    scope = "invitations"


def too_many_requests(request: HttpRequest, wait: float | None, what: str) -> HttpResponse:
    """The 429 page: what was refused and when to try again."""
    seconds = max(1, math.ceil(wait or 1))
    minutes = math.ceil(seconds / 60)
    retry = f"{seconds} seconds" if seconds < 60 else f"{minutes} minute{'s' if minutes != 1 else ''}"
    response = render(request, "429.html", {"what": what, "retry": retry}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def throttle_requests(*throttles: type[SimpleRateThrottle], what: str, methods: tuple[str, ...]) -> Callable:
    """Decorate a page view: requests with one of ``methods`` beyond any of the throttles'
    rates get the 429 page. ``what`` finishes the sentence "Too many ..." on that page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                waits = []
                for throttle_class in throttles:
                    throttle = throttle_class()
                    if not throttle.allow_request(request, None):
                        waits.append(throttle.wait())
                if waits:
                    return too_many_requests(request, max(w or 0 for w in waits), what)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def throttle_posts(*throttles: type[SimpleRateThrottle], what: str) -> Callable:
    """Decorate a page view: POSTs beyond any of the throttles' rates get the 429 page."""
    return throttle_requests(*throttles, what=what, methods=("POST",))
