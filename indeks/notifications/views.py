"""The person's notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from indeks.notifications.models import Notification
from indeks.notifications.services import mark_read


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind login_required: its user is signed in (for the type checker)."""

    user: User


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    items = Notification.objects.filter(user=request.user)[:100]
    return render(request, "notifications/inbox.html", {"items": items})


@require_POST
@login_required
def read_all(request: AuthenticatedRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("notifications:inbox")
