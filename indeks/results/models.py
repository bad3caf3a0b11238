"""Finalised results: immutable snapshots of a round's final levels and indices, published as revisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """A round frozen at finalisation. Revision 1 is the first; a correction after publication is a new one."""

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="snapshots")
    revision = models.PositiveSmallIntegerField(_("revision"))
    note = models.TextField(_("note"), blank=True)
    finalised_at = models.DateTimeField(auto_now_add=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "-revision"]
        constraints = [models.UniqueConstraint(fields=["round", "revision"], name="one_snapshot_per_revision")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Frozen once published: publishing is the last write a snapshot ever gets.
        if self.pk and Snapshot.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValueError("a published snapshot never changes")
        super().save(*args, **kwargs)


class SnapshotResult(models.Model):
    """One agency's frozen result in a snapshot (or its exclusion)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="results")
    participation = models.ForeignKey("rounds.Participation", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    excluded = models.BooleanField(default=False)
    levels = models.JSONField(default=dict)
    self_levels = models.JSONField(default=dict)
    index_exact = models.CharField(max_length=40, blank=True)
    index_value = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    predicate = models.CharField(max_length=40, blank=True)
    self_index_value = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    domains = models.JSONField(default=list)
    aspects = models.JSONField(default=list)

    class Meta:
        ordering = ["-index_value", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "agency"], name="one_result_per_agency")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise ValueError("a snapshot result never changes")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Snapshot.objects.filter(pk=self.snapshot_id, published_at__isnull=False).exists():
            raise ValueError("a published snapshot result never changes")
        return super().delete(*args, **kwargs)
