"""Planner benchmark: one agency's optimal plan over 47 indicators with per-step costs and max-step.

Run with `make bench`. Prints medians over repeated runs (wall clock, one core) and the ratio to the target.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import time
from fractions import Fraction

from bench.generate import many_results
from indeks.core.engine import compute
from indeks.core.loader import load_framework
from indeks.core.planner import CostModel, TargetUnreachable, national_agenda, plan


def main() -> None:
    fw = load_framework("spbe-2020")
    rng = random.Random(11)
    agencies = list(many_results(fw, 30))
    costs = CostModel(
        per_indicator={i.number: Fraction(rng.randint(1, 8), 2) for i in fw.indicators},
        per_step={(i.number, 5): Fraction(rng.randint(4, 12)) for i in fw.indicators},
    )
    timings = []
    for levels in agencies:
        # Half a predicate band above the agency's index: a typical one-year ambition.
        target = min(compute(fw, levels).index.exact + Fraction(1, 2), Fraction(45, 10))
        start = time.perf_counter()
        with contextlib.suppress(TargetUnreachable):
            plan(fw, levels, target, costs=costs, max_step=2)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(f"plan, {len(fw.indicators)} indicators, per-step costs, max-step 2, {len(agencies)} agencies:")
    print(f"  median {median * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms, target 200 ms, ratio {median / 0.2:.3f}")

    national = list(many_results(fw, 700, seed=5))
    agenda_timings = []
    for _ in range(3):
        start = time.perf_counter()
        agenda = national_agenda(fw, national, Fraction("3.5"), costs=costs, max_step=2)
        agenda_timings.append(time.perf_counter() - start)
    median = statistics.median(agenda_timings)
    print(f"national agenda, {agenda.agencies} agencies to Sangat Baik (3.50), max-step 2, per-step costs:")
    print(
        f"  median {median * 1000:.0f} ms of 3 runs, target 5000 ms, ratio {median / 5:.3f}; "
        f"{agenda.already} already there, {agenda.unreachable} unreachable, top indicator "
        f"{agenda.items[0].indicator} in {agenda.items[0].agencies} plans"
    )


if __name__ == "__main__":
    main()
