from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def assessor_assignments(user: Any) -> Iterable[tuple[int, int]]:
    """The (agency, round) pairs an external assessor is assigned to (the registry's Actor asks)."""
    from indeks.rounds.models import AssessorAssignment

    return AssessorAssignment.objects.filter(assessor=user).values_list("agency_id", "round_id")


class RoundsConfig(AppConfig):
    name = "indeks.rounds"
    verbose_name = _("Rounds")

    def ready(self) -> None:
        from indeks.registry.access import ASSESSMENT_SCOPES

        if assessor_assignments not in ASSESSMENT_SCOPES:
            ASSESSMENT_SCOPES.append(assessor_assignments)
