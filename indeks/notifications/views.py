"""The person's notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from indeks.notifications.models import Notification
from indeks.notifications.services import mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(user=request.user)[:100]
    return render(request, "notifications/inbox.html", {"items": items})


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("notifications:inbox")
