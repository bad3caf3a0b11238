"""External assessment around the answers: releases, clarifications, interviews, notes, review decisions.

The levels themselves are ``assessment.Answer`` rows at the stages dokumen, interviu, visitasi and reviu.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indeks.rounds.models import StageChoice


class StageRelease(models.Model):
    """A stage's results made visible to the agency (before that, the agency never sees the assessor's drafts)."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="releases")
    stage = models.CharField(_("stage"), max_length=16, choices=StageChoice.choices)
    released_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "stage"], name="one_release_per_stage")]


class Clarification(models.Model):
    """An assessor's question on one indicator at one stage, and the agency's answer (a short thread)."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="clarifications")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    stage = models.CharField(_("stage"), max_length=16, choices=StageChoice.choices)
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]
        indexes = [models.Index(fields=["participation", "indicator"])]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")


class Interview(models.Model):
    """The interview or the site visit of an agency: when, with whom, and notes."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="interviews")
    stage = models.CharField(_("stage"), max_length=16, choices=StageChoice.choices)
    scheduled_at = models.DateTimeField(_("date and time"))
    participants = models.TextField(_("participants"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "stage"], name="one_interview_per_stage")]


class AspectNote(models.Model):
    """The assessor's strengths and weaknesses of one aspect for an agency."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="aspect_notes")
    aspect = models.CharField(_("aspect"), max_length=8)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "aspect"], name="one_note_per_aspect")]


class Recommendation(models.Model):
    """The general recommendation for an agency (Evaluasi): summary, strengths, weaknesses, advice."""

    participation = models.OneToOneField(
        "rounds.Participation", on_delete=models.CASCADE, related_name="recommendation"
    )
    summary = models.TextField(_("summary"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    advice = models.TextField(_("advice"), blank=True)
    version = models.PositiveIntegerField(default=1)


class ReviewDecision(models.Model):
    """The review team's decision on one indicator's external assessment; a correction sets the final level."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="reviews")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    valid = models.BooleanField(_("valid"))
    reason = models.TextField(_("reason"), blank=True)
    corrected_level = models.PositiveSmallIntegerField(_("corrected level"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participation", "indicator"], name="one_review_per_indicator"),
            models.CheckConstraint(
                condition=models.Q(valid=True, corrected_level__isnull=True)
                | models.Q(valid=False, corrected_level__isnull=False),
                name="invalid_has_correction",
            ),
        ]
