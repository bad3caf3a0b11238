"""Writing results: the Indonesian table for people, JSON and CSV (decimal point) for programs."""

from __future__ import annotations

import io
import json
from fractions import Fraction

from indeks.core.engine import IndexResult
from indeks.core.exports import CsvWriter
from indeks.core.framework import Framework
from indeks.core.numbers import exact_str, terminates, to_indonesian
from indeks.core.schema import Aspect
from indeks.core.serialize import result_json

WIDTH = 96


def render_json(result: IndexResult) -> str:
    """One JSON object, indented for reading."""
    return json.dumps(result_json(result), ensure_ascii=False, indent=2)


def render_csv(result: IndexResult) -> str:
    """One row per node (index, domains, aspects) with exact and shown values; text cells are made inert."""
    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\n")
    writer.writerow(["kind", "code", "name", "exact", "value", "predicate"])
    for node in (result.index, *result.domains, *result.aspects):
        writer.writerow([node.kind, node.code, node.name, exact_str(node.exact), node.value, node.predicate.name])
    return out.getvalue()


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(label: str, value: str, predicate: str) -> str:
    width = WIDTH - 18 - max(8, len(value))  # a wider value ("Level 2 · 1,75") takes room from the label
    return f"{_fit(label, width):<{width}} {value:>8}  {predicate}"


def render_table(result: IndexResult) -> str:
    """The tree (domain → aspect → indicator) with Indonesian decimal commas and predicates."""
    fw = result.framework
    lines = [f"{fw.spec.title} [{fw.id}, {fw.spec.status.value}]", "", _line("", "Nilai", "Predikat"), ""]
    filled = set(result.filled_in)
    aspects = {a.code: a for a in result.aspects}

    def aspect_lines(code: str, indent: str) -> None:
        node = aspects[code]
        lines.append(_line(f"{indent}Aspek {code} {node.name}", to_indonesian(node.value), node.predicate.name))
        for indicator in next(a for a in fw.aspects if a.code == code).indicators:
            level = result.levels[indicator.number]
            rung = fw.ladder_of(indicator).name_of(level)
            mark = "*" if indicator.number in filled else ""
            label = f"{indent}  {indicator.number:>2}. {indicator.name}"
            # A level as a number; a value as "Level 2 · 1,75"; a mean of parts as its value (2,33).
            lines.append(_line(label, f"{result.show(indicator.number)}{mark}", rung))

    if fw.has_domains:
        for domain in result.domains:
            lines.append(
                _line(f"Domain {domain.code} {domain.name}", to_indonesian(domain.value), domain.predicate.name)
            )
            for aspect in next(d for d in fw.domains if d.code == domain.code).aspects:
                aspect_lines(aspect.code, "  ")
            lines.append("")
    else:
        for aspect in fw.aspects:
            aspect_lines(aspect.code, "")
            lines.append("")
    index = result.index
    lines.append(_line(fw.spec.index_name, to_indonesian(index.value), index.predicate.display_name))
    lines.append(_line("  (nilai tepat / exact)", exact_str(index.exact).replace(".", ","), ""))
    if filled:
        numbers = ", ".join(str(n) for n in result.filled_in)
        lines.append("")
        lines.append(f"* Diisi tingkat minimum (mode what-if / filled in with the minimum level): {numbers}")
    return "\n".join(lines)


def render_framework(fw: Framework) -> str:
    """A framework's identity, sources, predicates and tree with weights, for `indeks frameworks show`."""
    spec = fw.spec
    rounds = ", ".join(str(r) for r in spec.effective_rounds)
    lines = [
        f"{spec.title} [{spec.id}]",
        f"Dasar hukum / legal basis: {spec.legal_basis}",
        f"Status: {spec.status.value}    Tahun penilaian / rounds: {rounds}",
        f"Pembulatan / rounding: {spec.rounding.mode}, {spec.rounding.places} desimal",
        "",
        "Sumber / sources:",
        *(f"  - [{s.confidence.value}] {s.id}: {s.title}" for s in spec.sources),
        "",
        "Predikat / predicates:",
    ]
    last = len(spec.predicates) - 1
    for b, band in enumerate(spec.predicates):
        upper = "≤" if b == last else "<"
        low, high = to_indonesian(exact_str(band.min)), to_indonesian(exact_str(band.max))
        lines.append(f"  {low} ≤ nilai {upper} {high}: {band.display_name}")
    lines += ["", "Tingkat / ladders:"]
    for key, ladder in spec.ladders.items():
        rungs = ", ".join(f"{r.level} {r.name}" for r in ladder.levels)
        lines.append(f"  {key} ({ladder.name}): {rungs}")
    lines += ["", "Struktur dan bobot (% dari indeks) / tree and weights:"]

    def aspect_block(aspect: Aspect, indent: str) -> None:
        lines.append(f"{indent}Aspek {aspect.code} {aspect.name} — {weight(aspect.weight)}")
        for i in aspect.indicators:
            mark = "" if i.confidence.value == "firm" else f" [{i.confidence.value}]"
            lines.append(f"{indent}  {i.number:>2}. {i.name} — {weight(i.weight)} ({i.ladder}){mark}")

    for domain in spec.domains:
        lines.append(f"  Domain {domain.code} {domain.name} — {weight(domain.weight)}")
        for aspect in domain.aspects:
            aspect_block(aspect, "    ")
    for aspect in spec.aspects:
        aspect_block(aspect, "  ")
    if spec.notes:
        lines += ["", "Catatan / notes:", *(f"  {line}" for line in spec.notes.rstrip().splitlines())]
    return "\n".join(lines)


def weight(value: Fraction) -> str:
    """A weight in Indonesian notation (``1,3``), or as a fraction when it has no finite decimal (``10/3``)."""
    if terminates(value):
        return to_indonesian(exact_str(value, min_places=0))
    return f"{value.numerator}/{value.denominator}"


def render_indicator(fw: Framework, number: int) -> str:
    """One indicator's question and the criteria and evidence of every level."""
    indicator = fw.indicator(number)
    ladder = fw.ladder_of(indicator)
    aspect = fw.aspect_of(number)
    lines = [f"Indikator {number}: {indicator.name}", f"Aspek {aspect.code} {aspect.name}"]
    if indicator.question:
        lines += ["", f"Pertanyaan: {indicator.question}"]
    if not indicator.levels:
        lines += [
            "",
            "(kriteria per tingkat belum tersedia dalam berkas kerangka ini / no level criteria in this file)",
        ]
    for crit in indicator.levels:
        refs = "; ".join(f"{r.source} hlm. {r.pages}" if r.pages else r.source for r in crit.refs)
        lines += [
            "",
            f"Tingkat {crit.level} — {ladder.name_of(crit.level)}",
            f"  Kriteria: {crit.criteria}",
            f"  Bukti dukung: {crit.evidence}",
        ]
        if refs:
            lines.append(f"  Rujukan: {refs}")
    return "\n".join(lines)
