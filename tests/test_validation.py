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
