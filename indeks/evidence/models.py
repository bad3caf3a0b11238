"""Evidence (bukti dukung): the agency's documents, their versions and stored content, and links to indicators.

Documents belong to the agency, not to a round, so they carry over from one round to the next. Content is stored
once per SHA-256 (:class:`Blob`); a :class:`DocumentVersion` is one upload (or one registered link) of a document,
and an :class:`EvidenceLink` ties one version to one indicator of one participation, with a locator and the
assessor's verification.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    """Stored content, keyed by its SHA-256: identical files are stored once, whoever uploads them."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=8)
    """The sniffed content type (``pdf``, ``docx``, ...; see :data:`indeks.evidence.storage.KINDS`)."""
    name = models.CharField(max_length=255)
    """The name in Django's default storage."""
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    """When the stored file was last re-hashed whole (at a download, a deduplication or ``evidence_fsck``)."""
    damaged_at = models.DateTimeField(null=True, blank=True)
    """Set when the stored file was found missing, truncated or changed; cleared when it is whole again."""
    damage = models.CharField(max_length=16, blank=True)
    """What was wrong (``missing``, ``size``, ``sha256``: see :mod:`indeks.files`)."""

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.kind}, {self.size} B)"


class DocumentType(models.TextChoices):
    PERATURAN = "peraturan", _("Regulation (peraturan)")
    KEPUTUSAN = "keputusan", _("Decree (keputusan/SK)")
    SURAT_EDARAN = "surat_edaran", _("Circular (surat edaran)")
    SOP = "sop", _("Standard operating procedure (SOP)")
    LAPORAN_REVIU = "laporan_reviu", _("Review or evaluation report (laporan reviu/evaluasi)")
    NOTULEN = "notulen", _("Minutes (notulen)")
    ARSITEKTUR = "arsitektur", _("Architecture or roadmap document (arsitektur/peta rencana)")
    TANGKAPAN_LAYAR = "tangkapan_layar", _("Screenshot (tangkapan layar)")
    MANUAL = "manual", _("Manual")
    VIDEO = "video", _("Video")
    TAUTAN = "tautan", _("Link (tautan)")


# Types that are formal documents and should carry a number and a date of issue.
FORMAL_TYPES = frozenset(
    {
        DocumentType.PERATURAN,
        DocumentType.KEPUTUSAN,
        DocumentType.SURAT_EDARAN,
        DocumentType.SOP,
        DocumentType.LAPORAN_REVIU,
        DocumentType.NOTULEN,
        DocumentType.ARSITEKTUR,
    }
)


class Document(models.Model):
    """One piece of evidence of an agency (a regulation, a report, a screenshot, a link...) and its metadata."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.CASCADE, related_name="evidence_documents")
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=120, blank=True)
    issuer = models.CharField(_("issuing authority"), max_length=200, blank=True)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    unit = models.ForeignKey(
        "registry.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    is_draft = models.BooleanField(_("draft (not yet enacted)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "deleted_at"]),
            models.Index(fields=["agency", "doc_type"]),
        ]
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")

    def __str__(self) -> str:
        return f"{self.title} ({self.number})" if self.number else self.title


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for text extraction")
    RUNNING = "running", _("Extracting text")
    DONE = "done", _("Text extracted")
    NO_TEXT = "no_text", _("No text layer (scanned?)")
    FAILED = "failed", _("Text extraction failed")
    NOT_APPLICABLE = "n/a", _("No text to extract")


class DocumentVersion(models.Model):
    """One upload (or one registered link) of a document. A new version keeps the old ones."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="versions")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    login_note = models.TextField(_("test login"), blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    extraction = models.CharField(
        _("text extraction"), max_length=8, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extraction_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="evidence_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(blob__isnull=False, url="") | models.Q(blob__isnull=True) & ~models.Q(url=""),
                name="evidence_version_file_xor_link",
            ),
        ]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def is_link(self) -> bool:
        return not self.blob_id


class PageText(models.Model):
    """Extracted text of one page (PDF page, slide, sheet, or page-break-separated part of a text document)."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="pages")
    page = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["version", "page"]
        constraints = [models.UniqueConstraint(fields=["version", "page"], name="evidence_page_unique")]


class Verification(models.TextChoices):
    PENDING = "pending", _("Not verified yet")
    ACCEPTED = "diterima", _("Accepted (diterima)")
    REJECTED = "ditolak", _("Rejected (ditolak)")
    REVISE = "perlu_revisi", _("Needs revision (perlu revisi)")


class EvidenceLink(models.Model):
    """A document version used as evidence for one indicator of one participation."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="links")
    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="evidence_links")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    locator = models.CharField(_("where in the document"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, default=Verification.PENDING
    )
    verification_note = models.TextField(_("assessor's note"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "indicator", "version"], name="evidence_link_once_per_indicator"
            )
        ]
        indexes = [models.Index(fields=["participation", "indicator"])]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
