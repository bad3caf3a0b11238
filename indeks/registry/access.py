"""Who may do what, where: the one policy every view, API endpoint and service asks.

An :class:`Actor` is a user with all their role assignments loaded once (one query). Actions name what is
attempted; :data:`POLICY` says which agency roles allow it. National admins may do everything national and
read every agency; agency roles act only inside their agency, respondents only on their unit's indicators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied

from indeks.registry.models import Role, RoleAssignment


class Action(StrEnum):
    VIEW_AGENCY = "view_agency"
    EDIT_ANSWER = "edit_answer"
    SUBMIT_ANSWER = "submit_answer"
    REVIEW_ANSWER = "review_answer"
    ASSIGN_INDICATORS = "assign_indicators"
    ANSWER_GENERAL = "answer_general"
    PREFILL = "prefill"
    SUBMIT_AGENCY = "submit_agency"
    UPLOAD_SIGNED = "upload_signed"
    MANAGE_ROUNDS = "manage_rounds"
    SAVE_PLAN = "save_plan"
    TRACK_ACTIONS = "track_actions"
    UNLOCK_SIGN_IN = "unlock_sign_in"


# Agency roles allowing each action inside their own agency. RESPONDENT additionally needs the indicator's unit.
POLICY: dict[Action, frozenset[Role]] = {
    Action.VIEW_AGENCY: frozenset({Role.COORDINATOR, Role.OFFICIAL, Role.OPERATOR, Role.RESPONDENT, Role.LEADERSHIP}),
    Action.EDIT_ANSWER: frozenset({Role.COORDINATOR, Role.OPERATOR, Role.RESPONDENT}),
    Action.SUBMIT_ANSWER: frozenset({Role.COORDINATOR, Role.OPERATOR, Role.RESPONDENT}),
    Action.REVIEW_ANSWER: frozenset({Role.COORDINATOR}),
    Action.ASSIGN_INDICATORS: frozenset({Role.COORDINATOR}),
    Action.ANSWER_GENERAL: frozenset({Role.COORDINATOR, Role.OPERATOR}),
    Action.PREFILL: frozenset({Role.COORDINATOR}),
    Action.SUBMIT_AGENCY: frozenset({Role.COORDINATOR}),
    Action.UPLOAD_SIGNED: frozenset({Role.COORDINATOR, Role.OFFICIAL}),
    Action.MANAGE_ROUNDS: frozenset(),
    # Leaders set targets with their coordinator; units report progress on the actions they own.
    Action.SAVE_PLAN: frozenset({Role.COORDINATOR, Role.OFFICIAL}),
    Action.TRACK_ACTIONS: frozenset({Role.COORDINATOR, Role.OFFICIAL, Role.OPERATOR, Role.RESPONDENT}),
    Action.UNLOCK_SIGN_IN: frozenset(),
}
# What a national admin may do in any agency (read everything; workflow stays with the agency).
NATIONAL_ADMIN_ACTIONS = frozenset({Action.VIEW_AGENCY, Action.MANAGE_ROUNDS, Action.UNLOCK_SIGN_IN})


# Where an external assessor's (agency, round) assignments come from. The registry knows no rounds: the rounds app
# registers its loader here when Django starts (``RoundsConfig.ready``), so dependencies point one way.
AssessmentScope = Callable[[Any], Iterable[tuple[int, int]]]
ASSESSMENT_SCOPES: list[AssessmentScope] = []


@dataclass
class Actor:
    """A signed-in person and every role they hold."""

    user: Any
    national: set[Role] = field(default_factory=set)
    agency_roles: dict[int, set[Role]] = field(default_factory=lambda: defaultdict(set))
    units: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    assessed: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    """Agencies the actor assesses as external assessor → the rounds of those assignments."""

    @classmethod
    def of(cls, user: Any) -> Actor:
        """Load the user's roles (one query); an anonymous user holds none."""
        actor = cls(user)
        if not getattr(user, "is_authenticated", False):
            return actor
        for assignment in RoleAssignment.objects.filter(user=user).only("role", "agency_id", "unit_id"):
            role = Role(assignment.role)
            if assignment.agency_id is None:
                actor.national.add(role)
            else:
                actor.agency_roles[assignment.agency_id].add(role)
                if assignment.unit_id is not None:
                    actor.units[assignment.agency_id].add(assignment.unit_id)
        if Role.ASSESSOR in actor.national and ASSESSMENT_SCOPES:
            for scope in ASSESSMENT_SCOPES:
                for agency_id, round_id in scope(user):
                    actor.assessed[agency_id].add(round_id)
        return actor

    def assesses(self, agency_id: int, round_id: int | None = None) -> bool:
        """Whether the actor is an external assessor of the agency (in that round, when given)."""
        rounds = self.assessed.get(agency_id, set())
        return bool(rounds) if round_id is None else round_id in rounds

    @property
    def is_national_admin(self) -> bool:
        return Role.NATIONAL_ADMIN in self.national

    @property
    def is_reviewer(self) -> bool:
        """A member of the review team (Tim Reviu)."""
        return Role.REVIEWER in self.national

    def agency_ids(self) -> set[int]:
        """Agencies where the actor holds an agency role."""
        return set(self.agency_roles)

    def roles_in(self, agency_id: int) -> set[Role]:
        return self.agency_roles.get(agency_id, set())

    def can(self, action: Action, agency_id: int | None = None, indicator_units: set[int] | None = None) -> bool:
        """Whether the action is allowed in ``agency_id`` (for a respondent: on an indicator of those units)."""
        if self.is_national_admin and action in NATIONAL_ADMIN_ACTIONS:
            return True
        if agency_id is None:
            return False
        roles = self.roles_in(agency_id) & POLICY[action]
        if roles - {Role.RESPONDENT}:
            return True
        if Role.RESPONDENT in roles:
            if action is Action.VIEW_AGENCY:
                return True
            return bool(indicator_units and indicator_units & self.units.get(agency_id, set()))
        return False

    def require(self, action: Action, agency_id: int | None = None, indicator_units: set[int] | None = None) -> None:
        """Raise PermissionDenied unless :meth:`can`."""
        if not self.can(action, agency_id, indicator_units):
            raise PermissionDenied(action.value)


def actor_of(request: Any) -> Actor:
    """The request's actor, loaded once per request (views, template tags and the API ask this)."""
    actor = getattr(request, "_indeks_actor", None)
    if actor is None:
        actor = Actor.of(request.user)
        request._indeks_actor = actor
    return actor
