"""End to end in Chromium: document review with "Save and next", a clarification answered by the agency, the
interview scoring one clarified indicator (the others carried), a Tidak Valid correction, releases, finalisation and
publication, and the agency's published index equal to the engine's value of the final levels.

Same approach as tests/platform/test_browser.py: pytest-django's ``live_server`` with committed data
(``transactional_db``) and Debian's Chromium; the pages are read in Indonesian (the default language).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from indeks.assessment.models import Answer
from indeks.external import services
from indeks.external.models import Clarification, ReviewDecision, StageRelease
from indeks.registry.models import Role, RoleAssignment
from indeks.results.models import Snapshot, SnapshotResult
from tests.external.conftest import ExternalWorld, engine_result, external_level, make_external
from tests.platform.conftest import PASSWORD, World, _user, make_agency, open_round

# Chromium, its launch and the module skip rule are shared with the platform's browser test.
from tests.platform.test_browser import TIMEOUT_MS, _, browser, screenshots  # noqa: F401 (pytest fixtures)

pytestmark = pytest.mark.browser


def _indonesian(value: Decimal) -> str:
    assert value == value.quantize(Decimal("0.01"))
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture
def live_world(transactional_db: None, settings: Any, tmp_path: Path) -> ExternalWorld:
    """The external world, committed so that the live server's thread sees it (fast hashing, media in tmp)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    round_ = open_round()
    a = make_agency(round_, "51.71", "Kota Denpasar")
    b = make_agency(round_, "32.73", "Kota Bandung")
    admin = _user("admin")
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)
    return make_external(World(round_, a, b, admin))


