"""End to end in Chromium: one indicator from the unit to the coordinator and back, the agency's submission with
signed scans, the live index on the dashboard, the language switch, and another agency kept out.

Runs against pytest-django's ``live_server`` (a real HTTP server in a thread, committed data), so the data is built
with ``transactional_db``. Chromium is Debian's (scripts/system-deps.sh installs it); Playwright's own browser
download is not used. Screenshots go to ``$INDEKS_BROWSER_SCREENSHOTS`` when set, else to the test's tmp dir.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from indeks.assessment import services
from indeks.assessment.models import Answer, AnswerStatus, GeneralAnswer, GeneralQuestion, SignedDocument
from indeks.core.engine import compute
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import Participation, ParticipationStatus
from tests.platform.conftest import PASSWORD, AgencyWorld, World, _user, make_agency, open_round

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

if not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true":
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (run scripts/system-deps.sh as root); in CI this fails instead",
        allow_module_level=True,
    )


pytestmark = pytest.mark.browser


def _(message: str) -> str:
    """A UI string as the Indonesian pages show it (the default language)."""
    with translation.override("id"):
        return translation.gettext(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: CI installs it with scripts/system-deps.sh (make install)")
    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls between page steps are
    # plain synchronous code, so Django's async-safety guard is lifted for this module only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_world(transactional_db: None, settings: Any, tmp_path: Path) -> World:
    """The conftest world, committed so that the live server's thread sees it (fast hashing, media in tmp)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    round_ = open_round()
    a = make_agency(round_, "51.71", "Kota Denpasar")
    b = make_agency(round_, "32.73", "Kota Bandung")
    admin = _user("admin")
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)
    return World(round_, a, b, admin)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("INDEKS_BROWSER_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Site:
    """The live server seen from Chromium: one browser context (cookies) per signed-in person."""

    def __init__(self, browser: Browser, base_url: str, participation: Participation) -> None:
        self.browser = browser
        self.base = base_url.rstrip("/")
        self.pk = participation.pk
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

    def url(self, path: str = "", pk: int | None = None) -> str:
        return f"{self.base}/p/{pk or self.pk}/{path}"

    def console(self, page: Page, message: ConsoleMessage) -> None:
        """Chromium reports every Content-Security-Policy violation as a console error: each one fails the test."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"{page.url}: {message.text} ({message.location['url']})")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def site(live_server: Any, live_world: World, browser: Browser) -> Iterator[Site]:
    """Agency A's pages on the live server; the browser contexts opened by the test are closed after it."""
    opened = Site(browser, live_server.url, live_world.a.participation)
    yield opened
    opened.close()


def _save_answer(page: Page, level: int, fakta: str | None = None, analisis: str | None = None) -> None:
    """Fill the answer form and save it; htmx posts it and swaps #answer-card in place."""
    card = page.locator("#answer-card")
    card.locator("select[name=level]").select_option(str(level))
    if fakta is not None:
        card.locator("textarea[name=fakta]").fill(fakta)
    if analisis is not None:
        card.locator("textarea[name=analisis]").fill(analisis)
    with page.expect_response(lambda r: r.request.method == "POST" and "/indicator/" in r.url) as posted:
        card.get_by_role("button", name=_("Save"), exact=True).click()
    assert posted.value.status == 200
    assert posted.value.request.headers.get("hx-request") == "true", "the form must post through htmx"
    expect(page.locator("#answer-card [role=status]")).to_have_text(_("Saved"))


def _answer(participation: Participation, number: int) -> Answer:
    return Answer.objects.get(participation=participation, indicator=number, stage="mandiri")


def _prepare_other_indicators(world: AgencyWorld, skip: int) -> None:
    """Every other indicator answered by its owning unit and accepted; the round's one general question answered."""
    participation = Participation.objects.get(pk=world.participation.pk)
    framework = participation.round.framework
    coordinator = world.actor("coordinator")
    owners = {"hukum": world.actor("respondent_hukum"), "kominfo": world.actor("respondent_kominfo")}
    for indicator in framework.indicators:
        number = indicator.number
        if number == skip:
            continue
        ladder = framework.ladder_of(indicator)
        level = ladder.minimum + (number * 3) % (ladder.maximum - ladder.minimum + 1)
        unit = owners["hukum" if number <= 10 else "kominfo"]
        services.save_answer(
            unit, participation, number, level=level, fakta=f"Fakta {number}", analisis=f"Analisis {number}", version=0
        )
        services.submit_answer(unit, participation, number)
        services.accept_answer(coordinator, participation, number)
    question = GeneralQuestion.objects.create(round=participation.round, number=1, text="Berapa jumlah aplikasi?")
    services.save_general_answer(coordinator, participation, question, "Dua belas aplikasi.", version=None)


def _expected_index(participation: Participation, decimal_separator: str) -> str:
    levels = dict(
        Answer.objects.filter(participation=participation, stage="mandiri", level__isnull=False).values_list(
            "indicator", "level"
        )
    )
    value: Decimal = compute(participation.round.framework, levels, allow_missing=True).index.value
    assert value == value.quantize(Decimal("0.01"))
    return f"{value:.2f}".replace(".", decimal_separator)


def test_indicator_round_trip_submission_index_language_and_scope(
    site: Site, live_world: World, screenshots: Path, tmp_path: Path
) -> None:
    a = live_world.a
    participation = a.participation
    indicator_url = site.url("indicator/11/")

    # (1) The owning unit answers indicator 11, saves (htmx) and submits it to the coordinator.
    unit = site.login(a.users["respondent_kominfo"].username)
    unit.goto(indicator_url)
    expect(unit.locator("[data-testid=answer-status]")).to_have_text(_("Unanswered"))
    _save_answer(unit, 4, "Kebijakan SPBE ditetapkan dengan Perwal 12/2024.", "Sudah mencakup seluruh domain.")
    answer = _answer(participation, 11)
    assert (answer.level, answer.status) == (4, AnswerStatus.DRAFT)
    assert answer.fakta.startswith("Kebijakan SPBE")
    unit.get_by_role("button", name=_("Submit to the coordinator")).click()
    expect(unit.locator("[data-testid=answer-status]")).to_have_text(_("Submitted to the coordinator"))
    assert _answer(participation, 11).status == AnswerStatus.SUBMITTED

    # (2) The coordinator returns it with a note.
    note = "Bukti reviu berkala belum ada; level 4 belum terpenuhi."
    coordinator = site.login(a.users["coordinator"].username)
    coordinator.goto(indicator_url)
    expect(coordinator.locator("[data-testid=answer-status]")).to_have_text(_("Submitted to the coordinator"))
    coordinator.locator("textarea[name=note]").fill(note)
    coordinator.get_by_role("button", name=_("Return to the unit")).click()
    expect(coordinator.locator("[data-testid=answer-status]")).to_have_text(_("Returned for revision (perlu revisi)"))
    assert _answer(participation, 11).status == AnswerStatus.RETURNED

    # (3) The unit reads the note, lowers the level and resubmits.
    unit.goto(indicator_url)
    expect(unit.locator("[data-testid=answer-status]")).to_have_text(_("Returned for revision (perlu revisi)"))
    expect(unit.locator("#answer-card")).to_contain_text(note)
    unit.screenshot(path=screenshots / "indicator-returned.png", full_page=True)
    _save_answer(unit, 3)
    unit.get_by_role("button", name=_("Submit to the coordinator")).click()
    expect(unit.locator("[data-testid=answer-status]")).to_have_text(_("Submitted to the coordinator"))
    answer = _answer(participation, 11)
    assert (answer.level, answer.status) == (3, AnswerStatus.SUBMITTED)

    # (4) The coordinator accepts.
    coordinator.goto(indicator_url)
    expect(coordinator.locator("#answer-card select[name=level]")).to_have_value("3")
    coordinator.get_by_role("button", name=_("Accept"), exact=True).click()
    expect(coordinator.locator("[data-testid=answer-status]")).to_have_text(_("Accepted"))
    assert _answer(participation, 11).status == AnswerStatus.ACCEPTED
    coordinator.screenshot(path=screenshots / "indicator-accepted.png", full_page=True)

    # (5) With everything else ready, the coordinator freezes the answers and uploads both signed scans.
    _prepare_other_indicators(a, skip=11)
    coordinator.goto(site.url("submission/"))
    expect(coordinator.locator("[data-testid=participation-status]")).to_have_text(_("Self-assessment in progress"))
    coordinator.get_by_role("button", name=_("Freeze answers and create the documents")).click()
    expect(coordinator.locator("[data-testid=participation-status]")).to_have_text(_("Awaiting signed Berita Acara"))
    with coordinator.expect_download() as download:
        coordinator.locator("a[href$='/documents/berita_acara.pdf']").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    for kind in ("berita_acara", "persetujuan_publikasi"):
        scan = tmp_path / f"{kind}-ditandatangani.pdf"
        scan.write_bytes(b"%PDF-1.4\n% signed " + kind.encode() + b" for the browser test\n%%EOF\n")
        form = coordinator.locator(f"form:has(#file-{kind})")
        form.locator("input[type=file]").set_input_files(scan)
        form.get_by_role("button", name=_("Upload")).click()
        expect(coordinator.locator("ul.messages")).to_contain_text(_("Signed scan received."))
    status = coordinator.locator("[data-testid=participation-status]")
    expect(status).to_have_text(_("Self-assessment submitted"))
    coordinator.screenshot(path=screenshots / "submission.png", full_page=True)
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.SUBMITTED
    assert SignedDocument.objects.filter(participation=participation).count() == 2
    assert GeneralAnswer.objects.filter(participation=participation).count() == 1
    assert site.errors == [], "JavaScript errors on the indicator or submission pages"

    # (6) The dashboard shows the engine's index of the saved levels, in Indonesian notation.
    coordinator.goto(site.url())
    expect(coordinator.locator("[data-testid=index-value]")).to_have_text(_expected_index(participation, ","))
    expect(coordinator.locator("#indicators tbody tr").nth(10).locator("td.num")).to_have_text("3")
    coordinator.screenshot(path=screenshots / "dashboard-id.png", full_page=True)

    # (7) The language button switches the page to English (and the number notation with it).
    expect(coordinator.locator("html")).to_have_attribute("lang", "id")
    coordinator.locator("#language-form button[name=language]").click()
    expect(coordinator.locator("html")).to_have_attribute("lang", "en")
    expect(coordinator.locator("header nav")).to_contain_text("My agencies")
    assert coordinator.url.rstrip("/").endswith(f"/p/{participation.pk}")
    expect(coordinator.locator("[data-testid=index-value]")).to_have_text(_expected_index(participation, "."))
    coordinator.screenshot(path=screenshots / "dashboard-en.png", full_page=True)

    # (8) Another agency's coordinator gets the 404 page for agency A's pages.
    other = site.login(live_world.b.users["coordinator"].username)
    for path in ("", "indicator/11/", "submission/"):
        response = other.goto(site.url(path))
        assert response is not None
        assert response.status == 404, path
        expect(other.locator("main h1")).to_have_text(_("Not found"))
    expect(other.locator("body")).not_to_contain_text(a.agency.name)


def test_dashboard_radar_chart_draws(site: Site, live_world: World) -> None:
    page = site.login(live_world.a.users["coordinator"].username)
    page.goto(site.url())
    page.wait_for_load_state("load")
    assert site.errors == []
    assert page.evaluate("() => Boolean(window.Chart && window.Chart.getChart('radar'))")


def test_main_pages_run_under_the_content_security_policy(site: Site, live_world: World) -> None:
    """The pages work with the policy enforced (no inline script or style): charts draw, htmx saves and swaps, the
    template buttons fill, the API docs load, and Chromium logs no violation. A script injected on purpose is
    refused and reported, so the console check can see one."""
    a = live_world.a
    participation = a.participation
    framework = participation.round.framework
    Answer.objects.bulk_create(
        Answer(participation=participation, indicator=i.number, level=2, fakta="f", analisis="a", status="accepted")
        for i in framework.indicators
        if i.number != 11
    )
    # The login page itself (anonymous) carries the policy.
    anonymous = site.browser.new_context()
    site.contexts.append(anonymous)
    login_page = anonymous.new_page()
    login_page.on("console", lambda message: site.console(login_page, message))
    response = login_page.goto(f"{site.base}/login/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]

    coordinator = site.login(a.users["coordinator"].username)
    coordinator.goto(site.url())
    coordinator.wait_for_load_state("load")
    assert coordinator.evaluate("() => Boolean(window.Chart && window.Chart.getChart('radar'))")
    assert coordinator.evaluate("() => document.querySelector('progress.bar') !== null")

    coordinator.goto(site.url("indicator/11/"))
    card = coordinator.locator("#answer-card")
    card.locator("button[data-fill]").first.click()
    fakta = card.locator("textarea[name=fakta]")
    expect(fakta).to_have_value(re.compile(r"^Instansi telah memiliki \[jenis dokumen\]"))
    _save_answer(coordinator, 3, analisis="Analisis di bawah CSP.")
    # After the htmx swap the (new) template buttons still work: the click handler is delegated.
    analisis = coordinator.locator("#answer-card textarea[name=analisis]")
    analisis.fill("")
    coordinator.locator("#answer-card button[data-fill]").nth(1).click()
    expect(analisis).to_have_value(re.compile(r"^Berdasarkan \[dokumen\]"))

    coordinator.goto(f"{site.base}/p/{participation.pk}/planner/")
    coordinator.locator("input[name=target_kind][value=predicate]").check()
    coordinator.locator("select[name=predicate]").select_option("Baik")
    coordinator.get_by_role("button", name=_("Find the cheapest path")).click()
    expect(coordinator.locator("#climb")).to_be_visible()
    assert coordinator.evaluate("() => Boolean(window.Chart.getChart('climb'))")

    coordinator.goto(f"{site.base}/p/{participation.pk}/simulator/")
    before = coordinator.locator("[data-testid=sim-index]").inner_text()
    with coordinator.expect_response(lambda r: r.request.method == "POST" and "/simulator/" in r.url):
        coordinator.locator("select[name=level-1]").select_option("5")
    expect(coordinator.locator("[data-testid=sim-index]")).not_to_have_text(before)

    admin = site.login(live_world.admin.username)
    agenda = f"/rounds/{participation.round_id}/agenda/?kind=kota&predicate=Baik"
    for path in ("/rounds/", "/accounts/lockouts/", agenda):
        answer = admin.goto(f"{site.base}{path}")
        assert answer is not None
        assert answer.status == 200, path
    assert admin.evaluate("() => Boolean(window.Chart && window.Chart.getChart('agenda-chart'))")
    admin.goto(f"{site.base}/api/v1/docs")
    expect(admin.locator("#swagger-ui .info")).to_be_visible()

    assert site.errors == [], "Content-Security-Policy violations or JavaScript errors"

    # The control: an inline script added by hand is blocked, and the console check reports it.
    admin.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    admin.wait_for_timeout(200)
    assert admin.evaluate("() => window.ran === undefined")
    assert any("Content Security Policy" in e for e in site.errors)
