"""Who may do what with evidence: a local policy built on the platform's :class:`Actor`.

- **view** (list, search, download): the agency's users and the national admin; an external assessor only through a
  round they are assigned to in which the agency has submitted its self-assessment: the library while that round is
  the agency's latest, and in any case the evidence linked to that round's participation (never another round's);
- **upload** (new documents, new versions, links registered): coordinator, operator, respondents of the agency;
- **change** a document (metadata, new version, delete): coordinator and operator; a respondent only for a document
  of their unit or one they uploaded;
- **link** a version to an indicator: the same people as ``edit_answer`` on that indicator;
- **verify** a link: the external assessors assigned to the agency (in that round) and the national admin.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied

from indeks.registry.access import Action, Actor
from indeks.registry.models import Role
from indeks.rounds.models import Participation, ParticipationStatus


def submitted(participation: Any) -> bool:
    """Whether the agency has submitted this round's self-assessment (the external side sees nothing before)."""
    return bool(participation.status == ParticipationStatus.SUBMITTED)


MANAGERS = frozenset({Role.COORDINATOR, Role.OPERATOR})
UPLOADERS = frozenset({Role.COORDINATOR, Role.OPERATOR, Role.RESPONDENT})


class EvidenceAction(StrEnum):
    VIEW = "view_evidence"
    UPLOAD = "upload_evidence"
    CHANGE = "change_evidence"
    LINK = "link_evidence"
    VERIFY = "verify_evidence"


def submitted_rounds(actor: Actor, agency_id: int) -> set[int]:
    """The rounds the actor assesses the agency in where the agency has submitted (nothing before submission)."""
    rounds = actor.assessed.get(agency_id, set())
    if not rounds:
        return set()
    return set(
        Participation.objects.filter(agency_id=agency_id, round_id__in=rounds)
        .filter(status=ParticipationStatus.SUBMITTED)
        .values_list("round_id", flat=True)
    )


def assesses_current(actor: Actor, agency_id: int) -> bool:
    """Whether the actor assesses the agency in its latest round, and the agency has submitted it."""
    rounds = actor.assessed.get(agency_id, set())
    if not rounds:
        return False
    latest = Participation.objects.filter(agency_id=agency_id).order_by("-round__year", "-pk").first()
    return latest is not None and latest.round_id in rounds and submitted(latest)


def can_view(actor: Actor, agency_id: int) -> bool:
    """The agency's whole library (list, search, every document)."""
    return actor.can(Action.VIEW_AGENCY, agency_id) or assesses_current(actor, agency_id)


def can_view_participation(actor: Actor, participation: Any) -> bool:
    """One round's evidence of the agency (report, links, indicator ZIP)."""
    if actor.can(Action.VIEW_AGENCY, participation.agency_id):
        return True
    return actor.assesses(participation.agency_id, participation.round_id) and submitted(participation)


def can_upload(actor: Actor, agency_id: int) -> bool:
    return bool(actor.roles_in(agency_id) & UPLOADERS)


def can_change(actor: Actor, document: Any) -> bool:
    roles = actor.roles_in(document.agency_id)
    if roles & MANAGERS:
        return True
    if Role.RESPONDENT in roles:
        own_unit = document.unit_id is not None and document.unit_id in actor.units.get(document.agency_id, set())
        return own_unit or document.created_by_id == getattr(actor.user, "pk", None)
    return False


def can_link(actor: Actor, agency_id: int, indicator_units: set[int]) -> bool:
    return actor.can(Action.EDIT_ANSWER, agency_id, indicator_units)


def can_verify(actor: Actor, participation: Any) -> bool:
    return actor.is_national_admin or (
        actor.assesses(participation.agency_id, participation.round_id) and submitted(participation)
    )


def require(allowed: bool, action: EvidenceAction) -> None:
    if not allowed:
        raise PermissionDenied(action.value)


def visible_agencies(actor: Actor) -> set[int] | None:
    """Agencies whose evidence the actor may read; None means every agency (national admin)."""
    if actor.is_national_admin:
        return None
    return actor.agency_ids() | {agency for agency in actor.assessed if assesses_current(actor, agency)}
