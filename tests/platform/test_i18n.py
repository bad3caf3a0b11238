"""Indonesian first, English second: complete catalogues; pages, numbers and dates follow the language."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from indeks.assessment.models import Answer
from indeks.assessment.templating import ANALISIS_TEMPLATE, FAKTA_TEMPLATE
from indeks.core.engine import compute
from indeks.rounds.models import StageWindow
from tests.platform.conftest import World

LOCALE = Path(__file__).resolve().parents[2] / "indeks" / "locale"
TEMPLATES = sorted(Path(__file__).resolve().parents[2].glob("indeks/*/templates/**/*.html"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}")


# --- the catalogues ------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None
    msgctxt: str | None
    msgstr: list[str]
    flags: set[str]

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader (header included, obsolete ``#~`` entries skipped); enough for these checks."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        current = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            else:
                current, _, value = line.partition(" ")
                fields[current] = ast.literal_eval(value)
        if "msgid" not in fields:
            continue
        msgstr = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        entries.append(Entry(fields["msgid"], fields.get("msgid_plural"), fields.get("msgctxt"), msgstr, flags))
    return entries


def catalogue(lang: str) -> list[Entry]:
    return parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")


def header(lang: str) -> dict[str, str]:
    head = next(e for e in catalogue(lang) if e.msgid == "")
    return dict(line.split(": ", 1) for line in head.msgstr[0].splitlines() if ": " in line)


def test_indonesian_catalogue_header() -> None:
    fields = header("id")
    assert fields["Language"] == "id"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert not next(e for e in catalogue("id") if e.msgid == "").flags & {"fuzzy"}


def test_indonesian_catalogue_is_complete() -> None:
    entries = [e for e in catalogue("id") if e.msgid]
    assert len(entries) > 200
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in entries if not all(s.strip() for s in e.msgstr)]
    assert fuzzy == []
    assert untranslated == []
    # nplurals=1: a plural entry has exactly one form.
    assert all(len(e.msgstr) == 1 for e in entries if e.msgid_plural)


def test_indonesian_translations_keep_their_placeholders() -> None:
    for e in catalogue("id"):
        if not e.msgid:
            continue
        wanted = {m.group(0) for m in PLACEHOLDER.finditer(e.msgid_plural or e.msgid)}
        for text in e.msgstr:
            assert {m.group(0) for m in PLACEHOLDER.finditer(text)} == wanted, e.msgid


def test_every_english_msgid_is_in_the_indonesian_catalogue() -> None:
    english = {e.key for e in catalogue("en") if e.msgid}
    indonesian = {e.key for e in catalogue("id") if e.msgid}
    assert english
    assert english - indonesian == set()


def test_every_template_translate_string_is_in_the_catalogue() -> None:
    """A {% translate %} added without running makemessages would show English on an Indonesian page."""
    known = {e.msgid for e in catalogue("id")}
    pattern = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1|\b_\((["'])(.+?)\3\)""")
    missing = []
    for path in TEMPLATES:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            msgid = match.group(2) or match.group(4)
            if msgid not in known:
                missing.append(f"{path.name}: {msgid}")
    assert missing == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_compiled_catalogue_matches_its_po_file(lang: str) -> None:
    """The .mo files are build output (make messages); a stale one would hide new translations."""
    mo = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), "run `make messages` (manage.py compilemessages)"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for e in catalogue(lang):
        if not e.msgid or not any(e.msgstr):
            continue
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural:
            assert compiled.ngettext(msgid, e.msgid_plural, 1) == e.msgstr[0], "stale .mo: run `make messages`"
        else:
            assert compiled.gettext(msgid) == e.msgstr[0], "stale .mo: run `make messages`"


def test_explanation_templates_are_official_indonesian() -> None:
    with translation.override("id"):
        assert str(FAKTA_TEMPLATE) == (
            "Instansi telah memiliki [jenis dokumen] Nomor [nomor] Tahun [tahun] tentang [judul], yang memuat "
            "[ringkasan isi] (Pasal [..], halaman [..]; berkas: [nama berkas])."
        )
        assert str(ANALISIS_TEMPLATE) == (
            "Berdasarkan [dokumen], kriteria tingkat [n] terpenuhi karena [alasan]; kriteria tingkat [n+1] belum "
            "terpenuhi karena [yang belum ada]."
        )
    with translation.override("en"):
        assert str(FAKTA_TEMPLATE).startswith("The agency has [document type]")


# --- the pages -----------------------------------------------------------------------------------------------------


def dashboard(world: World) -> str:
    return reverse("assessment:dashboard", args=(world.a.participation.pk,))


def switch(client: Client, lang: str, next_url: str) -> None:
    response = client.post("/i18n/setlang/", {"language": lang, "next": next_url})
    assert response.status_code == 302


