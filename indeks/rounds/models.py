"""Rounds (a year of evaluation under one framework), their stage windows, and the agencies taking part."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indeks.core.framework import Framework
from indeks.core.loader import load_framework
from indeks.core.stages import Stage


class StageChoice(models.TextChoices):
    MANDIRI = Stage.MANDIRI.value, _("Self-assessment (Penilaian Mandiri)")
    DOKUMEN = Stage.DOKUMEN.value, _("Document assessment (Penilaian Dokumen)")
    INTERVIU = Stage.INTERVIU.value, _("Interview (Penilaian Interviu)")
    VISITASI = Stage.VISITASI.value, _("Site visit (Penilaian Visitasi)")
    REVIU = Stage.REVIU.value, _("Review (Reviu)")


class Round(models.Model):
    """One year's evaluation under one framework file."""

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    framework_id = models.CharField(_("framework"), max_length=40)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return self.name

    @property
    def framework(self) -> Framework:
        """The validated framework of the round (loaded once per process)."""
        return load_framework(self.framework_id)


class StageWindow(models.Model):
    """When a stage is open for a round (agencies may get an extension)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="windows")
    stage = models.CharField(_("stage"), max_length=16, choices=StageChoice.choices)
    opens = models.DateTimeField(_("opens"))
    closes = models.DateTimeField(_("closes"))

    class Meta:
        ordering = ["opens"]
        constraints = [
            models.UniqueConstraint(fields=["round", "stage"], name="one_window_per_stage"),
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="window_closes_after_open"),
        ]
        verbose_name = _("stage window")
        verbose_name_plural = _("stage windows")

    def __str__(self) -> str:
        return f"{self.round} — {self.get_stage_display()}"


class ActivityType(models.TextChoices):
    PEMANTAUAN = "pemantauan", _("Monitoring (Pemantauan)")
    EVALUASI = "evaluasi", _("Evaluation (Evaluasi)")


class ParticipationStatus(models.TextChoices):
    """Where the agency stands in the round (issue 4 adds the external stages)."""

    MANDIRI = "mandiri", _("Self-assessment in progress")
    SIGNING = "signing", _("Awaiting signed Berita Acara")
    SUBMITTED = "submitted", _("Self-assessment submitted")


class Participation(models.Model):
    """An agency taking part in a round, with its activity type and the state of its self-assessment."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="participations")
    activity = models.CharField(_("activity"), max_length=16, choices=ActivityType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ParticipationStatus.choices, default=ParticipationStatus.MANDIRI
    )
    with_visit = models.BooleanField(_("site visit"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="agency_once_per_round")]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.agency} — {self.round}"


class WindowExtension(models.Model):
    """A later closing time of one stage for one agency, granted by the national admin."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="extensions")
    stage = models.CharField(_("stage"), max_length=16, choices=StageChoice.choices)
    closes = models.DateTimeField(_("closes"))
    reason = models.TextField(_("reason"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "stage"], name="one_extension_per_stage")]
        verbose_name = _("window extension")
        verbose_name_plural = _("window extensions")


def window_state(opens: datetime | None, closes: datetime | None, now: datetime | None = None) -> str:
    """'not_scheduled', 'upcoming', 'open' or 'closed' for a window at ``now``."""
    now = now or timezone.now()
    if opens is None or closes is None:
        return "not_scheduled"
    if now < opens:
        return "upcoming"
    return "open" if now <= closes else "closed"


class AssessorAssignment(models.Model):
    """An external assessor (Tim Asesor Eksternal) assigned to assess one agency in one round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assessor_assignments")
    agency = models.ForeignKey("registry.Agency", on_delete=models.CASCADE, related_name="assessor_assignments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessor_assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "agency", "assessor"], name="assessor_once_per_agency_round")
        ]
        verbose_name = _("assessor assignment")
        verbose_name_plural = _("assessor assignments")


class ConflictOfInterest(models.Model):
    """An assessor's declared conflict of interest with an agency: never assigned to it."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts_of_interest"
    )
    agency = models.ForeignKey("registry.Agency", on_delete=models.CASCADE, related_name="conflicts_of_interest")
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessor", "agency"], name="one_conflict_per_pair")]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
