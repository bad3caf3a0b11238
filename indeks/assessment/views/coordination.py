"""The coordinator's pages: who owns which indicator, the general questions, starting from last year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks.assessment import services
from indeks.assessment.forms import GeneralAnswerForm
from indeks.assessment.models import GeneralQuestion
from indeks.assessment.selectors import general_questions, indicator_rows
from indeks.assessment.views.common import participation_view, refuse
from indeks.errors import ActionRefused, EditConflict
from indeks.posted import posted_int, posted_ints
from indeks.registry.access import Action, Actor
from indeks.registry.models import Unit
from indeks.rounds.models import Participation


@participation_view
def assignments(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    """Owning and contributing units per indicator; one form for all, saving only the rows that changed."""
    if not actor.can(Action.ASSIGN_INDICATORS, participation.agency_id):
        raise PermissionDenied
    units = {u.pk: u for u in Unit.objects.filter(agency_id=participation.agency_id)}
    rows = indicator_rows(participation, contributors=True)
    if request.method == "POST":
        problems, changed = [], 0
        try:
            for row in rows:
                n = row.indicator.number
                raw_owner = request.POST.get(f"owner-{n}", "")
                if not raw_owner:
                    continue
                owner_id = posted_int(raw_owner)
                contributors = request.POST.getlist(f"contributors-{n}")
                contributor_ids = posted_ints(contributors)
                readable = all(posted_int(c) is not None for c in contributors)
                if owner_id not in units or not readable or not contributor_ids <= set(units):
                    problems.append(_("Indicator %(n)s: unknown unit.") % {"n": n})
                    continue
                current = (row.owner.pk if row.owner else None, {u.pk for u in row.contributors})
                if current == (owner_id, contributor_ids - {owner_id}):
                    continue
                services.assign_indicator(
                    actor, participation, n, units[owner_id], [units[c] for c in sorted(contributor_ids)]
                )
                changed += 1
        except ActionRefused as error:
            refuse(request, error)
            return redirect("assessment:assignments", participation.pk)
        for problem in problems:
            messages.error(request, problem)
        if changed:
            messages.success(request, _("%(count)s assignments saved.") % {"count": changed})
        return redirect("assessment:assignments", participation.pk)
    return render(
        request,
        "assessment/assignments.html",
        {"p": participation, "rows": rows, "units": list(units.values())},
    )


@participation_view
def general(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    """The round's Pertanyaan Umum and the agency's answers."""
    can_edit = actor.can(Action.ANSWER_GENERAL, participation.agency_id)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        question_id = posted_int(request.POST.get("question"))
        question = (
            GeneralQuestion.objects.filter(round_id=participation.round_id, pk=question_id).first()
            if question_id is not None
            else None
        )
        form = GeneralAnswerForm(request.POST)
        if question is None:
            messages.error(request, _("Unknown question."))
        elif not form.is_valid():
            messages.error(request, _("Question %(n)s: the answer cannot be empty.") % {"n": question.number})
        else:
            try:
                services.save_general_answer(
                    actor, participation, question, form.cleaned_data["text"], form.cleaned_data["version"]
                )
                messages.success(request, _("Answer to question %(n)s saved.") % {"n": question.number})
            except EditConflict as conflict:
                theirs = conflict.changes["text"][0]
                messages.error(request, conflict.message)
                messages.warning(request, _("Saved text: %(text)s") % {"text": theirs})
            except ActionRefused as error:
                refuse(request, error)
        return redirect("assessment:general", participation.pk)
    return render(
        request,
        "assessment/general.html",
        {"p": participation, "questions": general_questions(participation), "can_edit": can_edit},
    )


@require_POST
@participation_view
def prefill(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    """Start from last year: copy its answers into the empty indicators, each to be re-checked."""
    try:
        count = services.prefill_from_previous(actor, participation)
        messages.success(
            request, _("%(count)s indicators pre-filled from last year; re-check each.") % {"count": count}
        )
    except ActionRefused as error:
        refuse(request, error)
    return redirect("assessment:dashboard", participation.pk)
