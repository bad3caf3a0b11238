"""Who may do what with evidence: a local policy built on the platform's :class:`Actor`.

- **view** (list, search, download): the agency's users, its assigned external assessors, the national admin;
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

MANAGERS = frozenset({Role.COORDINATOR, Role.OPERATOR})
UPLOADERS = frozenset({Role.COORDINATOR, Role.OPERATOR, Role.RESPONDENT})


class EvidenceAction(StrEnum):
    VIEW = "view_evidence"
    UPLOAD = "upload_evidence"
    CHANGE = "change_evidence"
    LINK = "link_evidence"
    VERIFY = "verify_evidence"


def can_view(actor: Actor, agency_id: int) -> bool:
    return actor.can(Action.VIEW_AGENCY, agency_id) or actor.assesses(agency_id)


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


def can_verify(actor: Actor, agency_id: int, round_id: int | None = None) -> bool:
    return actor.is_national_admin or actor.assesses(agency_id, round_id)


def require(allowed: bool, action: EvidenceAction) -> None:
    if not allowed:
        raise PermissionDenied(action.value)


def visible_agencies(actor: Actor) -> set[int] | None:
    """Agencies whose evidence the actor may read; None means every agency (national admin)."""
    if actor.is_national_admin:
        return None
    return actor.agency_ids() | set(actor.assessed)
