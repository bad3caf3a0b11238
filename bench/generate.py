"""Realistic national-scale data for the benchmarks: a round of ~700 agencies with levels per stage.

Each agency has a latent capability (national spread as in the published results: most agencies Cukup/Baik, few
Memuaskan); its self-assessment is optimistic, document review lowers some levels, interviews and visits
clarify a minority of indicators, and the review team corrects a few. Seeded, so every run sees the same data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from indeks.core.framework import Framework
from indeks.core.stages import Stage

# Roughly the participants of a national round (ministries, agencies, provinces, regencies, cities).
AGENCY_MIX = {"kementerian": 34, "lembaga": 132, "provinsi": 38, "kabupaten": 416, "kota": 80}


def agency_levels(fw: Framework, rng: random.Random) -> dict[int, int]:
    """One agency's final-looking levels: a latent capability plus per-indicator noise, clamped to the ladder."""
    capability = min(max(rng.gauss(2.6, 0.8), fw.min_level), fw.max_level)
    levels = {}
    for indicator in fw.indicators:
        ladder = fw.ladder_of(indicator)
        level = round(capability + rng.gauss(0, 0.9))
        levels[indicator.number] = min(max(level, ladder.minimum), ladder.maximum)
    return levels


def national_round(fw: Framework, seed: int = 2024) -> dict[str, dict[Stage, dict[int, int]]]:
    """Levels per stage for every agency of a round (~700 agencies x 5 stages)."""
    rng = random.Random(seed)
    agencies: dict[str, dict[Stage, dict[int, int]]] = {}
    for kind, count in AGENCY_MIX.items():
        for k in range(count):
            final = agency_levels(fw, rng)
            mandiri = {n: min(lv + (rng.random() < 0.35), fw.ladder_of(n).maximum) for n, lv in final.items()}
            dokumen = {n: lv if rng.random() < 0.8 else max(lv - 1, fw.ladder_of(n).minimum) for n, lv in final.items()}
            clarified = rng.sample(sorted(final), k=len(final) // 4)
            interviu = {n: final[n] for n in clarified}
            visitasi = {n: final[n] for n in rng.sample(clarified, k=len(clarified) // 3)} if rng.random() < 0.2 else {}
            reviu = {n: final[n] for n in rng.sample(sorted(final), k=2)}
            agencies[f"{kind}-{k:03d}"] = {
                Stage.MANDIRI: mandiri,
                Stage.DOKUMEN: dokumen,
                Stage.INTERVIU: interviu,
                Stage.VISITASI: visitasi,
                Stage.REVIU: reviu,
            }
    return agencies


def many_results(fw: Framework, count: int, seed: int = 7) -> Iterator[dict[int, int]]:
    """``count`` agencies' levels (simulations, several years of history)."""
    rng = random.Random(seed)
    for _ in range(count):
        yield agency_levels(fw, rng)
