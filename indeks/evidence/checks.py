"""Evidence checks: warnings (never blocks) for respondents, per indicator and for the whole participation.

- a level above the ladder's minimum with no evidence;
- level 4 or 5 without a review/evaluation report (laporan reviu/evaluasi) less than two years old at the round's
  assessment date (the Penilaian Dokumen window's opening, else the Penilaian Mandiri window's closing);
- a policy indicator whose only evidence is a draft;
- a service indicator without screenshots;
- a formal document (regulation, decree, SOP, report...) without a number or a date of issue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indeks.assessment.models import Answer
from indeks.evidence.models import FORMAL_TYPES, DocumentType, EvidenceLink
from indeks.evidence.selectors import links_by_indicator
from indeks.rounds.models import Participation, StageChoice

# Indicator groups per framework: policy indicators (kebijakan internal) and service indicators (layanan).
GROUPS: dict[str, dict[str, range]] = {"spbe-2020": {"policy": range(1, 11), "service": range(32, 48)}}
REVIEW_LEVEL = 4
REVIEW_MAX_YEARS = 2


@dataclass(frozen=True)
class EvidenceWarning:
    indicator: int
    code: str
    message: str


def assessment_date(participation: Participation) -> date:
    """The date evidence is judged at: the dokumen window's opening, else the mandiri window's closing, else today."""
    windows = {w.stage: w for w in participation.round.windows.all()}
    if StageChoice.DOKUMEN in windows:
        moment = windows[StageChoice.DOKUMEN].opens
    elif StageChoice.MANDIRI in windows:
        moment = windows[StageChoice.MANDIRI].closes
    else:
        moment = timezone.now()
    return timezone.localtime(moment).date()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def indicator_warnings(
    participation: Participation, indicator: int, level: int | None, links: Iterable[EvidenceLink], on: date
) -> list[EvidenceWarning]:
    framework = participation.round.framework
    groups = GROUPS.get(framework.id, {})
    links = list(links)
    documents = list({link.version.document_id: link.version.document for link in links}.values())
    found: list[EvidenceWarning] = []

    def warn(code: str, message: str) -> None:
        found.append(EvidenceWarning(indicator, code, message))

    minimum = framework.ladder_of(indicator).minimum
    if level is not None and level > minimum and not links:
        warn(
            "no_evidence",
            _("Level %(level)s is above the minimum, but no evidence is linked yet. Upload or link the documents.")
            % {"level": level},
        )
    if level is not None and level >= REVIEW_LEVEL:
        reviews = [d for d in documents if d.doc_type == DocumentType.LAPORAN_REVIU]
        limit = years_before(on, REVIEW_MAX_YEARS)
        dated = [d.issued_on for d in reviews if d.issued_on]
        if not reviews:
            warn(
                "no_review",
                _(
                    "Level %(level)s needs a review or evaluation report (laporan reviu/evaluasi) less than two "
                    "years old; none is linked."
                )
                % {"level": level},
            )
        elif not any(day >= limit for day in dated):
            newest = max(dated) if dated else None
            warn(
                "old_review",
                _(
                    "Level %(level)s needs a review or evaluation report less than two years old on %(on)s; "
                    "the newest linked one is %(newest)s."
                )
                % {
                    "level": level,
                    "on": date_format(on),
                    "newest": date_format(newest) if newest else _("undated"),
                },
            )
    if indicator in groups.get("policy", ()) and documents and all(d.is_draft for d in documents):
        warn(
            "draft_only",
            _("The only evidence of this policy indicator is a draft. Link the enacted regulation or decree too."),
        )
    if (
        indicator in groups.get("service", ())
        and (level is not None or links)
        and not any(d.doc_type == DocumentType.TANGKAPAN_LAYAR for d in documents)
    ):
        warn("no_screenshot", _("This service indicator has no screenshots (tangkapan layar) of the service."))
    for document in documents:
        if document.doc_type in FORMAL_TYPES and (not document.number or not document.issued_on):
            warn(
                "no_number_or_date",
                _("“%(title)s” has no number or no date of issue. Add them on the document's page.")
                % {"title": document.title},
            )
    return found


def participation_warnings(
    participation: Participation, grouped: dict[int, list[EvidenceLink]] | None = None
) -> dict[int, list[EvidenceWarning]]:
    """Warnings per indicator of the participation (indicators without warnings are left out). Two queries."""
    on = assessment_date(participation)
    levels = dict(
        Answer.objects.filter(participation=participation, stage=StageChoice.MANDIRI).values_list("indicator", "level")
    )
    if grouped is None:
        grouped = links_by_indicator(participation)
    result = {}
    for indicator in participation.round.framework.indicators:
        found = indicator_warnings(
            participation, indicator.number, levels.get(indicator.number), grouped.get(indicator.number, []), on
        )
        if found:
            result[indicator.number] = found
    return result
