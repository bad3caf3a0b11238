"""The indicator page: question and criteria of every level beside the answer form, actions and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks.assessment import services
from indeks.assessment.forms import AnswerForm, ReturnForm
from indeks.assessment.models import Answer, AnswerStatus
from indeks.assessment.selectors import history
from indeks.assessment.templating import ANALISIS_TEMPLATE, FAKTA_TEMPLATE
from indeks.assessment.views.common import is_htmx, participation_view, refuse
from indeks.errors import ActionRefused, EditConflict
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation, StageChoice

MANDIRI = StageChoice.MANDIRI.value


def _indicator(participation: Participation, number: int) -> Any:
    framework = participation.round.framework
    if not framework.has_indicator(number):
        raise Http404
    return framework.indicator(number)


def _context(
    actor: Actor, participation: Participation, number: int, form: AnswerForm | None = None, **extra: Any
) -> dict[str, Any]:
    framework = participation.round.framework
    indicator = _indicator(participation, number)
    answer = Answer.objects.filter(participation=participation, stage=MANDIRI, indicator=number).first()
    units = services.indicator_units(participation, number)
    agency_id = participation.agency_id
    ladder = framework.ladder_of(indicator)
    if form is None:
        initial: dict[str, object] = {"version": answer.version if answer else 0}
        if answer:
            initial.update(level=answer.level, fakta=answer.fakta, analisis=answer.analisis)
        form = AnswerForm(initial=initial, ladder=ladder)
    numbers = [i.number for i in framework.indicators]
    position = numbers.index(number)
    return {
        "p": participation,
        "framework": framework,
        "indicator": indicator,
        "aspect": framework.aspect_of(number),
        "ladder": ladder,
        "answer": answer,
        "form": form,
        "history": history(actor, participation, number)[:100],
        "return_note": history(actor, participation, number).filter(action="answer.returned").first(),
        "can_edit": actor.can(Action.EDIT_ANSWER, agency_id, units),
        "can_submit": actor.can(Action.SUBMIT_ANSWER, agency_id, services.owner_unit(participation, number)),
        "can_review": actor.can(Action.REVIEW_ANSWER, agency_id),
        "return_form": ReturnForm(),
        "statuses": AnswerStatus,
        "fakta_template": FAKTA_TEMPLATE,
        "analisis_template": ANALISIS_TEMPLATE,
        "previous_number": numbers[position - 1] if position > 0 else None,
        "next_number": numbers[position + 1] if position + 1 < len(numbers) else None,
        **extra,
    }


@participation_view
def indicator_page(request: HttpRequest, actor: Actor, participation: Participation, number: int) -> HttpResponse:
    indicator = _indicator(participation, number)
    template = "assessment/_answer_form.html" if is_htmx(request) else "assessment/indicator.html"
    if request.method != "POST":
        return render(request, "assessment/indicator.html", _context(actor, participation, number))
    ladder = participation.round.framework.ladder_of(indicator)
    form = AnswerForm(request.POST, ladder=ladder)
    if not form.is_valid():
        return render(request, template, _context(actor, participation, number, form), status=400)
    data = form.cleaned_data
    try:
        services.save_answer(
            actor,
            participation,
            number,
            level=data["level"],
            fakta=data["fakta"],
            analisis=data["analisis"],
            version=data["version"],
        )
    except EditConflict as conflict:
        current = conflict.current
        fresh = AnswerForm(
            initial={
                "version": current.version,
                "level": current.level,
                "fakta": current.fakta,
                "analisis": current.analisis,
            },
            ladder=ladder,
        )
        rows = [(field, theirs, yours) for field, (theirs, yours) in conflict.changes.items()]
        context = _context(actor, participation, number, fresh, conflict=conflict.message, conflict_rows=rows)
        return render(request, template, context, status=409)
    except ActionRefused as error:
        context = _context(actor, participation, number, form, refused=error.message)
        return render(request, template, context, status=400)
    if is_htmx(request):
        return render(request, template, _context(actor, participation, number, saved=True))
    messages.success(request, _("Indicator %(n)s saved.") % {"n": number})
    return redirect("assessment:indicator", participation.pk, number)


@require_POST
@participation_view
def indicator_action(
    request: HttpRequest, actor: Actor, participation: Participation, number: int, action: str
) -> HttpResponse:
    _indicator(participation, number)
    try:
        if action == "submit":
            services.submit_answer(actor, participation, number)
            messages.success(request, _("Indicator %(n)s was sent to the coordinator.") % {"n": number})
        elif action == "accept":
            services.accept_answer(actor, participation, number)
            messages.success(request, _("Indicator %(n)s accepted.") % {"n": number})
        elif action == "return":
            form = ReturnForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.return_answer(actor, participation, number, note)
            messages.success(request, _("Indicator %(n)s returned for revision.") % {"n": number})
        elif action == "recheck":
            services.confirm_recheck(actor, participation, number)
            messages.success(request, _("Indicator %(n)s confirmed for this year.") % {"n": number})
        else:
            raise Http404
    except ActionRefused as error:
        refuse(request, error)
    return redirect("assessment:indicator", participation.pk, number)
