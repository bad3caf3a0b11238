"""Engine benchmark: a national round (700 agencies x 5 stages) and 100,000 agency results, one call each.

Run with `make bench`. Prints medians over repeated runs (wall clock, one core) and the ratio to the target.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench.generate import many_results, national_round
from indeks.core.engine import IndexResult, compute_many
from indeks.core.loader import load_framework
from indeks.core.stages import compute_round


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def read_everything(results: list[IndexResult]) -> None:
    """What a ranking page needs: every index, domain and aspect value with its predicate."""
    for result in results:
        for node in (result.index, *result.domains, *result.aspects):
            _ = (node.value, node.predicate)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--framework", default="spbe-2020")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--many", type=int, default=100_000)
    args = parser.parse_args()
    fw = load_framework(args.framework)
    round_data = national_round(fw)
    many = list(many_results(fw, args.many))
    stage_count = sum(len(stages) for stages in round_data.values())

    rows = [
        (
            f"national round: {len(round_data)} agencies, {stage_count} stage sets",
            median_seconds(lambda: compute_round(fw, round_data), args.repeat),
            0.1,
        ),
        (
            "national round + every value and predicate read",
            median_seconds(lambda: read_everything(list(compute_round(fw, round_data).values())), args.repeat),
            0.1,
        ),
        (
            f"{len(many):,} agency results",
            median_seconds(lambda: compute_many(fw, many), max(3, args.repeat // 2)),
            5.0,
        ),
        (
            f"{len(many):,} agency results + index value and predicate read",
            median_seconds(
                lambda: [(r.index.value, r.index.predicate) for r in compute_many(fw, many)], max(3, args.repeat // 2)
            ),
            5.0,
        ),
    ]
    print(f"framework {fw.id}, {len(fw.indicators)} indicators; medians of repeated runs, one core")
    for label, seconds, target in rows:
        ms, target_ms, ratio = seconds * 1000, target * 1000, seconds / target
        print(f"  {label:<62} {ms:10.1f} ms   target {target_ms:>6.0f} ms   ratio {ratio:.3f}")


if __name__ == "__main__":
    main()
