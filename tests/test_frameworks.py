"""The shipped framework files: counts, weights, ladders and content as FRAMEWORKS.md documents them."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from indeks.core.engine import compute
from indeks.core.framework import Framework
from indeks.core.loader import builtin_ids, load_framework
from indeks.core.numbers import round_half_up
from indeks.core.schema import Confidence, Status

DATA = Path(__file__).parent / "data"


def test_three_frameworks_ship() -> None:
    assert builtin_ids() == ["pemdi-2026", "spbe-2018", "spbe-2020"]


def test_weights_total_100(shipped: Framework) -> None:
    assert sum((i.weight for i in shipped.indicators), Fraction(0)) == 100
    assert sum((a.weight for a in shipped.aspects), Fraction(0)) == 100


def test_spbe_2020_structure(spbe2020: Framework) -> None:
    fw = spbe2020
    assert fw.spec.status is Status.OFFICIAL
    assert (len(fw.domains), len(fw.aspects), len(fw.indicators)) == (4, 8, 47)
    assert [d.weight for d in fw.domains] == [13, 25, Fraction("16.5"), Fraction("45.5")]
    assert [a.weight for a in fw.aspects] == [13, 10, 10, 5, 12, Fraction("4.5"), Fraction("27.5"), 18]
    expected_each = {
        "1": "1.30",
        "2": "2.50",
        "3": "2.50",
        "4": "2.50",
        "5": "1.50",
        "6": "1.50",
        "7": "2.75",
        "8": "3",
    }
    for aspect in fw.aspects:
        assert {i.weight for i in aspect.indicators} == {Fraction(expected_each[aspect.code])}
    assert [i.number for i in fw.aspect_of(1).indicators] == list(range(1, 11))
    assert [i.number for i in fw.aspect_of(47).indicators] == list(range(42, 48))
    assert {fw.ladder_of(n).name_of(4) for n in range(1, 32)} == {"Terpadu dan Terukur"}
    assert {fw.ladder_of(n).name_of(3) for n in range(32, 48)} == {"Transaksi"}
    assert [b.name for b in fw.spec.predicates] == ["Kurang", "Cukup", "Baik", "Sangat Baik", "Memuaskan"]
    assert [b.min for b in fw.spec.predicates] == [
        1,
        Fraction("1.8"),
        Fraction("2.6"),
        Fraction("3.5"),
        Fraction("4.2"),
    ]


def test_spbe_2020_has_criteria_for_every_level(spbe2020: Framework) -> None:
    for indicator in spbe2020.indicators:
        assert indicator.question, indicator.number
        assert [c.level for c in indicator.levels] == [1, 2, 3, 4, 5], indicator.number
        for crit in indicator.levels:
            assert len(crit.criteria.split()) >= 8, (indicator.number, crit.level)
            assert len(crit.evidence.split()) >= 5, (indicator.number, crit.level)
            assert crit.refs, (indicator.number, crit.level)
            assert all(r.pages for r in crit.refs), (indicator.number, crit.level)


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("Tingkat Kematangan Layanan Kearsipan", 37),
        ("Tingkat Kematangan Layanan Publik Sektoral 1", 45),
        ("Tingkat Kematangan Penerapan Kompetensi Sumber Daya Manusia SPBE", 25),
        ("Tingkat Kematangan Layanan Pengelolaan Barang Milik Negara / Daerah", 38),
        ("Tingkat Kematangan Kebijakan Internal Arsitektur SPBE IP/PD", 1),
        ("arsitektur spbe instansi pusat/pemerintah daerah", 11),
        ("12", 12),
    ],
)
def test_indicator_name_variants(spbe2020: Framework, name: str, number: int) -> None:
    found = spbe2020.find_indicator(name)
    assert found is not None
    assert found.number == number


def test_spbe_2018_structure() -> None:
    fw = load_framework("spbe-2018")
    assert fw.spec.status is Status.PROVISIONAL
    assert (len(fw.domains), len(fw.aspects), len(fw.indicators)) == (3, 7, 35)
    assert [d.weight for d in fw.domains] == [17, 28, 55]
    assert [a.weight for a in fw.aspects] == [7, 10, 8, 8, 12, 35, 20]
    assert (fw.min_level, fw.max_level) == (0, 5)
    assert fw.predicate_for(Fraction(0)).name == "Kurang"
    aspect7 = fw.aspects[-1]
    assert [i.number for i in aspect7.indicators] == [32, 33, 34, 35]
    assert all(i.confidence is Confidence.PROVISIONAL for i in aspect7.indicators)
    assert {i.confidence for i in fw.indicators if i.number < 32} == {Confidence.ONE_SOURCE}
    assert fw.spec.notes
    assert "aspect 7" in fw.spec.notes


def test_spbe_2018_reproduces_kota_denpasar_2018() -> None:
    """The stored levels of Kota Denpasar 2018 give its published 2.64 and every stored aspect and domain value.

    Indicator 35 was answered for three services; its level is their mean (aspect 7 in six equal parts).
    """
    fw = load_framework("spbe-2018")
    services: dict[int, list[int]] = defaultdict(list)
    with (DATA / "denpasar-2018-levels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            services[int(row["indicator"].split("-")[0])].append(int(row["level"]))
    levels = {n: Fraction(sum(v), len(v)) for n, v in services.items()}
    assert set(levels) == {i.number for i in fw.indicators}

    def value(indicators: list[int]) -> Decimal:
        weights = [fw.indicator(n).weight for n in indicators]
        return round_half_up(
            sum((levels[n] * w for n, w in zip(indicators, weights, strict=False)), Fraction(0)) / sum(weights)
        )

    assert value([i.number for i in fw.indicators]) == Decimal("2.64")
    domains = [value([i.number for a in d.aspects for i in a.indicators]) for d in fw.domains]
    assert domains == [Decimal("2.06"), Decimal("2.29"), Decimal("3.00")]
    aspects = [value([i.number for i in a.indicators]) for a in fw.aspects]
    assert aspects == [Decimal(v) for v in ("2.00", "2.10", "2.00", "2.50", "2.33", "3.29", "2.50")]
    # The engine agrees wherever the levels are whole numbers (every aspect but 7).
    whole = compute(fw, {n: int(lv) for n, lv in levels.items() if lv.denominator == 1}, allow_missing=True)
    assert [a.value for a in whole.aspects[:6]] == aspects[:6]


def test_pemdi_2026_structure() -> None:
    fw = load_framework("pemdi-2026")
    assert fw.spec.status is Status.PROVISIONAL
    assert not fw.has_domains
    assert (len(fw.aspects), len(fw.indicators)) == (7, 20)
    assert [a.weight for a in fw.aspects] == [10, 10, 15, 15, 10, 15, 25]
    assert [fw.indicator(n).weight for n in (6, 8, 19, 20)] == [3, 4, 10, 15]
    assert all(fw.indicator(n).name.startswith("Tingkat Kematangan") for n in range(1, 15))
    bands = fw.spec.predicates
    assert [(b.name, b.label, b.min) for b in bands] == [
        ("Kurang", "Merintis", 1),
        ("Cukup", "Membangun", Fraction("1.5")),
        ("Baik", "Berkembang", Fraction("2.5")),
        ("Sangat Baik", "Melembaga", Fraction("3.5")),
        ("Memuaskan", "Unggul", 4),
    ]
    assert fw.predicate_for(Fraction(4)).display_name == "Memuaskan (Unggul)"


def test_provisional_files_say_why(shipped: Framework) -> None:
    if shipped.spec.status is Status.PROVISIONAL:
        assert shipped.spec.notes
        assert any(s.confidence is not Confidence.FIRM for s in shipped.spec.sources)
