"""End-to-end in Chromium: upload two files on the library page, link one on the indicator page, see the panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from indeks.evidence import samples
from indeks.evidence.models import Document, EvidenceLink
from tests.platform.test_browser import (  # noqa: F401 (fixtures re-exported for pytest)
    Site,
    _,
    browser,
    live_world,
    screenshots,
    site,
)

pytestmark = pytest.mark.browser


def test_upload_link_and_see_the_evidence(
    site: Site,  # noqa: F811 (the fixture imported above)
    live_world: Any,  # noqa: F811
    screenshots: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    first = tmp_path / "perwal-arsitektur.pdf"
    first.write_bytes(
        samples.text_pdf(
            [
                "Peraturan Arsitektur SPBE",
                "Pasal 3 domain arsitektur",
                "Lampiran: interoperabilitas data dan layanan pusat data",
            ]
        )
    )
    second = tmp_path / "layar.png"
    second.write_bytes(samples.PNG)
    page = site.login("coordinator-51.71")
    page.goto(f"{site.base}/evidence/agency/{live_world.a.agency.pk}/")
    page.select_option("#id_doc_type", "peraturan")
    page.fill("#id_number", "12/2024")
    page.set_input_files("#id_files", [str(first), str(second)])
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".messages li.success")).to_be_visible()
    assert Document.objects.count() == 2
    page.screenshot(path=str(screenshots / "evidence-library.png"), full_page=True)

    page.goto(site.url("indicator/1/"))
    page.locator("#evidence").scroll_into_view_if_needed()
    page.get_by_role("link", name=_("Add evidence")).click()
    row = page.locator("tr", has_text="perwal-arsitektur")
    row.locator("input[name=locator]").fill("Pasal 3, hal. 2")
    row.get_by_role("button", name=_("Link")).click()
    expect(page.locator(".evidence-links")).to_contain_text("Pasal 3, hal. 2")
    assert EvidenceLink.objects.get().indicator == 1
    page.screenshot(path=str(screenshots / "evidence-indicator.png"), full_page=True)

    page.goto(f"{site.base}/evidence/agency/{live_world.a.agency.pk}/search/?q=domain")
    expect(page.locator(".search-hit mark")).to_have_text("domain")

    # The path: extraction finished on the document page, a link made from a suggestion, and the word
    # that stands only on page 3 found by the search with its page number.
    document = Document.objects.get(title__icontains="perwal-arsitektur")
    page.goto(f"{site.base}/evidence/document/{document.pk}/")
    expect(page.locator("table").first).to_contain_text(_("Text extracted"))
    suggestion = page.locator("form", has=page.get_by_role("button", name=_("Link to this indicator"))).first
    suggested = int(suggestion.get_attribute("action").rstrip("/").split("/")[-2])
    suggestion.locator("input[name=locator]").fill("Lampiran, hal. 3")
    suggestion.get_by_role("button", name=_("Link to this indicator")).click()
    expect(page.locator(".messages li.success")).to_be_visible()
    assert EvidenceLink.objects.filter(indicator=suggested, locator="Lampiran, hal. 3").exists()
    page.goto(f"{site.base}/evidence/agency/{live_world.a.agency.pk}/search/?q=interoperabilitas")
    hit = page.locator(".search-hit").first
    expect(hit).to_contain_text(f"{_('page')} 3")
    expect(hit.locator("mark")).to_have_text("interoperabilitas")
    assert site.errors == []
