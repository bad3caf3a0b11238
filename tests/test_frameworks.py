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
from indeks.core.schema import Basis, Confidence, ItemExternal, Status

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

    Indicator 35 was answered for three services (rows 35-1 .. 35-3); the engine takes the three levels and uses
    their mean (aspect 7 in six equal parts), so the result comes from the engine, not from a helper here.
    """
    fw = load_framework("spbe-2018")
    answers: dict[int, int | tuple[int, ...]] = {}
    services: dict[int, list[int]] = defaultdict(list)
    with (DATA / "denpasar-2018-levels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            number, _, part = row["indicator"].partition("-")
            if part:
                services[int(number)].append(int(row["level"]))
            else:
                answers[int(number)] = int(row["level"])
    answers.update({n: tuple(levels) for n, levels in services.items()})
    assert set(answers) == {i.number for i in fw.indicators}
    assert fw.indicator(35).parts is not None
    result = compute(fw, answers)
    assert result.index.exact == Fraction(264, 100)
    assert result.index.value == Decimal("2.64")
    assert [d.value for d in result.domains] == [Decimal("2.06"), Decimal("2.29"), Decimal("3.00")]
    aspects = [Decimal(v) for v in ("2.00", "2.10", "2.00", "2.50", "2.33", "3.29", "2.50")]
    assert [a.value for a in result.aspects] == aspects
    assert result.aspect("7").exact == Fraction(15, 6)
    assert result.domain("3").exact == 3


def test_pemdi_2026_structure() -> None:
    fw = load_framework("pemdi-2026")
    assert fw.spec.status is Status.PROVISIONAL
    assert "Nomor 8 Tahun 2026" in fw.spec.legal_basis
    assert "Evaluasi Kinerja Pemerintah Digital" in fw.spec.legal_basis
    assert "Nomor 364" in fw.spec.legal_basis
    assert not fw.has_domains
    assert (len(fw.aspects), len(fw.indicators)) == (7, 20)
    assert [a.weight for a in fw.aspects] == [10, 10, 15, 15, 10, 15, 25]
    grouping = {a.code: [(i.number, int(i.weight)) for i in a.indicators] for a in fw.aspects}
    assert grouping == {
        "1": [(1, 5), (2, 5)],
        "2": [(3, 5), (4, 5)],
        "3": [(5, 5), (6, 3), (7, 3), (8, 4)],
        "4": [(9, 4), (10, 4), (11, 3), (12, 4)],
        "5": [(13, 5), (14, 5)],
        "6": [(15, 4), (16, 4), (17, 4), (18, 3)],
        "7": [(19, 10), (20, 15)],
    }
    for aspect in fw.aspects:
        assert sum((i.weight for i in aspect.indicators), Fraction(0)) == aspect.weight
    # Grouping and weights rest on two sources and real assessor results: firm in the FRAMEWORKS.md sense.
    assert {i.confidence for i in fw.indicators} == {Confidence.FIRM}
    assert all(fw.indicator(n).name.startswith("Tingkat Kematangan") for n in range(1, 15))
    assert [fw.find_indicator(code).number for code in ("1.1", "IK-07", "7.2")] == [1, 7, 20]  # type: ignore[union-attr]
    assert fw.find_indicator("Tata Kelola Pemerintah Digital").number == 1  # type: ignore[union-attr]
    bands = fw.spec.predicates
    assert [(b.name, b.label, b.english, b.min) for b in bands] == [
        ("Kurang", "Merintis", "Initiate", 1),
        ("Cukup", "Membangun", "Emerging", Fraction("1.5")),
        ("Baik", "Berkembang", "Developing", Fraction("2.5")),
        ("Sangat Baik", "Melembaga", "Embedded", Fraction("3.5")),
        ("Memuaskan", "Unggul", "Leading", 4),
    ]
    assert fw.predicate_for(Fraction(4)).display_name == "Memuaskan (Unggul)"


def test_pemdi_2026_values_levels_and_stages() -> None:
    fw = load_framework("pemdi-2026")
    assert all(fw.takes_value(i) for i in fw.indicators)
    ladder = fw.ladder_of(1)
    assert [(r.name, r.english) for r in ladder.levels] == [
        ("Merintis", "Initiate"),
        ("Membangun", "Emerging"),
        ("Berkembang", "Developing"),
        ("Melembaga", "Embedded"),
        ("Unggul", "Leading"),
    ]
    assert (ladder.rung(1).variants, ladder.rung(5).variants) == (("Rintisan",), ("Optimum",))
    scale = ladder.values
    assert scale is not None
    assert (scale.min, scale.max, scale.shared_edge) == (1, 5, "lower_band")
    assert [(b.min, b.max) for b in scale.bands] == [
        (1, Fraction("1.5")),
        (Fraction("1.5"), Fraction("2.5")),
        (Fraction("2.5"), Fraction("3.5")),
        (Fraction("3.5"), 4),
        (4, 5),
    ]
    assert scale.confidence is Confidence.PROVISIONAL
    assert scale.proposal is not None
    assert scale.proposal.confidence is Confidence.PROVISIONAL
    assert fw.spec.grading is not None
    assert fw.spec.grading.auto_reject == "level_below_not_accepted"
    assert [s.code.value for s in fw.stages] == ["mandiri", "dokumen", "interviu", "visitasi"]
    assert fw.objection_stage is not None
    assert fw.objection_stage.code.value == "interviu"
    assert fw.objection_stage.objection is not None
    assert fw.objection_stage.objection.name == "Sanggah"
    assert fw.stages[-1].optional
    assert [(t.start.isoformat(), t.end.isoformat()) for t in fw.spec.timeline if t.stage] == [
        ("2026-08-01", "2026-09-15"),
        ("2026-09-21", "2026-09-30"),
        ("2026-10-01", "2026-10-30"),
    ]


def test_pemdi_2026_criteria_and_items() -> None:
    fw = load_framework("pemdi-2026")
    codes = []
    for indicator in fw.indicators:
        assert indicator.measures, indicator.number
        assert indicator.supervising_agencies, indicator.number
        assert [c.level for c in indicator.levels] == [1, 2, 3, 4, 5], indicator.number
        for crit in indicator.levels:
            # Secondary material only: every criterion and item says so, with its basis and its sources.
            assert crit.confidence is Confidence.PROVISIONAL, (indicator.number, crit.level)
            assert crit.basis is not None, (indicator.number, crit.level)
            assert crit.refs, (indicator.number, crit.level)
            assert crit.items, (indicator.number, crit.level)
            for item in crit.items:
                assert item.confidence is Confidence.PROVISIONAL, item.code
                assert item.code.startswith(f"I{indicator.number}-L{crit.level}-"), item.code
                codes.append(item.code)
    assert len(codes) == len(set(codes)) == 232  # S1's 232 items
    assert [len(fw.indicator(n).items) for n in (1, 8, 20)] == [14, 35, 23]
    # Where no source has the criteria, the file says so.
    top = fw.indicator(20).criteria_for(5)
    assert top is not None
    assert top.basis is Basis.NOT_FOUND
    assert "tidak ditemukan" in top.criteria
    assert fw.item("I9-L3-01")[2].basis is Basis.DRAFT


def test_pemdi_2026_external_indices() -> None:
    fw = load_framework("pemdi-2026")
    fed = {i.number: i.external.index for i in fw.indicators if i.external}
    assert fed == {5: "sdi", 6: "sjig", 7: "ips", 18: "sdi-interoperabilitas"}
    agencies = {x.id: x.agency for x in fw.spec.external_indices}
    assert (agencies["sdi"], agencies["sjig"], agencies["ips"], agencies["ikasandi-keamanan-siber"]) == (
        "Bappenas",
        "BIG",
        "BPS",
        "BSSN",
    )
    assert {i.external.pending for i in fw.indicators if i.external} == {1}
    assert {i.external.conversion.confidence for i in fw.indicators if i.external} == {Confidence.PROVISIONAL}
    # IKASANDI is an evidence item of indicators 10-12 (graded), never an automatic input.
    ikasandi = sorted(
        {
            item.code.split("-")[0]
            for i in fw.indicators
            for item in i.items
            if item.external and "ikasandi" in item.external.index
        }
    )
    assert ikasandi == ["I10", "I11", "I12"]
    assert fw.item("I10-L2-02")[2].external == ItemExternal(
        index="ikasandi-keamanan-siber", min=Fraction("1.5"), max=Fraction("2.5")
    )


def test_provisional_files_say_why(shipped: Framework) -> None:
    if shipped.spec.status is Status.PROVISIONAL:
        assert shipped.spec.notes
        assert any(s.confidence is not Confidence.FIRM for s in shipped.spec.sources)
