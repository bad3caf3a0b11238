"""In-app notifications (also sent by e-mail through Django's mail back-end, the console by default)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)
    message = models.TextField(_("message"))
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]


class StageNotice(models.Model):
    """Which stage openings and closings have been announced already (so each is announced once)."""

    window = models.ForeignKey("rounds.StageWindow", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=8)  # opened | closed
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window", "event"], name="one_notice_per_event")]
