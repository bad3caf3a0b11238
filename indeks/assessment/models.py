"""Answers per indicator and stage, who owns each indicator, the round's general questions, and signed documents."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from indeks.rounds.models import StageChoice


class IndicatorAssignment(models.Model):
    """Which unit owns (pengampu) an indicator in a participation, and which units contribute."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="assignments")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    owner = models.ForeignKey(
        "registry.Unit", on_delete=models.PROTECT, related_name="owned_indicators", verbose_name=_("owning unit")
    )
    contributors = models.ManyToManyField(
        "registry.Unit", blank=True, related_name="contributed_indicators", verbose_name=_("contributing units")
    )

    class Meta:
        ordering = ["indicator"]
        constraints = [models.UniqueConstraint(fields=["participation", "indicator"], name="one_owner_per_indicator")]
        verbose_name = _("indicator assignment")
        verbose_name_plural = _("indicator assignments")


class AnswerStatus(models.TextChoices):
    """The exchange between a unit and the coordinator on one indicator."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the coordinator")
    RETURNED = "returned", _("Returned for revision (perlu revisi)")
    ACCEPTED = "accepted", _("Accepted")


class Answer(models.Model):
    """One indicator's answer at one stage: level and the explanation (Fakta, Analisis, Justifikasi)."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="answers")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    stage = models.CharField(_("stage"), max_length=16, choices=StageChoice.choices, default=StageChoice.MANDIRI)
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    fakta = models.TextField(_("Fakta"), blank=True)
    analisis = models.TextField(_("Analisis"), blank=True)
    justifikasi = models.TextField(_("Justifikasi"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AnswerStatus.choices, default=AnswerStatus.DRAFT)
    needs_recheck = models.BooleanField(_("to re-check"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["indicator"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "stage", "indicator"], name="one_answer_per_stage")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.participation} #{self.indicator} ({self.stage})"


class GeneralQuestion(models.Model):
    """An open question of the round (Pertanyaan Umum)."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="general_questions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("question"))

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="general_question_number_unique")]
        verbose_name = _("general question")
        verbose_name_plural = _("general questions")

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class GeneralAnswer(models.Model):
    """An agency's answer to a general question."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="general_answers")
    question = models.ForeignKey(GeneralQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participation", "question"], name="one_general_answer_per_question")
        ]


class SignedDocumentKind(models.TextChoices):
    BERITA_ACARA = "berita_acara", _("Berita Acara Penilaian Mandiri")
    PERSETUJUAN_PUBLIKASI = "persetujuan_publikasi", _("Pernyataan Persetujuan Publikasi")


def signed_upload_path(instance: SignedDocument, filename: str) -> str:
    """Stored under the participation with the extension of its sniffed type; the original name is metadata."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"signed/{instance.participation_id}/{instance.kind}-{instance.sha256[:16]}.{extension}"


class SignedDocument(models.Model):
    """A signed scan uploaded back to close the self-assessment."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="signed_documents")
    kind = models.CharField(_("document"), max_length=32, choices=SignedDocumentKind.choices)
    file = models.FileField(upload_to=signed_upload_path)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    damaged_at = models.DateTimeField(null=True, blank=True)
    """Set when the stored scan no longer matches its SHA-256 (see :mod:`indeks.files`); cleared when whole."""
    damage = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "kind"], name="one_signed_document_per_kind")]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
