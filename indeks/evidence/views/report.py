"""The completeness report of a participation's evidence: warnings and evidence per indicator, verification."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indeks.evidence import access, checks, selectors
from indeks.evidence.models import Verification
from indeks.evidence.views.common import evidence_view
from indeks.registry.access import Actor


@evidence_view
def report(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    participation = selectors.get_participation(actor, pk)
    grouped = selectors.links_by_indicator(participation)
    warnings = checks.participation_warnings(participation, grouped)
    rows = [
        {
            "indicator": indicator,
            "warnings": warnings.get(indicator.number, []),
            "links": grouped.get(indicator.number, []),
        }
        for indicator in participation.round.framework.indicators
    ]
    return render(
        request,
        "evidence/report.html",
        {
            "p": participation,
            "rows": rows,
            "warning_count": sum(len(w) for w in warnings.values()),
            "indicator_count": len(warnings),
            "can_verify": access.can_verify(actor, participation),
            "verification_choices": Verification.choices,
            "can_view_agency": access.can_view(actor, participation.agency_id),
        },
    )
