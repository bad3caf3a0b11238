"""Framework file validation: every rule, every problem at once, each with its line and path."""

from __future__ import annotations

from pathlib import Path

import pytest

from indeks.core.loader import FrameworkInvalid, LocatedProblem, load_framework_file, validate_text


def problems_of(text: str) -> list[LocatedProblem]:
    framework, problems = validate_text(text, "mini.yaml", "mini")
    assert framework is None
    return problems


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_minimal_file_is_valid(mini_text: str) -> None:
    framework, problems = validate_text(mini_text, "mini.yaml", "mini")
    assert problems == []
    assert framework is not None
    assert [i.number for i in framework.indicators] == [1, 2, 3]


def test_indicator_weights_must_sum_to_aspect(mini_text: str) -> None:
    text = mini_text.replace("weight: 25}", "weight: 24}")
    (problem,) = problems_of(text)
    assert problem.where == "domains[0].aspects[0].weight"
    assert "aspect 1 weighs 40 but its indicators sum to 39" in problem.message
    assert problem.line == line_of(text, "        weight: 40")


def test_aspect_weights_must_sum_to_domain_and_whole_to_100(mini_text: str) -> None:
    text = mini_text.replace("    weight: 60\n    aspects", "    weight: 61\n    aspects")
    problems = problems_of(text)
    messages = [p.message for p in problems]
    assert "domain 2 weighs 61 but its aspects sum to 60" in messages
    assert "the weights of the whole framework sum to 101, not 100" in messages


def test_every_problem_is_reported_at_once(mini_text: str) -> None:
    text = (
        mini_text.replace("weight: 25}", "weight: 24}")
        .replace("{number: 3,", "{number: 2,")
        .replace("{name: High, min: 2,", "{name: High, min: 2.5,")
        .replace("ladder: basic, weight: 60", "ladder: fancy, weight: 60")
    )
    messages = [p.message for p in problems_of(text)]
    assert any("indicators sum to 39" in m for m in messages)
    assert "indicator number 2 is used twice" in messages
    assert any("gap between 'Low' (below 2) and 'High' (from 2.5)" in m for m in messages)
    assert any("unknown ladder 'fancy'" in m for m in messages)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{name: High, min: 2,", "{name: High, min: 1.5,", "'High' (from 1.5) overlaps 'Low' (below 2)"),
        ("{name: Low, min: 1,", "{name: Low, min: 1.2,", "no band covers the lowest index 1"),
        ("{name: High, min: 2, max: 3}", "{name: High, min: 2, max: 2.9}", "no band covers the highest index 3"),
        ("{name: Low, min: 1, max: 2}", "{name: Low, min: 2, max: 2}", "band 'Low' has min 2 >= max"),
    ],
)
def test_predicate_bands_cover_range_without_gap_or_overlap(mini_text: str, old: str, new: str, message: str) -> None:
    assert old in mini_text
    messages = [p.message for p in problems_of(mini_text.replace(old, new))]
    assert any(message in m for m in messages), messages


def test_ladder_must_be_contiguous(mini_text: str) -> None:
    text = mini_text.replace("      - {level: 2, name: Two}\n", "")
    (problem,) = problems_of(text)
    assert problem.where == "ladders.basic.levels"
    assert "missing [2]" in problem.message


def test_level_criteria_must_cover_the_ladder(mini_text: str) -> None:
    text = mini_text.replace(
        "{number: 3, name: Gamma, ladder: basic, weight: 60}",
        "{number: 3, name: Gamma, ladder: basic, weight: 60, levels: [{level: 1, criteria: c, evidence: e}]}",
    )
    (problem,) = problems_of(text)
    assert problem.where.endswith("indicators[0].levels")
    assert "in order [1, 2, 3]; got [1]" in problem.message


def test_unknown_key_missing_field_and_wrong_type_are_located(mini_text: str) -> None:
    text = mini_text.replace("name: First aspect", "nmae: First aspect").replace("weight: 15,", "weight: lots,")
    problems = problems_of(text)
    wheres = {p.where: p for p in problems}
    assert "unknown field" in wheres["domains[0].aspects[0].nmae"].message
    assert wheres["domains[0].aspects[0].nmae"].line == line_of(text, "nmae:")
    assert "required field is missing" in wheres["domains[0].aspects[0].name"].message
    assert "not a number: 'lots'" in wheres["domains[0].aspects[0].indicators[0].weight"].message
    assert wheres["domains[0].aspects[0].indicators[0].weight"].line == line_of(text, "weight: lots")


