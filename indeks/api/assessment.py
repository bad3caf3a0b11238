"""The self-assessment over REST: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.security import django_auth

from indeks.api.schemas import AnswerIn, AnswerOut, ErrorOut, ParticipationOut, ResultOut, ReturnIn
from indeks.assessment import services
from indeks.assessment.models import Answer
from indeks.assessment.selectors import get_participation, live_result, visible_participations
from indeks.core.serialize import result_json
from indeks.errors import ActionRefused, EditConflict
from indeks.registry.access import actor_of
from indeks.rounds.models import Participation, StageChoice

router = Router(auth=django_auth, tags=["self-assessment"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _check_indicator(participation: Participation, number: int) -> None:
    """An indicator outside the round's framework does not exist: 404, as on the pages."""
    if not participation.round.framework.has_indicator(number):
        raise Http404


def _answer_out(answer: Answer) -> AnswerOut:
    return AnswerOut(
        indicator=answer.indicator,
        level=answer.level,
        fakta=answer.fakta,
        analisis=answer.analisis,
        status=answer.status,
        needs_recheck=answer.needs_recheck,
        version=answer.version,
    )


@router.get("/participations", response=list[ParticipationOut])
def list_participations(request: HttpRequest) -> list[ParticipationOut]:
    """Participations the caller may see."""
    return [
        ParticipationOut(
            id=p.pk,
            agency_code=p.agency.code,
            agency_name=p.agency.name,
            round=p.round.name,
            year=p.round.year,
            framework=p.round.framework_id,
            activity=p.activity,
            status=p.status,
        )
        for p in visible_participations(actor_of(request)).order_by("-round__year", "agency__name")[:1000]
    ]


@router.get("/participations/{pk}/result", response={200: ResultOut, **ERRORS})
def result(request: HttpRequest, pk: int) -> Any:
    """The live index of the current self-assessment answers (what-if for missing levels)."""
    participation = get_participation(actor_of(request), pk)
    return result_json(live_result(participation))


@router.get("/participations/{pk}/answers", response={200: list[AnswerOut], **ERRORS})
def answers(request: HttpRequest, pk: int) -> Any:
    participation = get_participation(actor_of(request), pk)
    return [_answer_out(a) for a in Answer.objects.filter(participation=participation, stage=StageChoice.MANDIRI)]


@router.put("/participations/{pk}/answers/{number}", response={200: AnswerOut, **ERRORS})
def save_answer(request: HttpRequest, pk: int, number: int, payload: AnswerIn) -> Any:
    """Save one indicator's answer; send the ``version`` you read (409 with the changes when it moved)."""
    actor = actor_of(request)
    participation = get_participation(actor, pk)
    _check_indicator(participation, number)
    try:
        answer = services.save_answer(
            actor,
            participation,
            number,
            level=payload.level,
            fakta=payload.fakta,
            analisis=payload.analisis,
            version=payload.version,
        )
    except EditConflict as conflict:
        problems = [
            f"{field}: {theirs!r} (saved) vs {yours!r} (yours)" for field, (theirs, yours) in conflict.changes.items()
        ]
        return 409, ErrorOut(detail=str(conflict.message), problems=problems)
    except ActionRefused as error:
        return 400, ErrorOut(detail=str(error.message), problems=[str(p) for p in error.problems])
    except PermissionDenied:
        return 403, ErrorOut(detail="not allowed")
    return _answer_out(answer)


@router.post("/participations/{pk}/answers/{number}/{action}", response={200: AnswerOut, **ERRORS})
def answer_action(request: HttpRequest, pk: int, number: int, action: str, payload: ReturnIn | None = None) -> Any:
    """Workflow steps: ``submit`` (unit → coordinator), ``accept``, ``return`` (with a note), ``recheck``."""
    actor = actor_of(request)
    participation = get_participation(actor, pk)
    steps = {
        "submit": lambda: services.submit_answer(actor, participation, number),
        "accept": lambda: services.accept_answer(actor, participation, number),
        "return": lambda: services.return_answer(actor, participation, number, payload.note if payload else ""),
        "recheck": lambda: services.confirm_recheck(actor, participation, number),
    }
    if action not in steps:
        raise Http404
    _check_indicator(participation, number)
    try:
        answer = steps[action]()
    except ActionRefused as error:
        return 400, ErrorOut(detail=str(error.message), problems=[str(p) for p in error.problems])
    except PermissionDenied:
        return 403, ErrorOut(detail="not allowed")
    return _answer_out(answer)
