"""The Indonesian stemmer, BM25 ranking and the indicator suggestions."""

from __future__ import annotations

import pytest

from indeks.core.loader import load_framework
from indeks.evidence.textmatch import Index, stem, suggest, terms


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("menetapkan", "tetap"),
        ("penetapan", "tetap"),
        ("ditetapkan", "tetap"),
        ("penyusunan", "susun"),
        ("menyusun", "susun"),
        ("pemantauan", "pantau"),
        ("pelayanan", "layan"),
        ("layanan", "layan"),
        ("pengaturan", "atur"),
        ("diatur", "atur"),
        ("memperbaiki", "baik"),
        ("perbaikan", "baik"),
        ("keamanan", "aman"),
        ("evaluasi", "evaluasi"),
        ("informasi", "informasi"),
        ("kebijakannya", stem("kebijakan")),
        ("bukankah", "bukan"),
        ("data", "data"),
    ],
)
def test_stemmer(word: str, root: str) -> None:
    assert stem(word) == root


def test_terms_drop_stopwords_and_short_words() -> None:
    assert terms("Kebijakan yang ditetapkan oleh Wali Kota di tahun 2024") == [
        stem("kebijakan"),
        "tetap",
        "wali",
        "kota",
    ]


def test_bm25_prefers_rare_and_concentrated_terms() -> None:
    index = Index({1: "arsitektur arsitektur layanan", 2: "layanan data", 3: "layanan aplikasi"})
    ranked = index.rank(terms("arsitektur layanan"))
    assert ranked[0][0] == 1
    assert ranked[0][2][0] == "arsitektur"
    assert index.rank(terms("tidak ada yang cocok")) == []


def test_a_policy_on_architecture_suggests_the_architecture_indicators() -> None:
    framework = load_framework("spbe-2020")
    found = suggest(
        framework,
        "Peraturan Wali Kota tentang Arsitektur SPBE",
        "Pasal 3. Arsitektur SPBE memuat referensi arsitektur dan domain arsitektur: proses bisnis, data dan "
        "informasi, infrastruktur SPBE, aplikasi SPBE, keamanan SPBE dan layanan SPBE.",
    )
    assert [s.indicator for s in found[:2]] == [1, 11]
    assert "arsitektur" in found[0].matched
    assert found[0].score > found[-1].score


def test_a_security_audit_report_suggests_security_indicators() -> None:
    framework = load_framework("spbe-2020")
    found = suggest(framework, "Laporan audit keamanan SPBE", "hasil audit keamanan aplikasi dan infrastruktur")
    assert found[0].indicator == 31
    assert {"audit", "keamanan"} <= set(found[0].matched)