def test_float_weights_are_read_exactly(mini_text: str) -> None:
    # 0.1 + 0.2 is not 0.3 in binary; the loader must read YAML floats as decimals.
    text = mini_text.replace("weight: 15,", "weight: 14.9,").replace("weight: 25}", "weight: 25.1}")
    framework, problems = validate_text(text, "mini.yaml", "mini")
    assert problems == []
    assert framework is not None


def test_refs_must_name_a_declared_source(mini_text: str) -> None:
    (problem,) = problems_of(mini_text.replace("{source: reg,", "{source: law,"))
    assert problem.message == "unknown source 'law' (not in sources)"
    assert problem.where == "domains[0].aspects[0].indicators[0].refs[0].source"


def test_duplicate_keys_and_id_mismatch(mini_text: str) -> None:
    text = mini_text.replace("title: Mini\n", "title: Mini\ntitle: Again\n").replace("id: mini", "id: other")
    messages = [p.message for p in problems_of(text)]
    assert "key 'title' appears twice" in messages
    assert "id 'other' differs from the file name 'mini'" in messages


def test_not_yaml_and_not_a_mapping() -> None:
    (problem,) = problems_of("format: 1\n  id: [unclosed\n")
    assert "not valid YAML" in problem.message
    assert problem.line > 0
    (problem,) = problems_of("- just\n- a list\n")
    assert problem.message == "a framework file must be a YAML mapping"


def test_invalid_file_never_loads(tmp_path: Path, mini_text: str) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(mini_text.replace("weight: 25}", "weight: 24}"), encoding="utf-8")
    with pytest.raises(FrameworkInvalid) as error:
        load_framework_file(path)
    assert str(path) in str(error.value)
    (tmp_path / "absent.yaml").unlink(missing_ok=True)
    with pytest.raises(FrameworkInvalid, match="cannot read"):
        load_framework_file(tmp_path / "absent.yaml")


def test_aspects_at_top_level_and_in_domains_is_refused(mini_text: str) -> None:
    text = mini_text + (
        "aspects:\n"
        "  - {code: '9', name: Stray, weight: 1, indicators: [{number: 9, name: S, ladder: basic, weight: 1}]}\n"
    )
    messages = [p.message for p in problems_of(text)]
    assert any("not both" in m for m in messages)


# --- values, items, external indices, parts, stages (format 1, optional parts) -------------------------------


def test_values_file_is_valid(values_text: str) -> None:
    framework, problems = validate_text(values_text, "mini.yaml", "mini")
    assert problems == []
    assert framework is not None
    assert framework.takes_value(1)
    assert not framework.takes_value(3)
    # `evidence` left out reads as the list of items; written out, it stays as written.
    assert framework.indicator(1).criteria_for(2).evidence.startswith("I1-L2-01: Third item; I1-L2-02")  # type: ignore[union-attr]
    assert framework.indicator(1).criteria_for(3).evidence == "Written out"  # type: ignore[union-attr]