class Site:
    """The live server seen from Chromium: one browser context (cookies) per signed-in person."""

    def __init__(self, browser: Browser, base_url: str) -> None:  # noqa: F811 (a parameter, not the fixture)
        self.browser = browser
        self.base = base_url.rstrip("/")
        self.errors: list[str] = []
        self.contexts: list[BrowserContext] = []

    def login(self, username: str) -> Page:
        context = self.browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        self.contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self.console(page, message))
        page.goto(f"{self.base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name=_("Sign in")).click()
        expect(page.locator("main h1")).to_have_text(_("My agencies"))
        return page

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def console(self, page: Page, message: ConsoleMessage) -> None:
        """Chromium reports every Content-Security-Policy violation as a console error: each one fails the test."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"{page.url}: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def site(live_server: Any, live_world: ExternalWorld, browser: Browser) -> Iterator[Site]:  # noqa: F811
    opened = Site(browser, live_server.url)
    yield opened
    opened.close()


def _fill_score(page: Page, level: int, justifikasi: str) -> None:
    form = page.locator("#score-form")
    form.locator("select[name=level]").select_option(str(level))
    form.locator("textarea[name=justifikasi]").fill(justifikasi)


def _stage_answer(w: ExternalWorld, stage: str, number: int) -> Answer:
    return Answer.objects.get(participation=w.a.participation, stage=stage, indicator=number)


def test_external_assessment_from_document_review_to_the_published_index(
    site: Site,
    live_world: ExternalWorld,
    screenshots: Path,  # noqa: F811 (the fixture imported above)
) -> None:
    w = live_world
    a = w.a.participation
    pid = a.pk
    clarified = 11  # owned by Dinas Kominfo

    # Preconditions: the assessor has scored indicators 4..47 of the document review already.
    assessor_actor = w.act(w.assessor1)
    for indicator in w.round.framework.indicators[3:]:
        services.score(
            assessor_actor,
            a,
            indicator.number,
            "dokumen",
            level=external_level(a, indicator.number),
            fakta="",
            analisis="",
            justifikasi="Sesuai bukti dukung.",
            version=None,
        )

    # (0) Before any release the agency sees only its self-assessment.
    coordinator = site.login(w.a.users["coordinator"].username)
    coordinator.goto(site.url(f"/results/agency/{pid}/"))
    expect(coordinator.locator("[data-testid=stage-mandiri]")).to_be_visible()
    expect(coordinator.locator("[data-testid=stage-dokumen]")).to_have_count(0)

    # (1) Document review: indicators 1-3 through the score page, with "Save and next".
    assessor = site.login(w.assessor1.username)
    assessor.goto(site.url("/assess/"))
    expect(assessor.locator("#queue tbody tr")).to_have_count(1)
    expect(assessor.locator("#queue")).to_contain_text(w.a.agency.name)
    assessor.goto(site.url(f"/assess/p/{pid}/dokumen/1/"))
    for number, level in ((1, 2), (2, 4), (3, 3)):
        expect(assessor.locator("main h1")).to_contain_text(f"{number}:")
        _fill_score(assessor, level, f"Bukti indikator {number} diperiksa; level {level}.")
        assessor.get_by_role("button", name=_("Save and next")).click()
        expect(assessor).to_have_url(site.url(f"/assess/p/{pid}/dokumen/{number + 1}/"))
        assert _stage_answer(w, "dokumen", number).level == level
    assessor.goto(site.url(f"/assess/p/{pid}/dokumen/"))
    expect(assessor.locator("main")).to_contain_text("47 / 47")
    assessor.screenshot(path=screenshots / "worklist-dokumen.png", full_page=True)

    # (2) A clarification on the indicator that will be discussed at the interview.
    assessor.goto(site.url(f"/assess/p/{pid}/dokumen/{clarified}/"))
    assessor.locator("textarea[name=question]").fill("Mohon unggah Perwal Arsitektur SPBE yang berlaku.")
    assessor.get_by_role("button", name=_("Send clarification request")).click()
    expect(assessor.locator("main > ul.messages")).to_contain_text(_("Clarification request sent to the agency."))
    assert Clarification.objects.filter(participation=a, indicator=clarified).count() == 1

    # (3) The agency's coordinator answers it.
    coordinator.goto(site.url(f"/assess/agency/{pid}/clarifications/"))
    expect(coordinator.locator("main")).to_contain_text("Mohon unggah Perwal Arsitektur SPBE")
    coordinator.locator("textarea[name=answer]").fill("Perwal Nomor 7 Tahun 2025 sudah diunggah.")
    coordinator.get_by_role("button", name=_("Send answer")).click()
    expect(coordinator.locator("main > ul.messages")).to_contain_text(_("Answer sent to the assessor."))
    expect(coordinator.locator("textarea[name=answer]")).to_have_count(0)
    item = Clarification.objects.get(participation=a, indicator=clarified)
    assert item.answered_by == w.a.users["coordinator"]

    # (4) The interview: only the clarified indicator gets a new level; the worklist shows the others carried.
    assessor.goto(site.url(f"/assess/p/{pid}/dokumen/{clarified}/"))
    expect(assessor.locator("main")).to_contain_text("Perwal Nomor 7 Tahun 2025 sudah diunggah.")
    interview_level = 5 if external_level(a, clarified) != 5 else 1
    assessor.goto(site.url(f"/assess/p/{pid}/interviu/{clarified}/"))
    _fill_score(assessor, interview_level, "Dikonfirmasi saat interviu.")
    assessor.get_by_role("button", name=_("Save"), exact=True).click()
    expect(assessor.locator("main > ul.messages")).to_contain_text(str(clarified))
    assert _stage_answer(w, "interviu", clarified).level == interview_level
    assessor.goto(site.url(f"/assess/p/{pid}/interviu/"))
    rows = assessor.locator("#worklist tbody tr")
    expect(rows).to_have_count(47)
    expect(assessor.locator("#worklist tbody tr:has-text('↪')")).to_have_count(46)
    expect(rows.nth(clarified - 1)).not_to_contain_text("↪")
    expect(rows.nth(clarified - 1).locator("td.num").last).to_have_text(str(interview_level))
    assessor.screenshot(path=screenshots / "worklist-interviu.png", full_page=True)

    # (5) The review team: every indicator Valid except one corrected (Tidak Valid) through the page.
    corrected, corrected_level = 20, 1 if external_level(a, 20) != 1 else 2
    ReviewDecision.objects.bulk_create(
        ReviewDecision(participation=a, indicator=i.number, valid=True, decided_by=w.reviewer)
        for i in w.round.framework.indicators
        if i.number != corrected
    )
    reviewer = site.login(w.reviewer.username)
    reviewer.goto(site.url(f"/assess/review/{pid}/"))
    row = reviewer.locator("#review tbody tr").nth(corrected - 1)
    row.locator("select[name=decision]").select_option("invalid")
    row.locator("select[name=level]").select_option(str(corrected_level))
    row.locator("input[name=reason]").fill("Dokumen belum ditetapkan pimpinan.")
    row.get_by_role("button", name=_("Save")).click()
    expect(reviewer.locator("main > ul.messages")).to_contain_text(str(corrected))
    expect(reviewer.locator("#review tbody tr").nth(corrected - 1)).to_contain_text(f"Tidak Valid → {corrected_level}")
    assert _stage_answer(w, "reviu", corrected).level == corrected_level

    # The correction stays invisible to the agency (no review stage on its result page).
    coordinator.goto(site.url(f"/results/agency/{pid}/"))
    expect(coordinator.locator("[data-testid=stage-reviu]")).to_have_count(0)
    expect(coordinator.locator("main")).not_to_contain_text("Dokumen belum ditetapkan pimpinan.")

    # (6) The admin releases the document and interview stages, excludes agency B, finalises and publishes.
    admin = site.login(w.admin.username)
    admin.goto(site.url(f"/assess/rounds/{w.round.pk}/assessors/"))
    release = admin.locator("form:has(select[name=stage])")
    for stage in ("dokumen", "interviu"):
        release.locator("select[name=stage]").select_option(stage)
        release.get_by_role("button", name=_("Release")).click()
        expect(admin.locator("main > ul.messages")).to_be_visible()
    assert set(StageRelease.objects.filter(participation=a).values_list("stage", flat=True)) == {"dokumen", "interviu"}

    admin.goto(site.url(f"/results/rounds/{w.round.pk}/finalisation/"))
    expect(admin.locator("main")).to_contain_text(w.b.agency.name)
    admin.locator(f"input[name=exclude][value='{w.b.participation.pk}']").check()
    admin.get_by_role("button", name=_("Finalise (freeze the results)")).click()
    expect(admin.locator("main > ul.messages")).to_contain_text(_("Revision %(n)s finalised.") % {"n": 1})
    admin.get_by_role("button", name=_("Publish")).click()
    expect(admin.locator("main > ul.messages")).to_contain_text(_("Revision %(n)s published.") % {"n": 1})
    admin.screenshot(path=screenshots / "finalisation.png", full_page=True)
    snapshot = Snapshot.objects.get(round=w.round)
    assert snapshot.published_at is not None

    # (7) The agency's published index equals the engine's value of the final levels (Indonesian notation).
    final = engine_result(a)
    assert final.levels[clarified] == interview_level
    assert final.levels[corrected] == corrected_level
    assert final.levels[1] == 2
    row = SnapshotResult.objects.get(snapshot=snapshot, participation=a)
    assert row.index_value == final.index.value
    coordinator.goto(site.url(f"/results/agency/{pid}/"))
    expect(coordinator.locator("[data-testid=published-index]")).to_have_text(_indonesian(final.index.value))
    expect(coordinator.locator("[data-testid=stage-dokumen]")).to_have_text(
        _indonesian(engine_result(a, upto="dokumen").index.value)
    )
    expect(coordinator.locator("[data-testid=stage-interviu]")).to_be_visible()
    expect(coordinator.locator("[data-testid=stage-reviu]")).to_have_count(0)
    coordinator.screenshot(path=screenshots / "result-published.png", full_page=True)
    coordinator.goto(site.url(f"/results/{w.round.pk}/"))
    expect(coordinator.locator("#ranking")).to_contain_text(w.a.agency.name)
    expect(coordinator.locator("#ranking")).not_to_contain_text(w.b.agency.name)
    expect(coordinator.locator("#ranking tbody tr").first.locator("td.num").nth(1)).to_have_text(
        _indonesian(final.index.value)
    )

    # Agency B was excluded: no published index on its page.
    other = site.login(w.b.users["coordinator"].username)
    other.goto(site.url(f"/results/agency/{w.b.participation.pk}/"))
    expect(other.locator("[data-testid=stage-mandiri]")).to_be_visible()
    expect(other.locator("[data-testid=published-index]")).to_have_count(0)
    assert site.errors == [], "JavaScript errors on the external assessment pages"
