"""Sign-in throttling around django-axes: the client's address, a second limit per address, the lockout page, a
cheap rate limit on POST /login/ that runs before any form or password hasher, and a cap on the password checks
running at once on the machine.

Axes' ``AxesStandaloneBackend`` is the first authentication backend: a locked account or address raises there, so
``ModelBackend`` (and the password hasher) never runs for it. Axes counts failures per account and address
(``AXES_LOCKOUT_PARAMETERS``, limit ``AXES_FAILURE_LIMIT``); :class:`LoginAttemptsHandler` adds a higher limit for
all accounts tried from one address (``INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT``), so that many offices behind one NAT
address are not locked by a few mistyped passwords, while one address guessing many accounts is.
"""

from __future__ import annotations

import fcntl
import ipaddress
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indeks.accounts.selectors import failures_from_address


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or with INDEKS_TRUSTED_PROXIES = n, the n-th address from the right of
    X-Forwarded-For (each trusted proxy appends the address it was reached from; anything further left is what the
    client claims). Not an address (a Unix socket, a broken header): None."""
    proxies = settings.INDEKS_TRUSTED_PROXIES
    if proxies:
        forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies])
    return _valid(request.META.get("REMOTE_ADDR"))


class LoginAttemptsHandler(AxesDatabaseHandler):
    """Axes' database handler (shared by every worker), also locking an address once the failures of all accounts
    from it reach INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT within the cool-off."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return failures
        since = get_cool_off_threshold(request)
        if failures_from_address(address, since) >= settings.INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def _login_page(request: HttpRequest, message: str, *, username: str = "") -> HttpResponse:
    """The login page with a refusal on it (429 Too Many Requests), never a bare error page."""
    form = AuthenticationForm(request, initial={"username": username})
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    response = render(
        request, "registration/login.html", {"form": form, "refusal": message, "next": next_url}, status=429
    )
    response["Retry-After"] = str(cooloff_minutes() * 60)
    return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in was refused because the account or the address is locked."""
    minutes = cooloff_minutes()
    message = ngettext(
        "Signing in is paused after too many failed attempts for this account or from this address. Try again in "
        "%(minutes)d minute, or ask the national administrator to lift the lock.",
        "Signing in is paused after too many failed attempts for this account or from this address. Try again in "
        "%(minutes)d minutes, or ask the national administrator to lift the lock.",
        minutes,
    ) % {"minutes": minutes}
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    return _login_page(request, message, username=username)


def allow_login_post(request: HttpRequest) -> bool:
    """At most INDEKS_LOGIN_POSTS_PER_MINUTE sign-in POSTs per address and clock minute (the cache: one counter per
    process with the local-memory cache, shared with Redis or Memcached)."""
    address = client_address(request) or "unknown"
    key = f"indeks:login-posts:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= settings.INDEKS_LOGIN_POSTS_PER_MINUTE


def rate_limited_response(request: HttpRequest) -> HttpResponse:
    response = _login_page(
        request,
        _("Too many sign-in attempts from this address in the last minute. Wait a minute and try again."),
        username=request.POST.get("username", "")[:150],
    )
    response["Retry-After"] = "60"
    return response


@contextmanager
def password_check_slot() -> Iterator[bool]:
    """One of INDEKS_LOGIN_CONCURRENT_CHECKS slots for checking a password on this machine, or False at once when all
    are taken. A slot is an exclusive flock on a file in INDEKS_VAR_DIR/login-slots, so every worker process and
    thread shares them, and the kernel frees a slot when its process dies. Refusing at once (never waiting) keeps
    workers free: guesses arriving together cannot occupy every worker with a password hash while other people's
    pages wait for one."""
    folder = Path(settings.VAR_DIR) / "login-slots"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(settings.INDEKS_LOGIN_CONCURRENT_CHECKS):
        handle = (folder / f"{number}.lock").open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    yield False


def busy_response(request: HttpRequest) -> HttpResponse:
    response = _login_page(
        request,
        _("Many sign-ins are being checked at this moment. Try again in a few seconds."),
        username=request.POST.get("username", "")[:150],
    )
    response["Retry-After"] = "2"
    return response