# Where the line of a problem is not the line that was changed, the line it must point at.
LINE_AT = {
    "ladders.scale.values.min": "      min: 1",
    "ladders.scale.values.bands": "      bands:",
    "ladders.scale.values.proposal.rule": "      proposal:",
    "aspects[1].indicators[0].parts": "        parts:",
    "aspects[0].indicators[1].external.index": "          index:",
    "aspects[0].indicators[1].external.pending": "          pending:",
    "external_indices[0].min": "  - {id: ext,",
    "aspects[1].indicators[0].codes[0]": "        codes: [A-1]\n        ladder: plain",
    "stages[1].code": "  - {code: ",
    "stages[0].objection": "    objection:",
}


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        # value scale and bands
        ("      max: 3\n", "      max: 1\n", "ladders.scale.values.min", "the value range 1-1 is empty"),
        (
            "        - {level: 3, min: 2.5, max: 3}",
            "        - {level: 4, min: 2.5, max: 3}",
            "ladders.scale.values.bands",
            "bands must list each level of ladder 'scale' once, in order [1, 2, 3]; got [1, 2, 4]",
        ),
        (
            "        - {level: 1, min: 1, max: 1.5}",
            "        - {level: 1, min: 1.2, max: 1.5}",
            "ladders.scale.values.bands[0].min",
            "the first band starts at 1.2, not at the range's minimum 1",
        ),
        (
            "        - {level: 2, min: 1.5, max: 2.5}",
            "        - {level: 2, min: 1.6, max: 2.5}",
            "ladders.scale.values.bands[1].min",
            "gap between level 1 (to 1.5) and level 2 (from 1.6)",
        ),
        (
            "        - {level: 2, min: 1.5, max: 2.5}",
            "        - {level: 2, min: 1.4, max: 2.5}",
            "ladders.scale.values.bands[1].min",
            "level 2 (from 1.4) overlaps level 1 (to 1.5)",
        ),
        (
            "        - {level: 3, min: 2.5, max: 3}",
            "        - {level: 3, min: 2.5, max: 2.9}",
            "ladders.scale.values.bands[2].max",
            "the last band ends at 2.9, not at the range's maximum 3",
        ),
        (
            "        - {level: 2, min: 1.5, max: 2.5}",
            "        - {level: 2, min: 1.5, max: 1.5}",
            "ladders.scale.values.bands[1]",
            "the band of level 2 has min 1.5 >= max 1.5",
        ),
        (
            "      shared_edge: lower_band",
            "      shared_edge: upper_band",
            "ladders.scale.values.proposal.rule",
            "the band_share rule puts a completed level at the top of its band, so it needs shared_edge: lower_band",
        ),
        # parts
        (
            "        ladder: plain\n        weight: 30\n        parts:",
            "        ladder: scale\n        weight: 30\n        parts:",
            "aspects[1].indicators[0].parts",
            "indicator 3 is answered with a value (ladder 'scale'); parts are whole levels averaged, "
            "so they need a ladder without values",
        ),
        # external indices and conversion tables
        (
            "min: 0, max: 100, confidence: one_source}",
            "min: 100, max: 100, confidence: one_source}",
            "external_indices[0].min",
            "the range 100-100 is empty",
        ),
        (
            "          index: ext\n",
            "          index: sdi\n",
            "aspects[0].indicators[1].external.index",
            "unknown external index 'sdi' (known: ext)",
        ),
        (
            "          pending: 1\n",
            "          pending: 0.5\n",
            "aspects[0].indicators[1].external.pending",
            "the pending value 0.5 is outside the value range 1-3",
        ),
        (
            "{level: 1, input: [0, 10], value: [1, 1.5]}",
            "{level: 1, input: [0, 0], value: [1, 1.5]}",
            "aspects[0].indicators[1].external.conversion.rows[0].input",
            "input range 0-0 is empty or reversed",
        ),
        (
            "{level: 2, input: [10, 50], value: [1.5, 2.5]}",
            "{level: 2, input: [10, 50], value: [2.5, 1.5]}",
            "aspects[0].indicators[1].external.conversion.rows[1].value",
            "value range 2.5-1.5 is reversed",
        ),
        (
            "{level: 2, input: [10, 50], value: [1.5, 2.5]}",
            "{level: 2, input: [10, 50], value: [1.5, 2.6]}",
            "aspects[0].indicators[1].external.conversion.rows[1].value",
            "value range 1.5-2.6 is not inside the band of level 2 (1.5-2.5)",
        ),
        (
            "{level: 2, input: [10, 50], value: [1.5, 2.5]}",
            "{level: 7, input: [10, 50], value: [1.5, 2.5]}",
            "aspects[0].indicators[1].external.conversion.rows[1].level",
            "level 7 is not on ladder 'scale'",
        ),
        (
            "{level: 3, input: [50, 100], value: [2.5, 3]}",
            "{level: 3, input: [50, 120], value: [2.5, 3]}",
            "aspects[0].indicators[1].external.conversion.rows[2].input",
            "input range 50-120 is outside the range of 'ext' (0-100)",
        ),
        (
            "{level: 2, input: [10, 50], value: [1.5, 2.5]}",
            "{level: 2, input: [12, 50], value: [1.5, 2.5]}",
            "aspects[0].indicators[1].external.conversion.rows[1].input",
            "gap in the input: this row starts at 12, the row before ends at 10",
        ),
        (
            "{level: 2, input: [10, 50], value: [1.5, 2.5]}",
            "{level: 2, input: [8, 50], value: [1.5, 2.5]}",
            "aspects[0].indicators[1].external.conversion.rows[1].input",
            "overlap in the input: this row starts at 8, the row before ends at 10",
        ),
        (
            "{level: 1, input: [0, 10], value: [1, 1.5]}",
            "{level: 1, input: [5, 10], value: [1, 1.5]}",
            "aspects[0].indicators[1].external.conversion.rows[0].input",
            "the table starts at 5, not at the minimum 0 of 'ext'",
        ),
        (
            "{level: 3, input: [50, 100], value: [2.5, 3]}",
            "{level: 3, input: [50, 90], value: [2.5, 3]}",
            "aspects[0].indicators[1].external.conversion.rows[2].input",
            "the table ends at 90, not at the maximum 100 of 'ext'",
        ),
        # item codes and item inputs
        (
            "{code: I1-L1-02, asks: Second",
            "{code: I1-L1-2, asks: Second",
            "aspects[0].indicators[0].levels[0].items[1].code",
            "item code 'I1-L1-2' is not of the form I<indicator>-L<level>-<NN> (I1-L2-03)",
        ),
        (
            "{code: I1-L2-02, asks: Fourth",
            "{code: I1-L3-02, asks: Fourth",
            "aspects[0].indicators[0].levels[1].items[1].code",
            "item code 'I1-L3-02' does not match its place (indicator 1, level 2: I1-L2-NN)",
        ),
        (
            "{code: I1-L2-03, asks: Fifth",
            "{code: I1-L2-02, asks: Fifth",
            "aspects[0].indicators[0].levels[1].items[2].code",
            "item code 'I1-L2-02' is used twice (first at aspects[0].indicators[0].levels[1].items[1].code)",
        ),
        (
            "external: {index: ext, min: 0, max: 50}",
            "external: {index: bps, min: 0, max: 50}",
            "aspects[0].indicators[0].levels[1].items[0].external.index",
            "unknown external index 'bps' (known: ext)",
        ),
        (
            "external: {index: ext, min: 0, max: 50}",
            "external: {index: ext, min: 50, max: 150}",
            "aspects[0].indicators[0].levels[1].items[0].external",
            "the range 50-150 is outside the range of 'ext' (0-100)",
        ),
        (
            "external: {index: ext, min: 0, max: 50}",
            "external: {index: ext, min: 50, max: 50}",
            "aspects[0].indicators[0].levels[1].items[0].external.min",
            "the range 50-50 is empty",
        ),
        (
            "        name: Gamma\n",
            "        name: Gamma\n        codes: [A-1]\n",
            "aspects[1].indicators[0].codes[0]",
            "code 'A-1' is used by indicators 1 and 3",
        ),
        (
            "{code: I1-L1-02, asks: Second item, refs: [{source: reg}]}",
            "{code: I1-L1-02, asks: Second item, refs: [{source: law}]}",
            "aspects[0].indicators[0].levels[0].items[1].refs[0].source",
            "unknown source 'law' (not in sources)",
        ),
        # stages and timeline
        (
            "  - {code: dokumen, name: Document}",
            "  - {code: mandiri, name: Document}",
            "stages[1].code",
            "stage 'mandiri' is listed twice",
        ),
        (
            "  - {code: mandiri, name: Self}\n  - {code: dokumen, name: Document}",
            "  - {code: dokumen, name: Document}\n  - {code: mandiri, name: Self}",
            "stages[1].code",
            "stage 'mandiri' comes after 'dokumen'; the order is mandiri, dokumen, interviu, visitasi, reviu",
        ),
        (
            "  - {code: mandiri, name: Self}\n  - {code: dokumen, name: Document}\n",
            "",
            "stages[0].objection",
            "the first stage cannot hold an objection step: an objection contests what a stage before released",
        ),
        (
            "end: 2030-09-15}",
            "end: 2030-07-15}",
            "timeline[0].end",
            "'Upload' ends (2030-07-15) before it starts (2030-08-01)",
        ),
        (
            "{round: 2030, stage: mandiri",
            "{round: 2031, stage: mandiri",
            "timeline[0].round",
            "round 2031 is not one of the effective rounds (2030)",
        ),
        (
            "{round: 2030, stage: mandiri",
            "{round: 2030, stage: visitasi",
            "timeline[0].stage",
            "stage 'visitasi' is not among the file's stages",
        ),
    ],
)
def test_new_parts_are_checked_with_path_and_line(
    values_text: str, old: str, new: str, where: str, message: str
) -> None:
    assert old in values_text, old
    text = values_text.replace(old, new, 1)
    problems = problems_of(text)
    found = [p for p in problems if p.where == where]
    assert message in [p.message for p in found], [str(p) for p in problems]
    (problem,) = (p for p in found if p.message == message)
    at = LINE_AT.get(where, new.strip("\n").splitlines()[-1] if new.strip() else None)
    assert at is not None
    if where == "stages[1].code":
        expected = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(at)][1]
    elif "\n" in at:
        first = at.split("\n")[0]
        lines = text.splitlines()
        expected = next(
            n for n, line in enumerate(lines, start=1) if line == first and lines[n].startswith(at.split("\n")[1])
        )
    else:
        expected = line_of(text, at)
    assert problem.line == expected, (str(problem), expected)


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("      shared_edge: lower_band\n", "", "ladders.scale.values.shared_edge", "required field is missing"),
        (
            "      shared_edge: lower_band",
            "      shared_edge: middle",
            "ladders.scale.values.shared_edge",
            "Input should be",
        ),
        ("{rule: band_share,", "{rule: guess,", "ladders.scale.values.proposal.rule", "Input should be 'band_share'"),
        ("{code: mandiri, name: Self}", "{code: sanggah, name: Self}", "stages[0].code", "Input should be"),
        (
            "{level: 1, input: [0, 10],",
            "{level: 1, input: [0, 10, 20],",
            "aspects[0].indicators[1].external.conversion.rows[0].input",
            "Tuple should have at most 2 items",
        ),
        ("start: 2030-08-01", "start: 1 August", "timeline[0].start", "Input should be a valid date"),
        (
            "parts: {count: 3, name: Service}",
            "parts: {count: 1, name: Service}",
            "aspects[1].indicators[0].parts.count",
            "greater than or equal to 2",
        ),
        (
            "grading: {auto_reject: level_below_not_accepted,",
            "grading: {auto_reject: always,",
            "grading.auto_reject",
            "Input should be",
        ),
        (
            "            evidence: Written out\n",
            "",
            "aspects[0].indicators[0].levels[2].evidence",
            "required field is missing",
        ),
    ],
)
def test_new_parts_have_typed_fields(values_text: str, old: str, new: str, where: str, message: str) -> None:
    assert old in values_text, old
    problems = problems_of(values_text.replace(old, new, 1))
    found = {p.where: p for p in problems}
    assert where in found, [str(p) for p in problems]
    assert message in found[where].message
    assert found[where].line > 0


