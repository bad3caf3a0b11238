"""Changing evidence: the only place documents, versions, links and verifications change.

Each function checks permission, writes and records the audit entry in one transaction. File content is
validated (type by content, extension, size) and hashed before anything is written; it is written to storage
before the records (atomically and verified, :func:`indeks.files.write`), and removed again when the records cannot
be written, so a failed upload leaves neither a record nor a file. Identical content is stored once; before an
upload is deduplicated onto a stored file, that file is re-hashed, and a damaged one is repaired from the upload.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indeks import files
from indeks.assessment.services import indicator_units
from indeks.audit.services import record, record_changes
from indeks.errors import ActionRefused
from indeks.evidence import access, office, storage
from indeks.evidence.access import EvidenceAction
from indeks.evidence.models import (
    Blob,
    Document,
    DocumentType,
    DocumentVersion,
    EvidenceLink,
    ExtractionStatus,
    Verification,
)
from indeks.registry.access import Actor
from indeks.registry.models import Agency, Unit
from indeks.rounds.models import Participation, ParticipationStatus
from indeks.rounds.services import ensure_open

log = logging.getLogger(__name__)
LOCKED_STATUSES = (ParticipationStatus.SIGNING, ParticipationStatus.SUBMITTED)
TEXT_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "odt", "ods"})
RECHECK_NOTE = timedelta(hours=1)  # a whole file's checked_at is rewritten at most this often


@dataclass
class DocumentMeta:
    """The metadata of a document (what the upload form asks)."""

    doc_type: str
    title: str = ""
    number: str = ""
    issuer: str = ""
    issued_on: date | None = None
    effective_on: date | None = None
    unit: Unit | None = None
    is_draft: bool = False

    def fields(self) -> dict[str, Any]:
        return {
            "doc_type": self.doc_type,
            "title": self.title.strip()[:300],
            "number": self.number.strip()[:120],
            "issuer": self.issuer.strip()[:200],
            "issued_on": self.issued_on,
            "effective_on": self.effective_on,
            "unit": self.unit,
            "is_draft": self.is_draft,
        }


@dataclass(frozen=True)
class Checked:
    """An upload whose content passed the checks, ready to store."""

    upload: Any
    name: str
    kind: str
    sha256: str
    size: int


def _check_meta(agency_id: int, meta: DocumentMeta) -> None:
    if meta.doc_type not in DocumentType.values:
        raise ActionRefused(_("Choose the document type."))
    if meta.unit is not None and meta.unit.agency_id != agency_id:
        raise ActionRefused(_("Units must belong to this agency."))


def check_upload(upload: Any) -> Checked:
    """Validate one uploaded file (size, type by content, extension, no DTD in office files) and hash it."""
    name = storage.clean_name(getattr(upload, "name", ""))
    if getattr(upload, "size", None) == 0:
        raise ActionRefused(_("The file %(name)s is empty.") % {"name": name})
    if (getattr(upload, "size", None) or 0) > storage.max_bytes():
        raise ActionRefused(storage.too_large(name))
    kind = storage.sniff(upload, name)
    storage.check_extension(name, kind)
    if kind in office.OFFICE_KINDS:
        office.check(upload, name)
    measured = storage.measure(upload, name)
    return Checked(upload, name, kind, measured.sha256, measured.size)


def _write(checked: Checked, name: str) -> None:
    try:
        files.write(checked.upload, name, checked.sha256, checked.size)
    except files.WriteFailed as error:
        log.error("evidence upload %s: %s", checked.sha256, error)
        raise ActionRefused(
            _("The file %(name)s could not be stored intact (the copy written failed its check). Try again.")
            % {"name": checked.name}
        ) from error


def _store_blob(checked: Checked, actor: Actor | None = None) -> tuple[Blob, bool]:
    """The blob of this content and whether this upload created it (identical content is stored once).

    A stored file is re-hashed before an upload is deduplicated onto it; a missing or damaged one is replaced,
    atomically, by the upload (which has the same SHA-256), and the repair is audited.
    """
    existing = Blob.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        problem = files.check(existing.name, existing.sha256, existing.size)
        if problem is None:
            mark_whole(existing)
            return existing, False
        _write(checked, existing.name)
        _record_repair(actor, existing, problem)
        return existing, False
    name = storage.blob_name(checked.sha256, checked.kind)
    existed = files.stored_size(name) is not None  # e.g. left by a crash before the fix: replaced, never trusted
    _write(checked, name)
    blob, created = Blob.objects.get_or_create(
        sha256=checked.sha256,
        defaults={"size": checked.size, "kind": checked.kind, "name": name, "checked_at": timezone.now()},
    )
    return blob, created and not existed


def _record_repair(actor: Actor | None, blob: Blob, problem: str) -> None:
    log.warning("evidence blob %s was %s; repaired from a new upload of the same content", blob.sha256, problem)
    Blob.objects.filter(pk=blob.pk).update(damaged_at=None, damage="", checked_at=timezone.now())
    record(
        actor.user if actor else None,
        "evidence.repaired",
        field=f"blob {blob.pk}",
        old=f"{problem} sha256:{blob.sha256}",
        new=f"sha256:{blob.sha256}",
    )


def flag_damaged(blob: Blob, problem: str, actor: Actor | None = None) -> None:
    """Mark a stored file as damaged (missing, truncated or changed) for the national admin, and log it."""
    log.error("evidence blob %s (%s) failed its integrity check: %s", blob.sha256, blob.name, problem)
    now = timezone.now()
    Blob.objects.filter(pk=blob.pk).update(damage=problem, checked_at=now)
    first = Blob.objects.filter(pk=blob.pk, damaged_at__isnull=True).update(damaged_at=now)
    blob.damage, blob.checked_at = problem, now
    blob.damaged_at = now if first else blob.damaged_at
    if first:
        record(
            actor.user if actor else None,
            "evidence.damaged",
            field=f"blob {blob.pk}",
            old=f"{problem} sha256:{blob.sha256}",
        )


def mark_whole(blob: Blob) -> None:
    """The stored file was just re-hashed whole: note it, and lift a damage flag (restored from a backup)."""
    now = timezone.now()
    if blob.damaged_at is None and blob.checked_at is not None and now - blob.checked_at < RECHECK_NOTE:
        return
    if blob.damaged_at is not None:
        log.warning("evidence blob %s is whole again", blob.sha256)
        record(None, "evidence.integrity_restored", field=f"blob {blob.pk}", new=f"sha256:{blob.sha256}")
    Blob.objects.filter(pk=blob.pk).update(checked_at=now, damaged_at=None, damage="")
    blob.checked_at, blob.damaged_at, blob.damage = now, None, ""


def _discard(written: list[tuple[str, str]]) -> None:
    """Remove files written for records that were then rolled back (unless another upload kept them)."""
    for sha256, name in written:
        if not Blob.objects.filter(sha256=sha256).exists() and storage.default_storage.exists(name):
            storage.default_storage.delete(name)


def _after_commit(version: DocumentVersion) -> None:
    if version.extraction == ExtractionStatus.PENDING:
        from indeks.evidence.tasks import enqueue_extraction

        version_id = version.pk
        transaction.on_commit(lambda: enqueue_extraction(version_id))


def _new_version(actor: Actor, document: Document, **fields: Any) -> DocumentVersion:
    last = DocumentVersion.objects.select_for_update().filter(document=document).order_by("-number").first()
    kind = fields["blob"].kind if fields.get("blob") else None
    version = DocumentVersion.objects.create(
        document=document,
        number=(last.number + 1) if last else 1,
        uploaded_by=actor.user,
        extraction=ExtractionStatus.PENDING if kind in TEXT_KINDS else ExtractionStatus.NOT_APPLICABLE,
        **fields,
    )
    _after_commit(version)
    return version


def upload_documents(actor: Actor, agency: Agency, uploads: list[Any], meta: DocumentMeta) -> list[DocumentVersion]:
    """New documents from one or many files (one document each, same metadata). One refused file stores nothing."""
    access.require(access.can_upload(actor, agency.pk), EvidenceAction.UPLOAD)
    _check_meta(agency.pk, meta)
    if not uploads:
        raise ActionRefused(_("Choose at least one file."))
    checked = _check_all(uploads)
    written: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            versions = []
            for item in checked:
                blob, wrote = _store_blob(item, actor)
                if wrote:
                    written.append((blob.sha256, blob.name))
                fields = meta.fields()
                if not fields["title"] or len(checked) > 1:
                    stem = item.name.rsplit(".", 1)[0]
                    fields["title"] = f"{fields['title']} — {stem}" if fields["title"] else stem
                document = Document.objects.create(agency=agency, created_by=actor.user, **fields)
                version = _new_version(actor, document, blob=blob, original_name=item.name)
                record(
                    actor.user,
                    "evidence.upload",
                    agency=agency,
                    field=f"document {document.pk}",
                    new=f"{item.name} sha256:{blob.sha256}",
                )
                versions.append(version)
            return versions
    except BaseException:
        _discard(written)
        raise


def _check_all(uploads: list[Any]) -> list[Checked]:
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ActionRefused as error:
            problems.append(error.message)
    if problems:
        if len(uploads) == 1:
            raise ActionRefused(problems[0])
        raise ActionRefused(_("Some files were refused; nothing was uploaded."), problems=problems)
    return checked


@transaction.atomic
def register_link(actor: Actor, agency: Agency, url: str, login_note: str, meta: DocumentMeta) -> DocumentVersion:
    """A link (an application, a published page) registered as evidence, with an optional test-login note."""
    access.require(access.can_upload(actor, agency.pk), EvidenceAction.UPLOAD)
    _check_meta(agency.pk, meta)
    url = _clean_url(url)
    fields = meta.fields()
    fields["title"] = fields["title"] or url[:300]
    document = Document.objects.create(agency=agency, created_by=actor.user, **fields)
    version = _new_version(actor, document, url=url, login_note=login_note.strip())
    record(actor.user, "evidence.link_registered", agency=agency, field=f"document {document.pk}", new=url)
    return version


def _clean_url(url: str) -> str:
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")) or len(url) > 1000 or any(c.isspace() for c in url):
        raise ActionRefused(_("Enter a web address starting with https:// or http://."))
    return url


def _live_document(document: Document) -> Document:
    locked = Document.objects.select_for_update().select_related("agency").get(pk=document.pk)
    if locked.deleted_at is not None:
        raise ActionRefused(_("This document was deleted."))
    return locked


def add_version(actor: Actor, document: Document, upload: Any = None, url: str = "", login_note: str = "") -> Any:
    """A new version of a document (a file, or a new address for a link); older versions stay."""
    access.require(access.can_change(actor, document), EvidenceAction.CHANGE)
    checked = check_upload(upload) if upload is not None else None
    written: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            document = _live_document(document)
            if checked is not None:
                blob, wrote = _store_blob(checked, actor)
                if wrote:
                    written.append((blob.sha256, blob.name))
                version = _new_version(actor, document, blob=blob, original_name=checked.name)
                new = f"{checked.name} sha256:{blob.sha256}"
            else:
                url = _clean_url(url)
                version = _new_version(actor, document, url=url, login_note=login_note.strip())
                new = url
            record(
                actor.user,
                "evidence.version",
                agency=document.agency,
                field=f"document {document.pk} v{version.number}",
                new=new,
            )
            return version
    except BaseException:
        _discard(written)
        raise


@transaction.atomic
def update_metadata(actor: Actor, document: Document, meta: DocumentMeta) -> Document:
    access.require(access.can_change(actor, document), EvidenceAction.CHANGE)
    document = _live_document(document)
    _check_meta(document.agency_id, meta)
    new = meta.fields()
    if not new["title"]:
        raise ActionRefused(_("The title cannot be empty."))
    old = {name: getattr(document, name) for name in new}
    for name, value in new.items():
        setattr(document, name, value)
    document.save()
    record_changes(
        actor.user,
        "evidence.metadata",
        {name: (old[name], new[name]) for name in new},
        agency=document.agency,
        note=f"document {document.pk}",
    )
    return document


@transaction.atomic
def delete_document(actor: Actor, document: Document) -> Document:
    """Soft delete (the record, versions and audit stay); refused while a frozen or submitted answer uses it."""
    access.require(access.can_change(actor, document), EvidenceAction.CHANGE)
    document = _live_document(document)
    used = (
        EvidenceLink.objects.filter(version__document=document, participation__status__in=LOCKED_STATUSES)
        .select_related("participation__round")
        .first()
    )
    if used is not None:
        raise ActionRefused(
            _(
                "This document supports indicator %(n)s of %(round)s, which is frozen or submitted; "
                "it cannot be removed."
            )
            % {"n": used.indicator, "round": used.participation.round.name}
        )
    document.deleted_at = timezone.now()
    document.deleted_by = actor.user
    document.save(update_fields=["deleted_at", "deleted_by"])
    record(actor.user, "evidence.delete", agency=document.agency, field=f"document {document.pk}", old=document.title)
    return document


def _ensure_answer_editable(participation: Participation) -> None:
    if participation.status != ParticipationStatus.MANDIRI:
        raise ActionRefused(
            _("The self-assessment is locked (%(status)s).") % {"status": participation.get_status_display()}
        )
    ensure_open(participation, "mandiri")


def _require_link(actor: Actor, participation: Participation, indicator: int) -> None:
    if not participation.round.framework.has_indicator(indicator):
        raise ActionRefused(_("Indicator %(n)s is not in this round's framework.") % {"n": indicator})
    units = indicator_units(participation, indicator)
    access.require(access.can_link(actor, participation.agency_id, units), EvidenceAction.LINK)


@transaction.atomic
def link(
    actor: Actor, participation: Participation, indicator: int, version: DocumentVersion, locator: str = ""
) -> EvidenceLink:
    """Use a document version as evidence of an indicator (again: the locator is updated)."""
    _require_link(actor, participation, indicator)
    _ensure_answer_editable(participation)
    document = Document.objects.get(pk=version.document_id)
    if document.agency_id != participation.agency_id or document.deleted_at is not None:
        raise ActionRefused(_("This document is not in the agency's evidence."))
    locator = locator.strip()[:200]
    existing = EvidenceLink.objects.filter(participation=participation, indicator=indicator, version=version).first()
    if existing is not None:
        old = existing.locator
        existing.locator = locator
        existing.save(update_fields=["locator"])
        record(
            actor.user,
            "evidence.locator",
            participation=participation,
            indicator=indicator,
            field="locator",
            old=old,
            new=locator,
        )
        return existing
    created = EvidenceLink.objects.create(
        participation=participation, indicator=indicator, version=version, locator=locator, created_by=actor.user
    )
    record(
        actor.user,
        "evidence.attach",
        participation=participation,
        indicator=indicator,
        new=f"{document.title} v{version.number}",
        note=locator,
    )
    return created


@transaction.atomic
def unlink(actor: Actor, evidence_link: EvidenceLink) -> None:
    participation = evidence_link.participation
    _require_link(actor, participation, evidence_link.indicator)
    _ensure_answer_editable(participation)
    version = evidence_link.version
    evidence_link.delete()
    record(
        actor.user,
        "evidence.detach",
        participation=participation,
        indicator=evidence_link.indicator,
        old=f"{version.document.title} v{version.number}",
    )


@transaction.atomic
def verify_link(actor: Actor, evidence_link: EvidenceLink, status: str, note: str = "") -> EvidenceLink:
    """An assessor's verdict on one piece of evidence (diterima, ditolak, perlu revisi) with a note."""
    participation = evidence_link.participation
    access.require(access.can_verify(actor, participation), EvidenceAction.VERIFY)
    if status not in Verification.values:
        raise ActionRefused(_("Choose a verification status."))
    note = note.strip()
    if status in (Verification.REJECTED, Verification.REVISE) and not note:
        raise ActionRefused(_("Write a note saying what is wrong with this evidence."))
    locked = EvidenceLink.objects.select_for_update().get(pk=evidence_link.pk)
    old = locked.verification
    locked.verification = status
    locked.verification_note = note
    locked.verified_at = timezone.now()
    locked.verified_by = actor.user
    locked.save(update_fields=["verification", "verification_note", "verified_at", "verified_by"])
    record(
        actor.user,
        "evidence.verify",
        participation=participation,
        indicator=locked.indicator,
        field="verification",
        old=old,
        new=status,
        note=note,
    )
    return locked


def record_integrity_failure(actor: Actor, version: DocumentVersion, problem: str = files.WRONG_HASH) -> None:
    """A download found the stored file damaged (it is not served): flag it and audit the attempt."""
    blob = version.blob
    if blob is None:
        return
    flag_damaged(blob, problem, actor)
    record(
        actor.user,
        "evidence.integrity_failed",
        agency=version.document.agency,
        field=f"document {version.document_id} v{version.number}",
        old=f"{problem} sha256:{blob.sha256}",
    )


def check_can_link(actor: Actor, participation: Participation, indicator: int) -> None:
    """Refuse (PermissionDenied or ActionRefused) unless the actor may link evidence to the indicator now."""
    _require_link(actor, participation, indicator)
    _ensure_answer_editable(participation)
