"""The self-assessment over REST: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.security import django_auth

from indeks.api.schemas import AnswerIn, AnswerOut, Id, ParticipationOut, ProblemOut, ResultOut, ReturnIn, SmallInt
from indeks.assessment import services
from indeks.assessment.models import Answer
from indeks.assessment.selectors import get_participation, live_result, visible_participations
from indeks.core.serialize import result_json
from indeks.registry.access import actor_of
from indeks.rounds.models import Participation, StageChoice

router = Router(auth=django_auth, tags=["self-assessment"])
# Errors are raised and answered as problem details by ``indeks.api.errors``; listed here for the OpenAPI page.
READ_ERRORS: dict[int, Any] = {401: ProblemOut, 404: ProblemOut, 422: ProblemOut, 500: ProblemOut}
ERRORS: dict[int, Any] = {**READ_ERRORS, 400: ProblemOut, 403: ProblemOut, 409: ProblemOut}


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


@router.get("/participations", response={200: list[ParticipationOut], 401: ProblemOut, 500: ProblemOut})
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


@router.get("/participations/{pk}/result", response={200: ResultOut, **READ_ERRORS})
def result(request: HttpRequest, pk: Id) -> Any:
    """The live index of the current self-assessment answers (what-if for missing levels)."""
    participation = get_participation(actor_of(request), pk)
    return result_json(live_result(participation))


@router.get("/participations/{pk}/answers", response={200: list[AnswerOut], **READ_ERRORS})
def answers(request: HttpRequest, pk: Id) -> Any:
    participation = get_participation(actor_of(request), pk)
    return [_answer_out(a) for a in Answer.objects.filter(participation=participation, stage=StageChoice.MANDIRI)]


@router.put("/participations/{pk}/answers/{number}", response={200: AnswerOut, **ERRORS})
def save_answer(request: HttpRequest, pk: Id, number: SmallInt, payload: AnswerIn) -> Any:
    """Save one indicator's answer; send the ``version`` you read (409 with the changes when it moved)."""
    actor = actor_of(request)
    participation = get_participation(actor, pk)
    _check_indicator(participation, number)
    answer = services.save_answer(
        actor,
        participation,
        number,
        level=payload.level,
        fakta=payload.fakta,
        analisis=payload.analisis,
        version=payload.version,
    )
    return _answer_out(answer)


@router.post("/participations/{pk}/answers/{number}/{action}", response={200: AnswerOut, **ERRORS})
def answer_action(request: HttpRequest, pk: Id, number: SmallInt, action: str, payload: ReturnIn | None = None) -> Any:
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
    return _answer_out(steps[action]())