def test_parts_and_external_together_are_refused(values_text: str) -> None:
    text = values_text.replace(
        "        weight: 30\n        external:\n",
        "        weight: 30\n        parts: {count: 2, name: Half}\n        external:\n",
    )
    messages = [p.message for p in problems_of(text)]
    assert "indicator 2 cannot have parts and an external input" in messages


def test_external_input_needs_a_value_ladder(values_text: str) -> None:
    text = values_text.replace(
        "        name: Beta\n        ladder: scale\n", "        name: Beta\n        ladder: plain\n"
    )
    (problem,) = problems_of(text)
    assert problem.where == "aspects[0].indicators[1].external"
    assert problem.message == (
        "indicator 2 takes whole levels (ladder 'plain' has no values); an external index can only feed a value"
    )
    assert problem.line == line_of(text, "        external:")


def test_conversion_must_be_monotonic(values_text: str) -> None:
    # Each row lies inside its level's band, but the second row starts below where the first ends.
    text = values_text.replace(
        "{level: 1, input: [0, 10], value: [1, 1.5]}", "{level: 1, input: [0, 10], value: [1.4, 1.5]}"
    )
    text = text.replace(
        "{level: 2, input: [10, 50], value: [1.5, 2.5]}", "{level: 1, input: [10, 50], value: [1, 1.2]}"
    )
    messages = [p.message for p in problems_of(text)]
    assert "rows must go up the levels: level 1 after 1" in messages
    assert "the conversion is not monotonic: this row starts at 1, below the 1.5 where the row before ends" in messages


def test_duplicate_external_index(values_text: str) -> None:
    text = values_text.replace(
        "external_indices:\n",
        "external_indices:\n  - {id: ext, name: Again, agency: Other, min: 0, max: 5, confidence: firm}\n",
    )
    messages = [p.message for p in problems_of(text)]
    assert "external index id 'ext' is declared twice" in messages
