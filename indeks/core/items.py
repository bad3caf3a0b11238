"""Evidence items graded one by one: the automatic rejection rule and the value the verdicts suggest.

The external assessor grades every item of an indicator (Pemdi 2026): accepted, to revise (not appropriate, or
not uploaded), or rejected automatically. The automatic rejection is the platform's to apply: with the file's
``grading.auto_reject: level_below_not_accepted``, every item of a level is rejected while the level below is not
accepted, and a level is accepted when it has items and all of them are accepted.

The value an assessor gives is what counts. A framework file may declare a rule (``values.proposal``) by which the
platform *proposes* a value from the verdicts; :func:`propose_value` applies it with exact fractions and marks the
result as a proposal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from indeks.core.framework import Framework
from indeks.core.schema import Indicator


class Verdict(StrEnum):
    """The assessor's verdict on one evidence item (the national application's four outcomes)."""

    ACCEPTED = "accepted"
    """Diterima."""
    NOT_APPROPRIATE = "not_appropriate"
    """Perlu revisi: tidak tepat (the evidence is not the object the item names)."""
    NOT_UPLOADED = "not_uploaded"
    """Perlu revisi: belum diunggah."""
    AUTO_REJECTED = "auto_rejected"
    """Ditolak otomatis: the level below is not accepted."""


class ItemsInvalid(ValueError):
    """Verdicts for codes that are not items of the indicator."""


def _indicator(framework: Framework, indicator: Indicator | int) -> Indicator:
    return framework.indicator(indicator) if isinstance(indicator, int) else indicator


def effective_verdicts(
    framework: Framework, indicator: Indicator | int, given: Mapping[str, Verdict]
) -> dict[str, Verdict | None]:
    """Every item's verdict after the file's automatic rejection rule (None: not graded yet), in level order.

    A verdict given for an item that the rule rejects is replaced by ``AUTO_REJECTED``; an assessor cannot accept
    an item above a level that is not accepted.
    """
    item = _indicator(framework, indicator)
    known = {i.code for i in item.items}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ItemsInvalid(f"not items of indicator {item.number}: {', '.join(unknown)}")
    grading = framework.spec.grading
    auto = grading is not None and grading.auto_reject == "level_below_not_accepted"
    out: dict[str, Verdict | None] = {}
    below_accepted = True
    for crit in item.levels:
        reject = auto and not below_accepted
        verdicts = [Verdict.AUTO_REJECTED if reject else given.get(i.code) for i in crit.items]
        out.update(zip((i.code for i in crit.items), verdicts, strict=True))
        below_accepted = bool(crit.items) and all(v is Verdict.ACCEPTED for v in verdicts)
    return out


def accepted_level(framework: Framework, indicator: Indicator | int, given: Mapping[str, Verdict]) -> int | None:
    """The highest level whose items, and those of every level below it, are all accepted (None: not even the
    lowest level)."""
    item = _indicator(framework, indicator)
    verdicts = effective_verdicts(framework, item, given)
    reached: int | None = None
    for crit in item.levels:
        if not crit.items or any(verdicts[i.code] is not Verdict.ACCEPTED for i in crit.items):
            break
        reached = crit.level
    return reached


@dataclass(frozen=True, slots=True)
class Proposal:
    """A value the verdicts suggest by the file's rule: a proposal to show beside the assessor's value, never more."""

    value: Fraction
    accepted_level: int | None
    """The highest level accepted in full (None: none)."""
    share: Fraction
    """The share of the next level's items accepted (0 when every level is accepted)."""
    rule: str

    def departs_from(self, given: Fraction) -> bool:
        """Whether an assessor's value differs from the proposal (compared exactly)."""
        return given != self.value


def propose_value(framework: Framework, indicator: Indicator | int, given: Mapping[str, Verdict]) -> Proposal | None:
    """The value the file's proposal rule gives for these verdicts, or None when there is no rule to apply.

    None for an indicator answered with a whole level, fed by another agency's index, on a scale without a
    proposal rule, or whose next level has no items. Under ``band_share`` a level accepted in full is the top of
    its band (no level: the bottom of the range) and the accepted share of the next level's items moves the value
    linearly into the next band: one item of three accepted at level 2 after level 1 gives
    1.50 + 1/3 x (2.50 - 1.50) = 11/6, kept exact.
    """
    item = _indicator(framework, indicator)
    scale = framework.value_scale(item)
    if scale is None or scale.proposal is None or item.external is not None or not item.levels:
        return None
    verdicts = effective_verdicts(framework, item, given)
    reached = accepted_level(framework, item, given)
    tops = {band.level: band.max for band in scale.bands}
    floor = scale.min if reached is None else tops[reached]
    above = [crit for crit in item.levels if reached is None or crit.level > reached]
    if not above:
        return Proposal(floor, reached, Fraction(0), scale.proposal.rule)
    nxt = above[0]
    if not nxt.items:
        return None
    accepted = sum(1 for i in nxt.items if verdicts[i.code] is Verdict.ACCEPTED)
    share = Fraction(accepted, len(nxt.items))
    value = floor + share * (tops[nxt.level] - floor)
    return Proposal(value, reached, share, scale.proposal.rule)
