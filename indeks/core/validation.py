"""Rules that span a framework file: weight sums, ladders, unique numbers and codes, predicate bands.

Every rule adds a :class:`Problem` instead of stopping, so an author sees every mistake at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from indeks.core.numbers import exact_str
from indeks.core.schema import Aspect, FrameworkSpec, Ref

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a framework file, at a path into it."""

    path: Path
    message: str

    def dotted(self) -> str:
        """The path written as ``domains[0].aspects[1].weight``."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(file)"


def _num(value: Fraction) -> str:
    return exact_str(value, min_places=0)


def check_spec(spec: FrameworkSpec, file_stem: str | None = None) -> list[Problem]:
    """All cross-field problems of an otherwise well-typed framework file."""
    problems: list[Problem] = []
    if file_stem is not None and spec.id != file_stem:
        problems.append(Problem(("id",), f"id '{spec.id}' differs from the file name '{file_stem}'"))
    problems += _check_sources(spec)
    problems += _check_ladders(spec)
    problems += _check_tree(spec)
    problems += _check_predicates(spec)
    return problems


def _check_sources(spec: FrameworkSpec) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, source in enumerate(spec.sources):
        if source.id in seen:
            problems.append(Problem(("sources", i, "id"), f"source id '{source.id}' is declared twice"))
        seen.add(source.id)
    for path, ref in _all_refs(spec):
        if ref.source not in seen:
            problems.append(Problem((*path, "source"), f"unknown source '{ref.source}' (not in sources)"))
    return problems


def _all_refs(spec: FrameworkSpec) -> list[tuple[Path, Ref]]:
    refs: list[tuple[Path, Ref]] = []
    for a_path, aspect in _aspects_with_paths(spec):
        for i, indicator in enumerate(aspect.indicators):
            i_path = (*a_path, "indicators", i)
            refs += [((*i_path, "refs", r), ref) for r, ref in enumerate(indicator.refs)]
            for lv, crit in enumerate(indicator.levels):
                refs += [((*i_path, "levels", lv, "refs", r), ref) for r, ref in enumerate(crit.refs)]
    return refs


def _aspects_with_paths(spec: FrameworkSpec) -> list[tuple[Path, Aspect]]:
    out: list[tuple[Path, Aspect]] = []
    for d, domain in enumerate(spec.domains):
        out += [(("domains", d, "aspects", a), aspect) for a, aspect in enumerate(domain.aspects)]
    out += [(("aspects", a), aspect) for a, aspect in enumerate(spec.aspects)]
    return out


def _check_ladders(spec: FrameworkSpec) -> list[Problem]:
    problems = []
    for key, ladder in spec.ladders.items():
        levels = [rung.level for rung in ladder.levels]
        if len(set(levels)) != len(levels):
            problems.append(Problem(("ladders", key, "levels"), "a level appears twice"))
        expected = list(range(min(levels), max(levels) + 1))
        if sorted(levels) != expected:
            missing = sorted(set(expected) - set(levels))
            problems.append(Problem(("ladders", key, "levels"), f"levels are not contiguous, missing {missing}"))
        if sorted(levels) != levels:
            problems.append(Problem(("ladders", key, "levels"), "levels must be listed in ascending order"))
        if min(levels) < 0:
            problems.append(Problem(("ladders", key, "levels"), "levels cannot be negative"))
    return problems


def _check_tree(spec: FrameworkSpec) -> list[Problem]:
    problems: list[Problem] = []
    if spec.domains and spec.aspects:
        problems.append(Problem(("aspects",), "give aspects either inside domains or at the top level, not both"))
    if not spec.domains and not spec.aspects:
        problems.append(Problem(("aspects",), "the framework has no aspects"))
    total = Fraction(0)
    domain_codes: set[str] = set()
    for d, domain in enumerate(spec.domains):
        if domain.code in domain_codes:
            problems.append(Problem(("domains", d, "code"), f"domain code '{domain.code}' is used twice"))
        domain_codes.add(domain.code)
        aspect_sum = sum((a.weight for a in domain.aspects), Fraction(0))
        if aspect_sum != domain.weight:
            problems.append(
                Problem(
                    ("domains", d, "weight"),
                    f"domain {domain.code} weighs {_num(domain.weight)} but its aspects sum to {_num(aspect_sum)}",
                )
            )
        total += domain.weight
    if not spec.domains:
        total = sum((a.weight for a in spec.aspects), Fraction(0))
    if total != 100:
        where: Path = ("domains",) if spec.domains else ("aspects",)
        problems.append(Problem(where, f"the weights of the whole framework sum to {_num(total)}, not 100"))

    aspect_codes: set[str] = set()
    numbers: dict[int, Path] = {}
    for a_path, aspect in _aspects_with_paths(spec):
        if aspect.code in aspect_codes:
            problems.append(Problem((*a_path, "code"), f"aspect code '{aspect.code}' is used twice"))
        aspect_codes.add(aspect.code)
        indicator_sum = sum((i.weight for i in aspect.indicators), Fraction(0))
        if indicator_sum != aspect.weight:
            problems.append(
                Problem(
                    (*a_path, "weight"),
                    f"aspect {aspect.code} weighs {_num(aspect.weight)} "
                    f"but its indicators sum to {_num(indicator_sum)}",
                )
            )
        for i, indicator in enumerate(aspect.indicators):
            i_path = (*a_path, "indicators", i)
            if indicator.number in numbers:
                problems.append(Problem((*i_path, "number"), f"indicator number {indicator.number} is used twice"))
            numbers[indicator.number] = i_path
            if indicator.weight <= 0:
                problems.append(Problem((*i_path, "weight"), "an indicator weight must be positive"))
            problems += _check_indicator_levels(spec, i_path, indicator.ladder, indicator.levels)
    return problems


def _check_indicator_levels(
    spec: FrameworkSpec, path: Path, ladder_key: str, levels: tuple[object, ...]
) -> list[Problem]:
    ladder = spec.ladders.get(ladder_key)
    if ladder is None:
        known = ", ".join(sorted(spec.ladders))
        return [Problem((*path, "ladder"), f"unknown ladder '{ladder_key}' (known: {known})")]
    if not levels:
        return []
    given = [getattr(c, "level", None) for c in levels]
    expected = [rung.level for rung in ladder.levels]
    if given != expected:
        return [
            Problem(
                (*path, "levels"),
                f"criteria must list each level of ladder '{ladder_key}' once, in order {expected}; got {given}",
            )
        ]
    return []


def _check_predicates(spec: FrameworkSpec) -> list[Problem]:
    problems: list[Problem] = []
    used = {i.ladder for _, a in _aspects_with_paths(spec) for i in a.indicators}
    ladders = [spec.ladders[key] for key in used if key in spec.ladders]
    if not ladders:
        return problems
    low = Fraction(min(ladder.minimum for ladder in ladders))
    high = Fraction(max(ladder.maximum for ladder in ladders))
    bands = spec.predicates
    for b, band in enumerate(bands):
        if band.min >= band.max:
            problems.append(Problem(("predicates", b), f"band '{band.name}' has min {_num(band.min)} >= max"))
    for b in range(1, len(bands)):
        previous, band = bands[b - 1], bands[b]
        if band.min > previous.max:
            problems.append(
                Problem(
                    ("predicates", b, "min"),
                    f"gap between '{previous.name}' (below {_num(previous.max)}) "
                    f"and '{band.name}' (from {_num(band.min)})",
                )
            )
        elif band.min < previous.max:
            problems.append(
                Problem(
                    ("predicates", b, "min"),
                    f"'{band.name}' (from {_num(band.min)}) overlaps '{previous.name}' (below {_num(previous.max)})",
                )
            )
    if bands[0].min > low:
        problems.append(
            Problem(
                ("predicates", 0, "min"),
                f"no band covers the lowest index {_num(low)} (first band starts above)",
            )
        )
    if bands[-1].max < high:
        last = len(bands) - 1
        problems.append(
            Problem(
                ("predicates", last, "max"),
                f"no band covers the highest index {_num(high)} (last band ends below)",
            )
        )
    return problems
