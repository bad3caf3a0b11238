"""The evidence pages: access per role, guessed ids, uploads through HTTP, downloads, ZIPs, panels and report."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indeks.audit.models import AuditEntry
from indeks.evidence import samples, services
from indeks.evidence.models import Blob, Document, EvidenceLink
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import AssessorAssignment
from tests.platform.conftest import World, _user, add_answer, login, submit_through_services

PDF = samples.text_pdf(["Peraturan Wali Kota tentang Arsitektur SPBE", "Pasal 5 domain arsitektur"])
AGENCY_ROLES = ["coordinator", "official", "operator", "leadership", "respondent_kominfo", "respondent_bappeda"]


@pytest.fixture
def doc(world: World, upload: Any) -> Any:
    version = upload(world, "perwal.pdf", PDF, title="Perwal Arsitektur SPBE", number="12/2024")
    services.link(world.a.actor("coordinator"), world.a.participation, 1, version, "Pasal 5, hal. 2")
    return version


def assessor_user(world: World, *, assigned: bool) -> Any:
    user = _user(f"tae-{assigned}")
    RoleAssignment.objects.create(user=user, role=Role.ASSESSOR)
    if assigned:
        AssessorAssignment.objects.create(round=world.round, agency=world.a.agency, assessor=user)
    return user


def readers(world: World) -> list[Any]:
    return [world.a.users[r] for r in AGENCY_ROLES] + [world.admin, assessor_user(world, assigned=True)]


def outsiders(world: World) -> list[Any]:
    return [world.b.users["coordinator"], world.b.users["respondent_hukum"], assessor_user(world, assigned=False)]


def urls(world: World, doc: Any) -> list[str]:
    link = EvidenceLink.objects.get()
    return [
        reverse("evidence:library", args=[world.a.agency.pk]),
        reverse("evidence:search", args=[world.a.agency.pk]) + "?q=arsitektur",
        reverse("evidence:agency_zip", args=[world.a.agency.pk]),
        reverse("evidence:document", args=[doc.document_id]),
        reverse("evidence:download", args=[doc.pk]),
        reverse("evidence:report", args=[world.a.participation.pk]),
        reverse("evidence:indicator_zip", args=[world.a.participation.pk, 1]),
        reverse("evidence:verify", args=[link.pk]),
    ]


def test_agency_users_assessors_and_admin_can_read(world: World, doc: Any) -> None:
    submit_through_services(world)
    for user in readers(world):
        client = login(user)
        for url in urls(world, doc)[:-1]:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)


def test_outsiders_get_404_everywhere(world: World, doc: Any) -> None:
    for user in outsiders(world):
        client = login(user)
        for url in urls(world, doc):
            assert client.get(url).status_code in (404, 405), (user.username, url)
            assert client.post(url).status_code in (404, 405), (user.username, url)


def test_guessed_ids_are_404(world: World, doc: Any) -> None:
    client = login(world.a.users["coordinator"])
    for name, args in (
        ("evidence:document", [doc.document_id + 1000]),
        ("evidence:download", [doc.pk + 1000]),
        ("evidence:library", [999999]),
        ("evidence:report", [999999]),
        ("evidence:unlink", [999999]),
    ):
        response = (
            client.post(reverse(name, args=args)) if name == "evidence:unlink" else client.get(reverse(name, args=args))
        )
        assert response.status_code == 404, name
    other = services.upload_documents(
        world.b.actor("coordinator"), world.b.agency, [SimpleUploadedFile("b.pdf", PDF)], services.DocumentMeta("sop")
    )[0]
    assert client.get(reverse("evidence:download", args=[other.pk])).status_code == 404
    assert client.get(reverse("evidence:document", args=[other.document_id])).status_code == 404


def test_anonymous_is_sent_to_sign_in(world: World, doc: Any) -> None:
    response = login().get(reverse("evidence:download", args=[doc.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_media_is_not_served_publicly(world: World, doc: Any) -> None:
    assert login(world.a.users["coordinator"]).get("/nonpublic-media/" + doc.blob.name).status_code == 404


def test_download_streams_the_file_with_its_hash(world: World, doc: Any) -> None:
    response = login(world.a.users["leadership"]).get(reverse("evidence:download", args=[doc.pk]))
    body = b"".join(response.streaming_content)
    assert body == PDF
    assert response["X-Content-SHA256"] == hashlib.sha256(PDF).hexdigest()
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="perwal.pdf"' in response["Content-Disposition"]


def test_a_tampered_file_is_not_served_and_the_incident_is_audited(world: World, doc: Any) -> None:
    default_storage.delete(doc.blob.name)
    default_storage.save(doc.blob.name, io.BytesIO(PDF.replace(b"Arsitektur", b"Arsitekxur")))
    response = login(world.a.users["coordinator"]).get(reverse("evidence:download", args=[doc.pk]))
    assert response.status_code == 409
    assert b"integrity" in response.content
    entry = AuditEntry.objects.get(action="evidence.integrity_failed")
    assert doc.blob.sha256 in entry.old
    assert entry.agency_id == world.a.agency.pk


def _post_upload(client: Any, world: World, files: list[Any], **data: Any) -> Any:
    payload = {"doc_type": "peraturan", "title": "", "files": files, **data}
    return client.post(reverse("evidence:upload", args=[world.a.agency.pk]), payload, follow=True)


def test_upload_many_files_through_the_page(world: World, django_capture_on_commit_callbacks: Any) -> None:
    client = login(world.a.users["operator"])
    files = [SimpleUploadedFile("a.pdf", samples.text_pdf(["satu"])), SimpleUploadedFile("b.docx", samples.docx(["x"]))]
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_upload(client, world, files, number="5/2024")
    assert "2 document(s) added." in response.content.decode()
    assert sorted(Document.objects.values_list("title", flat=True)) == ["a", "b"]
    page = client.get(reverse("evidence:library", args=[world.a.agency.pk])).content.decode()
    assert "Text extracted" in page


def test_wrong_type_is_refused_with_a_clear_message(world: World) -> None:
    response = _post_upload(login(world.a.users["operator"]), world, [SimpleUploadedFile("a.pdf", samples.PNG)])
    assert "named as PDF but its content is PNG" in response.content.decode()
    assert not Document.objects.exists()


def test_oversize_is_stopped_while_it_arrives(world: World, settings: Any) -> None:
    settings.INDEKS_EVIDENCE_MAX_BYTES = 2000
    big = SimpleUploadedFile("besar.pdf", samples.text_pdf(["x " * 2000] * 3))
    response = _post_upload(login(world.a.users["operator"]), world, [big])
    assert "besar.pdf is larger than" in response.content.decode()
    assert not Document.objects.exists()
    assert not Blob.objects.exists()


def test_upload_needs_the_csrf_token(world: World) -> None:
    client = login(world.a.users["operator"], enforce_csrf_checks=True)
    response = client.post(
        reverse("evidence:upload", args=[world.a.agency.pk]),
        {"doc_type": "sop", "files": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_register_a_link_through_the_page(world: World) -> None:
    response = _post_upload(
        login(world.a.users["coordinator"]),
        world,
        [],
        doc_type="tautan",
        url="https://sso.example.go.id",
        login_note="u/p",
    )
    assert "1 document(s) added." in response.content.decode()
    assert Document.objects.get().versions.get().login_note == "u/p"


def test_indicator_page_shows_evidence_warnings_and_forms(world: World, doc: Any) -> None:
    add_answer(world.a.participation, 1, level=4)
    page = login(world.a.users["respondent_hukum"]).get(
        reverse("assessment:indicator", args=[world.a.participation.pk, 1])
    )
    html = page.content.decode()
    assert "Perwal Arsitektur SPBE" in html
    assert "Pasal 5, hal. 2" in html
    assert 'data-code="no_review"' in html
    assert reverse("evidence:add", args=[world.a.participation.pk, 1]) in html
    assert reverse("evidence:unlink", args=[EvidenceLink.objects.get().pk]) in html
    other = login(world.a.users["respondent_bappeda"]).get(
        reverse("assessment:indicator", args=[world.a.participation.pk, 1])
    )
    assert reverse("evidence:add", args=[world.a.participation.pk, 1]) not in other.content.decode()
    assert "Perwal Arsitektur SPBE" in other.content.decode()


def test_add_page_links_and_uploads(world: World, doc: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = login(world.a.users["respondent_kominfo"])
    add = reverse("evidence:add", args=[world.a.participation.pk, 35])
    assert "Perwal Arsitektur SPBE" in client.get(add).content.decode()
    response = client.post(
        reverse("evidence:link", args=[world.a.participation.pk, 35]), {"version": doc.pk, "locator": "hal. 9"}
    )
    assert response.status_code == 302
    assert EvidenceLink.objects.filter(indicator=35, locator="hal. 9").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("evidence:indicator_upload", args=[world.a.participation.pk, 35]),
            {"doc_type": "tangkapan_layar", "files": [SimpleUploadedFile("layar.png", samples.PNG)], "locator": "menu"},
        )
    assert EvidenceLink.objects.filter(indicator=35, version__document__doc_type="tangkapan_layar").count() == 1
    refused = login(world.a.users["respondent_bappeda"])
    assert refused.get(reverse("evidence:add", args=[world.a.participation.pk, 35])).status_code == 403
    before = Document.objects.count()
    response = refused.post(
        reverse("evidence:indicator_upload", args=[world.a.participation.pk, 35]),
        {"doc_type": "tangkapan_layar", "files": [SimpleUploadedFile("x.png", samples.PNG)]},
    )
    assert response.status_code == 403
    assert Document.objects.count() == before


def test_unlink_through_the_page(world: World, doc: Any) -> None:
    link = EvidenceLink.objects.get()
    client = login(world.a.users["respondent_hukum"])
    assert client.post(reverse("evidence:unlink", args=[link.pk])).status_code == 302
    assert not EvidenceLink.objects.exists()


def test_report_and_verification_by_the_assessor(world: World, doc: Any) -> None:
    add_answer(world.a.participation, 2, level=3)
    submit_through_services(world)
    tae = login(assessor_user(world, assigned=True))
    report = tae.get(reverse("evidence:report", args=[world.a.participation.pk])).content.decode()
    assert 'data-code="no_evidence"' in report
    link = EvidenceLink.objects.get()
    assert reverse("evidence:verify", args=[link.pk]) in report
    tae.post(reverse("evidence:verify", args=[link.pk]), {"status": "ditolak", "note": "Belum ditandatangani"})
    link.refresh_from_db()
    assert (link.verification, link.verification_note) == ("ditolak", "Belum ditandatangani")
    coordinator = login(world.a.users["coordinator"])
    assert (
        reverse("evidence:verify", args=[link.pk])
        not in coordinator.get(reverse("evidence:report", args=[world.a.participation.pk])).content.decode()
    )
    assert coordinator.post(reverse("evidence:verify", args=[link.pk]), {"status": "diterima"}).status_code == 403


def test_dashboard_shows_a_one_line_summary(world: World, doc: Any) -> None:
    add_answer(world.a.participation, 2, level=3)
    html = login(world.a.users["coordinator"]).get(reverse("assessment:dashboard", args=[world.a.participation.pk]))
    text = html.content.decode()
    assert 'id="evidence-summary"' in text
    assert "1 indicator has evidence" in text
    assert reverse("evidence:report", args=[world.a.participation.pk]) in text


def _zip_of(response: Any) -> zipfile.ZipFile:
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_zip_of_the_agency_and_of_one_indicator_with_manifest(world: World, doc: Any, upload: Any) -> None:
    services.add_version(
        world.a.actor("coordinator"), doc.document, SimpleUploadedFile("perwal2.pdf", samples.text_pdf(["v2"]))
    )
    upload(world, "layar.png", samples.PNG, doc_type="tangkapan_layar", title="Layar")
    client = login(world.a.users["leadership"])
    archive = _zip_of(client.get(reverse("evidence:agency_zip", args=[world.a.agency.pk])))
    names = sorted(archive.namelist())
    assert names == sorted(
        [
            "manifest.csv",
            f"{doc.document_id}-v1-perwal.pdf",
            f"{doc.document_id}-v2-perwal2.pdf",
            f"{Document.objects.get(title='Layar').pk}-v1-layar.png",
        ]
    )
    assert archive.read(f"{doc.document_id}-v1-perwal.pdf") == PDF
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    first = next(r for r in rows if r["file"].endswith("-v1-perwal.pdf"))
    assert first["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert first["indicators"] == "2025 #1 (Pasal 5, hal. 2)"
    assert first["number"] == "12/2024"
    one = _zip_of(client.get(reverse("evidence:indicator_zip", args=[world.a.participation.pk, 1])))
    assert sorted(one.namelist()) == sorted(["manifest.csv", f"{doc.document_id}-v1-perwal.pdf"])


def test_document_page_shows_usages_and_suggestions(world: World, doc: Any) -> None:
    html = (
        login(world.a.users["coordinator"]).get(reverse("evidence:document", args=[doc.document_id])).content.decode()
    )
    assert "Evaluasi SPBE 2025" in html
    assert "Pasal 5, hal. 2" in html
    assert "Suggested indicators" in html
    assert reverse("evidence:link", args=[world.a.participation.pk, 11]) in html
    assert doc.blob.sha256[:10] in html


def test_edit_new_version_and_delete_through_the_page(world: World, doc: Any) -> None:
    client = login(world.a.users["coordinator"])
    client.post(
        reverse("evidence:edit", args=[doc.document_id]),
        {"doc_type": "peraturan", "title": "Perwal 12", "number": "12"},
    )
    assert Document.objects.get().title == "Perwal 12"
    client.post(
        reverse("evidence:new_version", args=[doc.document_id]),
        {"file": SimpleUploadedFile("v2.pdf", samples.text_pdf(["v2"]))},
    )
    assert Document.objects.get().versions.count() == 2
    response = client.post(reverse("evidence:delete", args=[doc.document_id]), follow=True)
    assert "removed" in response.content.decode()
    assert client.get(reverse("evidence:document", args=[doc.document_id])).status_code == 404


def test_search_page(world: World, doc: Any) -> None:
    html = (
        login(world.a.users["respondent_bappeda"])
        .get(reverse("evidence:search", args=[world.a.agency.pk]) + "?q=domain")
        .content.decode()
    )
    assert "<mark>domain</mark>" in html
    assert "page 2" in html
