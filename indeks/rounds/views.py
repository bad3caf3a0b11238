"""The national admin's pages: rounds, enrolment in bulk, window extensions."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indeks.errors import ActionRefused
from indeks.registry.access import Action, Actor
from indeks.registry.models import Agency
from indeks.rounds import services
from indeks.rounds.forms import EnrolForm, ExtensionForm, RoundForm
from indeks.rounds.models import Participation, Round
from indeks.web.context import actor_of
from indeks.web.text import text_problem


def _admin(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not actor.can(Action.MANAGE_ROUNDS):
        raise PermissionDenied
    return actor


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_round(
                actor, year=data["year"], name=data["name"], framework_id=data["framework_id"], windows=data["windows"]
            )
        except ActionRefused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Round %(name)s created.") % {"name": created.name})
            return redirect("rounds:detail", created.pk)
    rounds = Round.objects.annotate(agencies=Count("participations")).order_by("-year", "name")
    return render(request, "rounds/list.html", {"rounds": rounds, "form": form}, status=400 if form.errors else 200)


def _codes_from_file(upload: object) -> tuple[list[str], list[str]]:
    raw = upload.read()  # type: ignore[attr-defined]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text.")]
    problem = text_problem(getattr(upload, "name", ""), text)  # a NUL in a code was a 500 on PostgreSQL
    if problem:
        return [], [problem]
    rows = list(csv.reader(io.StringIO(text)))
    if rows and "code" in [c.strip().lower() for c in rows[0]]:
        index = [c.strip().lower() for c in rows[0]].index("code")
        return [r[index].strip() for r in rows[1:] if len(r) > index and r[index].strip()], []
    return [r[0].strip() for r in rows if r and r[0].strip()], []


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    round_ = get_object_or_404(Round.objects.prefetch_related("windows"), pk=pk)
    enrol_form = EnrolForm(prefix="enrol")
    extension_form = ExtensionForm(prefix="ext")
    if request.method == "POST" and "enrol-activity" in request.POST:
        enrol_form = EnrolForm(request.POST, request.FILES, prefix="enrol")
        if enrol_form.is_valid():
            data = enrol_form.cleaned_data
            agencies = Agency.objects.all()
            problems: list[str] = []
            if data["codes"]:
                codes, problems = _codes_from_file(data["codes"])
                found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
                problems += [
                    _("Line %(n)s: no agency has the code '%(code)s'.") % {"n": k, "code": c}
                    for k, c in enumerate(codes, start=1)
                    if c not in found
                ]
                agencies = Agency.objects.filter(code__in=found)
            else:
                if data["kinds"]:
                    agencies = agencies.filter(kind__in=data["kinds"])
                if data["province"]:
                    agencies = agencies.filter(province=data["province"]) | agencies.filter(pk=data["province"].pk)
                if not data["kinds"] and not data["province"]:
                    problems.append(_("Choose agency types, a province, or a file."))
            if problems:
                for problem in problems[:50]:
                    messages.error(request, problem)
                messages.warning(request, _("Nothing was enrolled; correct the file and try again."))
            else:
                try:
                    added, already = services.enrol_agencies(actor, round_, agencies, data["activity"])
                    messages.success(
                        request,
                        _("%(added)s agencies enrolled (%(already)s already were).")
                        % {"added": added, "already": already},
                    )
                except ActionRefused as error:
                    messages.error(request, error.message)
            return redirect("rounds:detail", round_.pk)
    if request.method == "POST" and "ext-agency" in request.POST:
        extension_form = ExtensionForm(request.POST, prefix="ext")
        if extension_form.is_valid():
            data = extension_form.cleaned_data
            participation = (
                Participation.objects.filter(round=round_, agency__code=data["agency"].strip())
                .select_related("round")
                .first()
            )
            if participation is None:
                messages.error(
                    request, _("No agency with code '%(code)s' takes part in this round.") % {"code": data["agency"]}
                )
            else:
                try:
                    services.extend_window(actor, participation, data["stage"], data["closes"], data["reason"])
                    messages.success(request, _("Window extended for %(agency)s.") % {"agency": participation.agency})
                    return redirect("rounds:detail", round_.pk)
                except ActionRefused as error:
                    messages.error(request, error.message)
    participations = Paginator(
        Participation.objects.filter(round=round_).select_related("agency").order_by("agency__name"), 100
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "rounds/detail.html",
        {"round": round_, "participations": participations, "enrol_form": enrol_form, "extension_form": extension_form},
    )
