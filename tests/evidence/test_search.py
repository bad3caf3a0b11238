"""Full-text search (FTS5 on SQLite, PostgreSQL text search) with snippets and page numbers, in scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from indeks.evidence import samples, search, services
from tests.platform.conftest import World


@pytest.fixture
def library(world: World, upload: Any) -> dict[str, Any]:
    return {
        "perwal": upload(
            world,
            "perwal.pdf",
            samples.text_pdf(
                ["Ketentuan umum tentang pemerintahan.", "Pasal 5 Arsitektur SPBE memuat domain layanan dan aplikasi."]
            ),
            title="Perwal Arsitektur SPBE",
            number="12/2024",
        ),
        "sop": upload(world, "sop.docx", samples.docx(["Prosedur pengelolaan data & informasi"]), title="SOP Data"),
        "other": upload(
            world, "lain.pdf", samples.text_pdf(["Arsitektur SPBE Kota Bandung"]), agency="b", title="Perwal Bandung"
        ),
    }


def test_hits_have_page_numbers_and_highlighted_snippets(world: World, library: dict[str, Any]) -> None:
    hits = search.search_text({world.a.agency.pk}, "arsitektur spbe")
    assert [(h.title, h.page) for h in hits] == [("Perwal Arsitektur SPBE", 2)]
    assert "<mark>" in hits[0].snippet
    assert "Pasal 5" in hits[0].snippet


def test_words_match_as_prefixes_and_all_words_are_required(world: World, library: dict[str, Any]) -> None:
    assert [h.title for h in search.search_text({world.a.agency.pk}, "pengelola")] == ["SOP Data"]
    assert search.search_text({world.a.agency.pk}, "arsitektur pengelolaan") == []


def test_search_stays_in_the_agencies_given(world: World, library: dict[str, Any]) -> None:
    assert [h.title for h in search.search_text({world.b.agency.pk}, "arsitektur")] == ["Perwal Bandung"]
    assert {h.title for h in search.search_text(None, "arsitektur")} == {"Perwal Arsitektur SPBE", "Perwal Bandung"}
    assert search.search_text(set(), "arsitektur") == []


def test_deleted_documents_are_not_found(world: World, library: dict[str, Any]) -> None:
    services.delete_document(world.a.actor("coordinator"), library["sop"].document)
    assert search.search_text({world.a.agency.pk}, "prosedur") == []
    assert search.search_metadata({world.a.agency.pk}, "SOP") == []


def test_query_syntax_is_neutralised(world: World, library: dict[str, Any]) -> None:
    for query in ('"', "AND OR NOT", "arsitektur*)(", "a:b & | !", "'; DROP TABLE evidence_pagetext; --", ""):
        search.search_text({world.a.agency.pk}, query)  # no error
    snippet = search.search_text({world.a.agency.pk}, "informasi")[0].snippet
    assert "&amp;" in snippet


def test_metadata_search_finds_titles_and_numbers(world: World, library: dict[str, Any]) -> None:
    assert [d.title for d in search.search_metadata({world.a.agency.pk}, "12/2024")] == ["Perwal Arsitektur SPBE"]
    assert [d.title for d in search.search_metadata({world.a.agency.pk}, "sop")] == ["SOP Data"]


@pytest.mark.django_db
def test_postgres_uses_the_indonesian_configuration_when_present() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'indonesian'")
        present = cursor.fetchone()[0] == 1
    assert search.postgres_config() == ("indonesian" if present else "simple")
