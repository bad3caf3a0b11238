"""The audit trail: who changed what, when, from which value to which (append-only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded change. Written only by the services, in the same transaction as the change."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    agency = models.ForeignKey("registry.Agency", on_delete=models.CASCADE, null=True, related_name="+")
    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, null=True, related_name="+")
    indicator = models.PositiveSmallIntegerField(null=True, blank=True)
    stage = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=48)
    field = models.CharField(max_length=48, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["participation", "indicator", "-at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.field}"