def test_pages_default_to_indonesian(world: World) -> None:
    client = world.a.client("coordinator")
    page = client.get(dashboard(world)).content.decode()
    assert '<html lang="id">' in page
    expected = ("Indikator", "Tingkat", "Unit pengampu", "Tahun sebelumnya", "Jadwal Penilaian Mandiri", "Progres")
    for text in expected:
        assert text in page, text
    assert "Previous year" not in page
    assert "Owning unit" not in page
    # The plural of the Indonesian catalogue (one form) with the framework's indicator count.
    count = len(world.round.framework.indicators)
    assert f"{count} indikator belum memiliki tingkat" in page


def test_indonesian_is_the_default_on_the_indicator_page(world: World) -> None:
    client = world.a.client("coordinator")
    page = client.get(reverse("assessment:indicator", args=(world.a.participation.pk, 1))).content.decode()
    assert '<html lang="id">' in page
    assert "Kriteria per tingkat" in page
    assert "Instansi telah memiliki [jenis dokumen]" in page
    assert "Gunakan templat" in page


def test_the_english_switch(world: World) -> None:
    client = world.a.client("coordinator")
    url = dashboard(world)
    switch(client, "en", url)
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    for text in ("Indicator", "Level", "Owning unit", "Previous year", "Self-assessment window"):
        assert text in page, text
    assert "Tahun sebelumnya" not in page
    assert "Unit pengampu" not in page
    # Back to Indonesian.
    switch(client, "id", url)
    page = client.get(url).content.decode()
    assert '<html lang="id">' in page
    assert "Tahun sebelumnya" in page


def _levels(world: World) -> dict[int, int]:
    """A level per indicator, spread over each ladder, giving a live index with a non-zero second decimal."""
    framework = world.round.framework
    levels = {}
    for k, indicator in enumerate(framework.indicators):
        rungs = [rung.level for rung in framework.ladder_of(indicator).levels]
        levels[indicator.number] = rungs[(k * 7 + 2) % len(rungs)]
    return levels


def test_index_value_in_indonesian_and_english_notation(world: World) -> None:
    levels = _levels(world)
    participation = world.a.participation
    Answer.objects.bulk_create(
        Answer(participation=participation, indicator=n, level=level, fakta="f", analisis="a")
        for n, level in levels.items()
    )
    value = compute(world.round.framework, levels).index.value
    assert value != value.to_integral_value()
    assert value < Decimal(1000)
    english, indonesian = f"{value:.2f}", f"{value:.2f}".replace(".", ",")
    assert english != indonesian

    client = world.a.client("coordinator")
    url = dashboard(world)
    page = client.get(url).content.decode()
    assert f'data-testid="index-value">{indonesian}<' in page
    assert f">{english}<" not in page

    switch(client, "en", url)
    page = client.get(url).content.decode()
    assert f'data-testid="index-value">{english}<' in page
    assert f">{indonesian}<" not in page


@pytest.mark.parametrize(
    ("day", "indonesian", "english"),
    [
        (date(2026, 11, 22), "22 November 2026", "22 November 2026"),
        (date(2026, 12, 1), "1 Desember 2026", "1 December 2026"),
        (date(2027, 8, 17), "17 Agustus 2027", "17 August 2027"),
    ],
)
def test_date_format(day: date, indonesian: str, english: str) -> None:
    with translation.override("id"):
        assert formats.date_format(day, "DATE_FORMAT") == indonesian
    with translation.override("en"):
        assert formats.date_format(day, "DATE_FORMAT") == english


def _formatted(moment: datetime, lang: str) -> str:
    with translation.override(lang):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def test_the_dashboard_shows_the_window_dates_per_language(world: World) -> None:
    window = StageWindow.objects.get(round=world.round, stage="mandiri")
    client = world.a.client("coordinator")
    url = dashboard(world)
    page = client.get(url).content.decode()
    assert _formatted(window.opens, "id") in page
    assert _formatted(window.closes, "id") in page
    switch(client, "en", url)
    page = client.get(url).content.decode()
    assert _formatted(window.opens, "en") in page


def test_the_round_page_shows_indonesian_month_names(world: World) -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    StageWindow.objects.filter(round=world.round, stage="dokumen").update(
        opens=datetime(2026, 12, 1, 8, 0, tzinfo=jakarta), closes=datetime(2027, 8, 17, 16, 30, tzinfo=jakarta)
    )
    client = Client()
    client.force_login(world.admin)
    url = reverse("rounds:detail", args=(world.round.pk,))
    page = client.get(url).content.decode()
    assert "1 Desember 2026, 08.00" in page
    assert "17 Agustus 2027, 16.30" in page
    assert "Penilaian Dokumen" in page
    switch(client, "en", url)
    page = client.get(url).content.decode()
    assert "1 December 2026, 08:00" in page
    assert "17 August 2027, 16:30" in page
