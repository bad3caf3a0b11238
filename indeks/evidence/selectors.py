"""Reading evidence for pages, in the actor's scope: out-of-scope or unknown ids are 404, never 403."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from indeks.evidence import access
from indeks.evidence.models import Blob, Document, DocumentVersion, EvidenceLink
from indeks.registry.access import Actor
from indeks.registry.models import Agency
from indeks.rounds.models import Participation, ParticipationStatus


def get_agency(actor: Actor, pk: int) -> Agency:
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None or not access.can_view(actor, agency.pk):
        raise Http404
    return agency


def get_participation(actor: Actor, pk: int) -> Participation:
    """A participation whose evidence the actor may read: the agency's users, the national admin, and the assessors
    of that very round once the agency has submitted."""
    participation = (
        Participation.objects.select_related("round", "agency").prefetch_related("round__windows").filter(pk=pk).first()
    )
    if participation is None or not access.can_view_participation(actor, participation):
        raise Http404
    return participation


def _assessor_may_read(actor: Actor, agency_id: int, versions: QuerySet[DocumentVersion]) -> bool:
    """An assessor outside the agency's current round reads only what is linked to a round they assess."""
    rounds = access.submitted_rounds(actor, agency_id)
    return bool(rounds) and versions.filter(links__participation__round_id__in=rounds).exists()


def get_document(actor: Actor, pk: int) -> Document:
    document = Document.objects.select_related("agency", "unit", "created_by").filter(pk=pk).first()
    if document is None or document.deleted_at is not None or not access.can_view(actor, document.agency_id):
        raise Http404
    return document


def get_version(actor: Actor, pk: int) -> DocumentVersion:
    version = DocumentVersion.objects.select_related("document__agency", "blob").filter(pk=pk).first()
    if version is None or version.document.deleted_at is not None:
        raise Http404
    agency_id = version.document.agency_id
    if not access.can_view(actor, agency_id) and not _assessor_may_read(
        actor, agency_id, DocumentVersion.objects.filter(pk=version.pk)
    ):
        raise Http404
    return version


def get_link(actor: Actor, pk: int) -> EvidenceLink:
    found = (
        EvidenceLink.objects.select_related("participation__round", "participation__agency", "version__document")
        .filter(pk=pk)
        .first()
    )
    if found is None or not access.can_view_participation(actor, found.participation):
        raise Http404
    return found


def versions_prefetch() -> Prefetch[str, QuerySet[DocumentVersion]]:
    return Prefetch("versions", queryset=DocumentVersion.objects.select_related("blob").order_by("-number"))


def agency_documents(agency_id: int) -> QuerySet[Document]:
    """The agency's live documents, newest first, with their versions and the number of indicator links."""
    return (
        Document.objects.filter(agency_id=agency_id, deleted_at__isnull=True)
        .select_related("unit")
        .prefetch_related(versions_prefetch())
        .annotate(link_count=Count("versions__links"))
        .order_by("-created_at", "-id")
    )


def live_links(participation: Participation, indicator: int | None = None) -> QuerySet[EvidenceLink]:
    """Evidence links of a participation (one indicator, or all) whose document is not deleted."""
    links = EvidenceLink.objects.filter(participation=participation, version__document__deleted_at__isnull=True)
    if indicator is not None:
        links = links.filter(indicator=indicator)
    return links.select_related("version__document__unit", "version__blob", "verified_by").order_by(
        "indicator", "created_at", "id"
    )


def links_by_indicator(participation: Participation) -> dict[int, list[EvidenceLink]]:
    grouped: dict[int, list[EvidenceLink]] = defaultdict(list)
    for found in live_links(participation):
        grouped[found.indicator].append(found)
    return grouped


def usages(document: Document) -> list[EvidenceLink]:
    """Every indicator and round that uses any version of the document."""
    return list(
        EvidenceLink.objects.filter(version__document=document)
        .select_related("participation__round", "version")
        .order_by("-participation__round__year", "indicator")
    )


def open_participations(agency_id: int) -> list[Participation]:
    """The agency's participations whose answers can still take evidence (newest round first)."""
    return list(
        Participation.objects.filter(agency_id=agency_id, status=ParticipationStatus.MANDIRI)
        .select_related("round")
        .order_by("-round__year", "-pk")
    )


def latest_participation(agency_id: int) -> Participation | None:
    return (
        Participation.objects.filter(agency_id=agency_id)
        .select_related("round")
        .order_by("-round__year", "-pk")
        .first()
    )


def document_text(version: DocumentVersion, limit: int = 200_000) -> str:
    """The extracted text of a version (pages in order), cut at ``limit`` characters."""
    parts, total = [], 0
    for text in version.pages.order_by("page").values_list("text", flat=True).iterator():
        parts.append(text)
        total += len(text)
        if total >= limit:
            break
    return "\n".join(parts)[:limit]


def damaged_blobs(limit: int = 500) -> list[Any]:
    """Stored evidence files flagged damaged, newest first, with the versions (and agencies) that use them."""
    versions = DocumentVersion.objects.select_related("document__agency").order_by("document__agency__name", "pk")
    return list(
        Blob.objects.filter(damaged_at__isnull=False)
        .order_by("-damaged_at", "pk")
        .prefetch_related(Prefetch("versions", queryset=versions))[:limit]
    )


def damaged_signed(limit: int = 500) -> list[Any]:
    """Signed scans flagged damaged, newest first."""
    from indeks.assessment.models import SignedDocument

    return list(
        SignedDocument.objects.filter(damaged_at__isnull=False)
        .select_related("participation__agency", "participation__round")
        .order_by("-damaged_at", "pk")[:limit]
    )


def damaged_count() -> int:
    from indeks.assessment.models import SignedDocument

    return (
        Blob.objects.filter(damaged_at__isnull=False).count()
        + SignedDocument.objects.filter(damaged_at__isnull=False).count()
    )
