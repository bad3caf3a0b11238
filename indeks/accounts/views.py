"""The login page (with a per-address rate limit before the form) and the national admin's sign-in lockouts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks.accounts import selectors, services, throttle
from indeks.errors import ActionRefused
from indeks.registry.access import Action, Actor, actor_of


class LoginView(auth_views.LoginView):
    """Django's login view. Before the form (and the password hasher) a POST must pass the per-address rate limit
    and find a free password-check slot; django-axes then refuses locked accounts and addresses before hashing."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not throttle.allow_login_post(request):
            return throttle.rate_limited_response(request)
        with throttle.password_check_slot() as free:
            if not free:
                return throttle.busy_response(request)
            return super().post(request, *args, **kwargs)


def _admin(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not actor.can(Action.UNLOCK_SIGN_IN):
        raise Http404
    return actor


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    _admin(request)
    accounts, addresses = selectors.current_lockouts()
    return render(
        request,
        "accounts/lockouts.html",
        {
            "accounts": accounts,
            "addresses": addresses,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT,
            "minutes": throttle.cooloff_minutes(),
        },
    )


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    username = request.POST.get("username", "").strip()[:255] or None
    address = request.POST.get("address", "").strip()[:64] or None
    try:
        services.unlock(actor, username=username, address=address)
    except ActionRefused as error:
        messages.error(request, error.message)
    else:
        if username:
            messages.success(request, _("The lock of %(username)s has been lifted.") % {"username": username})
        else:
            messages.success(request, _("The lock of address %(address)s has been lifted.") % {"address": address})
    return redirect("accounts:lockouts")
