"""Rules that span a framework file: weight sums, ladders, unique numbers and codes, predicate and value bands,
evidence item codes, conversion tables from other agencies' indices, stages and the timeline.

Every rule adds a :class:`Problem` instead of stopping, so an author sees every mistake at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from pydantic import BaseModel

from indeks.core.numbers import exact_str
from indeks.core.schema import STAGE_ORDER, Aspect, ExternalIndex, FrameworkSpec, Indicator, Ladder, Ref

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
    problems += _check_values(spec)
    problems += _check_external(spec)
    problems += _check_items(spec)
    problems += _check_stages(spec)
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
    """Every page reference anywhere in the file, with its path (refs may sit on any part of the tree)."""
    refs: list[tuple[Path, Ref]] = []

    def walk(node: object, path: Path) -> None:
        if isinstance(node, Ref):
            refs.append((path, node))
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), (*path, name))
        elif isinstance(node, tuple):
            for i, item in enumerate(node):
                walk(item, (*path, i))
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(item, (*path, str(key)))

    walk(spec, ())
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
    low = min(_range(ladder)[0] for ladder in ladders)
    high = max(_range(ladder)[1] for ladder in ladders)
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


def _range(ladder: Ladder) -> tuple[Fraction, Fraction]:
    """The lowest and highest value an indicator on ``ladder`` can take."""
    if ladder.values is not None:
        return ladder.values.min, ladder.values.max
    return Fraction(ladder.minimum), Fraction(ladder.maximum)


def _indicators_with_paths(spec: FrameworkSpec) -> list[tuple[Path, Indicator]]:
    return [
        ((*a_path, "indicators", i), ind)
        for a_path, a in _aspects_with_paths(spec)
        for i, ind in enumerate(a.indicators)
    ]


def _check_values(spec: FrameworkSpec) -> list[Problem]:
    """Value scales: a range, one band per level in ladder order, contiguous, covering the range, no overlap."""
    problems: list[Problem] = []
    for key, ladder in spec.ladders.items():
        scale = ladder.values
        if scale is None:
            continue
        path: Path = ("ladders", key, "values")
        if scale.min >= scale.max:
            problems.append(Problem((*path, "min"), f"the value range {_num(scale.min)}-{_num(scale.max)} is empty"))
            continue
        given = [band.level for band in scale.bands]
        expected = [rung.level for rung in ladder.levels]
        if given != expected:
            problems.append(
                Problem(
                    (*path, "bands"),
                    f"bands must list each level of ladder '{key}' once, in order {expected}; got {given}",
                )
            )
        for b, band in enumerate(scale.bands):
            b_path: Path = (*path, "bands", b)
            if band.min >= band.max:
                problems.append(
                    Problem(b_path, f"the band of level {band.level} has min {_num(band.min)} >= max {_num(band.max)}")
                )
            if b == 0:
                if band.min != scale.min:
                    problems.append(
                        Problem(
                            (*b_path, "min"),
                            f"the first band starts at {_num(band.min)}, not at the range's minimum {_num(scale.min)}",
                        )
                    )
                continue
            previous = scale.bands[b - 1]
            if band.min > previous.max:
                problems.append(
                    Problem(
                        (*b_path, "min"),
                        f"gap between level {previous.level} (to {_num(previous.max)}) "
                        f"and level {band.level} (from {_num(band.min)})",
                    )
                )
            elif band.min < previous.max:
                problems.append(
                    Problem(
                        (*b_path, "min"),
                        f"level {band.level} (from {_num(band.min)}) overlaps level {previous.level} "
                        f"(to {_num(previous.max)})",
                    )
                )
        last = scale.bands[-1]
        if last.max != scale.max:
            problems.append(
                Problem(
                    (*path, "bands", len(scale.bands) - 1, "max"),
                    f"the last band ends at {_num(last.max)}, not at the range's maximum {_num(scale.max)}",
                )
            )
        if scale.proposal is not None and scale.shared_edge != "lower_band":
            problems.append(
                Problem(
                    (*path, "proposal", "rule"),
                    "the band_share rule puts a completed level at the top of its band, "
                    "so it needs shared_edge: lower_band",
                )
            )
    for i_path, indicator in _indicators_with_paths(spec):
        on = spec.ladders.get(indicator.ladder)
        if on is None:
            continue
        if indicator.parts is not None and on.values is not None:
            problems.append(
                Problem(
                    (*i_path, "parts"),
                    f"indicator {indicator.number} is answered with a value (ladder '{indicator.ladder}'); "
                    "parts are whole levels averaged, so they need a ladder without values",
                )
            )
        if indicator.parts is not None and indicator.external is not None:
            problems.append(
                Problem((*i_path, "parts"), f"indicator {indicator.number} cannot have parts and an external input")
            )
    return problems


def _check_external(spec: FrameworkSpec) -> list[Problem]:
    """Other agencies' indices: unique ids, a range, and conversion tables that are monotonic and within range."""
    problems: list[Problem] = []
    indices: dict[str, ExternalIndex] = {}
    for x, declared in enumerate(spec.external_indices):
        if declared.id in indices:
            problems.append(
                Problem(("external_indices", x, "id"), f"external index id '{declared.id}' is declared twice")
            )
        indices[declared.id] = declared
        if declared.min >= declared.max:
            problems.append(
                Problem(("external_indices", x, "min"), f"the range {_num(declared.min)}-{_num(declared.max)} is empty")
            )
    known = ", ".join(sorted(indices)) or "none declared"
    for i_path, indicator in _indicators_with_paths(spec):
        feed = indicator.external
        if feed is None:
            continue
        e_path: Path = (*i_path, "external")
        index = indices.get(feed.index)
        if index is None:
            problems.append(Problem((*e_path, "index"), f"unknown external index '{feed.index}' (known: {known})"))
        ladder = spec.ladders.get(indicator.ladder)
        if ladder is None:
            continue
        scale = ladder.values
        if scale is None:
            problems.append(
                Problem(
                    e_path,
                    f"indicator {indicator.number} takes whole levels (ladder '{indicator.ladder}' has no values); "
                    "an external index can only feed a value",
                )
            )
            continue
        if not scale.min <= feed.pending <= scale.max:
            problems.append(
                Problem(
                    (*e_path, "pending"),
                    f"the pending value {_num(feed.pending)} is outside the value range "
                    f"{_num(scale.min)}-{_num(scale.max)}",
                )
            )
        bands = {band.level: band for band in scale.bands}
        rows = feed.conversion.rows
        r_base: Path = (*e_path, "conversion", "rows")
        for r, row in enumerate(rows):
            r_path: Path = (*r_base, r)
            (in_low, in_high), (out_low, out_high) = row.input, row.value
            if in_low >= in_high:
                problems.append(
                    Problem((*r_path, "input"), f"input range {_num(in_low)}-{_num(in_high)} is empty or reversed")
                )
            if out_low > out_high:
                problems.append(
                    Problem((*r_path, "value"), f"value range {_num(out_low)}-{_num(out_high)} is reversed")
                )
            band = bands.get(row.level)
            if band is None:
                problems.append(Problem((*r_path, "level"), f"level {row.level} is not on ladder '{indicator.ladder}'"))
            elif not (band.min <= out_low and out_high <= band.max):
                problems.append(
                    Problem(
                        (*r_path, "value"),
                        f"value range {_num(out_low)}-{_num(out_high)} is not inside the band of level {row.level} "
                        f"({_num(band.min)}-{_num(band.max)})",
                    )
                )
            if index is not None and not (index.min <= in_low and in_high <= index.max):
                problems.append(
                    Problem(
                        (*r_path, "input"),
                        f"input range {_num(in_low)}-{_num(in_high)} is outside the range of '{index.id}' "
                        f"({_num(index.min)}-{_num(index.max)})",
                    )
                )
            if r == 0:
                continue
            previous = rows[r - 1]
            if row.level <= previous.level:
                problems.append(
                    Problem((*r_path, "level"), f"rows must go up the levels: level {row.level} after {previous.level}")
                )
            if in_low != previous.input[1]:
                what = "gap" if in_low > previous.input[1] else "overlap"
                problems.append(
                    Problem(
                        (*r_path, "input"),
                        f"{what} in the input: this row starts at {_num(in_low)}, "
                        f"the row before ends at {_num(previous.input[1])}",
                    )
                )
            if out_low < previous.value[1]:
                problems.append(
                    Problem(
                        (*r_path, "value"),
                        f"the conversion is not monotonic: this row starts at {_num(out_low)}, "
                        f"below the {_num(previous.value[1])} where the row before ends",
                    )
                )
        if index is not None and rows:
            if rows[0].input[0] != index.min:
                problems.append(
                    Problem(
                        (*r_base, 0, "input"),
                        f"the table starts at {_num(rows[0].input[0])}, not at the minimum {_num(index.min)} "
                        f"of '{index.id}'",
                    )
                )
            if rows[-1].input[1] != index.max:
                problems.append(
                    Problem(
                        (*r_base, len(rows) - 1, "input"),
                        f"the table ends at {_num(rows[-1].input[1])}, not at the maximum {_num(index.max)} "
                        f"of '{index.id}'",
                    )
                )
    for i_path, indicator in _indicators_with_paths(spec):
        for lv, crit in enumerate(indicator.levels):
            for t, item in enumerate(crit.items):
                if item.external is None:
                    continue
                x_path: Path = (*i_path, "levels", lv, "items", t, "external")
                source = indices.get(item.external.index)
                if source is None:
                    problems.append(
                        Problem((*x_path, "index"), f"unknown external index '{item.external.index}' (known: {known})")
                    )
                    continue
                low, high = item.external.min, item.external.max
                if low >= high:
                    problems.append(Problem((*x_path, "min"), f"the range {_num(low)}-{_num(high)} is empty"))
                elif not (source.min <= low and high <= source.max):
                    problems.append(
                        Problem(
                            x_path,
                            f"the range {_num(low)}-{_num(high)} is outside the range of '{source.id}' "
                            f"({_num(source.min)}-{_num(source.max)})",
                        )
                    )
    return problems


ITEM_CODE = re.compile(r"^I(?P<indicator>[1-9][0-9]*)-L(?P<level>[0-9]+)-(?P<seq>[0-9]{2,})$")


def _check_items(spec: FrameworkSpec) -> list[Problem]:
    """Evidence item codes: well-formed (``I1-L2-03``), naming their own indicator and level, unique in the file."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    codes: dict[str, int] = {}
    for i_path, indicator in _indicators_with_paths(spec):
        for c, code in enumerate(indicator.codes):
            if code in codes:
                problems.append(
                    Problem(
                        (*i_path, "codes", c),
                        f"code '{code}' is used by indicators {codes[code]} and {indicator.number}",
                    )
                )
            codes[code] = indicator.number
        for lv, crit in enumerate(indicator.levels):
            for t, item in enumerate(crit.items):
                path: Path = (*i_path, "levels", lv, "items", t, "code")
                match = ITEM_CODE.match(item.code)
                if match is None:
                    problems.append(
                        Problem(
                            path, f"item code '{item.code}' is not of the form I<indicator>-L<level>-<NN> (I1-L2-03)"
                        )
                    )
                elif int(match["indicator"]) != indicator.number or int(match["level"]) != crit.level:
                    problems.append(
                        Problem(
                            path,
                            f"item code '{item.code}' does not match its place "
                            f"(indicator {indicator.number}, level {crit.level}: I{indicator.number}-L{crit.level}-NN)",
                        )
                    )
                if item.code in seen:
                    problems.append(
                        Problem(path, f"item code '{item.code}' is used twice (first at {seen[item.code]})")
                    )
                else:
                    seen[item.code] = Problem(path, "").dotted()
    return problems


def _check_stages(spec: FrameworkSpec) -> list[Problem]:
    """Stages: each once, in round order; the objection step after a stage; the timeline's dates and rounds."""
    problems: list[Problem] = []
    codes = [stage.code for stage in spec.stages]
    for s, stage in enumerate(spec.stages):
        if stage.code in codes[:s]:
            problems.append(Problem(("stages", s, "code"), f"stage '{stage.code}' is listed twice"))
        elif s and STAGE_ORDER.index(stage.code) < STAGE_ORDER.index(codes[s - 1]):
            order = ", ".join(STAGE_ORDER)
            problems.append(
                Problem(
                    ("stages", s, "code"), f"stage '{stage.code}' comes after '{codes[s - 1]}'; the order is {order}"
                )
            )
        if stage.objection is not None and s == 0:
            problems.append(
                Problem(
                    ("stages", s, "objection"),
                    "the first stage cannot hold an objection step: an objection contests what a stage before released",
                )
            )
    for t, entry in enumerate(spec.timeline):
        path: Path = ("timeline", t)
        if entry.end < entry.start:
            problems.append(
                Problem((*path, "end"), f"'{entry.what}' ends ({entry.end}) before it starts ({entry.start})")
            )
        if entry.round not in spec.effective_rounds:
            rounds = ", ".join(str(r) for r in spec.effective_rounds)
            problems.append(
                Problem((*path, "round"), f"round {entry.round} is not one of the effective rounds ({rounds})")
            )
        if entry.stage is not None and entry.stage not in codes:
            problems.append(Problem((*path, "stage"), f"stage '{entry.stage}' is not among the file's stages"))
    return problems
