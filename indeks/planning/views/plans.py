"""Saved plans: list and compare, one plan with its tracked actions, exports to XLSX and PDF."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks.assessment.views.common import participation_view
from indeks.errors import ActionRefused, EditConflict
from indeks.planning import services
from indeks.planning.models import ActionStatus, Plan, PlanAction
from indeks.posted import posted_date
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation


def _plan(participation: Participation, plan_id: int) -> Plan:
    plan = Plan.objects.filter(participation=participation, pk=plan_id).select_related("created_by").first()
    if plan is None:
        raise Http404
    return plan


@participation_view
def plan_list(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    plans = list(Plan.objects.filter(participation=participation).select_related("created_by"))
    chosen = [p for p in plans if str(p.pk) in request.GET.getlist("compare")][:3]
    framework = participation.round.framework
    comparison = []
    if len(chosen) >= 2:
        numbers = sorted({s["indicator"] for p in chosen for s in p.steps})
        for n in numbers:
            cells = []
            for p in chosen:
                step = next((s for s in p.steps if s["indicator"] == n), None)
                cells.append(f"{step['from']} → {step['to']}" if step else "")
            comparison.append((framework.indicator(n), cells))
    return render(
        request,
        "planning/plan_list.html",
        {"p": participation, "plans": plans, "chosen": chosen, "comparison": comparison},
    )


def _actions(plan: Plan) -> list[PlanAction]:
    return list(plan.actions.select_related("owner"))


@participation_view
def plan_detail(request: HttpRequest, actor: Actor, participation: Participation, plan_id: int) -> HttpResponse:
    plan = _plan(participation, plan_id)
    framework = participation.round.framework
    actions = _actions(plan)
    done = sum(1 for a in actions if a.status == ActionStatus.DONE)
    steps = [(s, framework.indicator(s["indicator"])) for s in plan.steps]
    return render(
        request,
        "planning/plan_detail.html",
        {
            "p": participation,
            "plan": plan,
            "steps": steps,
            "actions": actions,
            "done": done,
            "statuses": ActionStatus.choices,
            "can_track": actor.can(Action.SAVE_PLAN, participation.agency_id) and not actions,
            "can_update": {
                a.pk: actor.can(Action.TRACK_ACTIONS, participation.agency_id, {a.owner_id} if a.owner_id else set())
                for a in actions
            },
            "names": {i.number: i.name for i in framework.indicators},
        },
    )


@require_POST
@participation_view
def track(request: HttpRequest, actor: Actor, participation: Participation, plan_id: int) -> HttpResponse:
    plan = _plan(participation, plan_id)
    try:
        count = services.track(actor, plan)
        messages.success(request, _("%(count)s actions created.") % {"count": count})
    except ActionRefused as error:
        messages.error(request, error.message)
    return redirect("planning:plan", participation.pk, plan.pk)


@require_POST
@participation_view
def update_action(request: HttpRequest, actor: Actor, participation: Participation, action_id: int) -> HttpResponse:
    action = PlanAction.objects.filter(pk=action_id, plan__participation=participation).select_related("plan").first()
    if action is None:
        raise Http404
    raw_due = request.POST.get("due", "").strip()
    due = posted_date(raw_due) if raw_due else None
    try:
        if raw_due and due is None:
            raise ActionRefused(_("The due date is not a date (use the date picker)."))
        version = int(request.POST.get("version", "0"))
        services.update_action(actor, action, status=request.POST.get("status", ""), due=due, version=version)
        messages.success(request, _("Action on indicator %(n)s updated.") % {"n": action.indicator})
    except EditConflict as conflict:
        messages.error(request, conflict.message)
    except (ActionRefused, ValueError) as error:
        messages.error(request, getattr(error, "message", _("The form could not be read.")))
    return redirect("planning:plan", participation.pk, action.plan_id)


def _rows(plan: Plan, participation: Participation) -> list[dict[str, Any]]:
    framework = participation.round.framework
    actions = {a.indicator: a for a in _actions(plan)}
    rows = []
    for step in plan.steps:
        indicator = framework.indicator(step["indicator"])
        criteria = indicator.criteria_for(step["to"])
        action = actions.get(step["indicator"])
        rows.append(
            {
                "number": indicator.number,
                "name": indicator.name,
                "from": step["from"],
                "to": step["to"],
                "cost": step["cost"],
                "criteria": criteria.criteria if criteria else "",
                "evidence": criteria.evidence if criteria else "",
                "owner": action.owner.name if action and action.owner else "",
                "due": action.due if action else None,
                "status": action.get_status_display() if action else "",
            }
        )
    return rows


@participation_view
def export_xlsx(request: HttpRequest, actor: Actor, participation: Participation, plan_id: int) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from indeks.core.exports import append_row

    plan = _plan(participation, plan_id)
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one (active) sheet
    sheet.title = "Rencana"
    append_row(sheet, [participation.agency.name, participation.round.name, plan.name])
    append_row(
        sheet,
        [
            "Target",
            plan.target_label,
            float(plan.target),
            "Indeks awal",
            plan.index_before,
            "Indeks akhir",
            plan.index_after,
            "Total biaya",
            float(plan.cost),
        ],
    )
    append_row(sheet, [])
    header = [
        "Indikator",
        "Nama",
        "Dari",
        "Ke",
        "Biaya",
        "Kriteria tingkat tujuan",
        "Bukti dukung",
        "Unit pengampu",
        "Tenggat",
        "Status",
    ]
    append_row(sheet, header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in _rows(plan, participation):
        append_row(
            sheet,
            [
                row["number"],
                row["name"],
                row["from"],
                row["to"],
                float(row["cost"]),
                row["criteria"],
                row["evidence"],
                row["owner"],
                row["due"],
                row["status"],
            ],
        )
    for column, width in zip("ABCDEFGHIJ", (10, 45, 6, 6, 8, 60, 50, 30, 12, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=5):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rencana-{participation.agency.code}-{plan.pk}.xlsx"'
    return response


@participation_view
def export_pdf(request: HttpRequest, actor: Actor, participation: Participation, plan_id: int) -> HttpResponse:
    from weasyprint import HTML

    plan = _plan(participation, plan_id)
    with translation.override("id"):
        html = render_to_string(
            "planning/pdf/plan.html",
            {"p": participation, "plan": plan, "rows": _rows(plan, participation), "today": timezone.localdate()},
        )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rencana-{participation.agency.code}-{plan.pk}.pdf"'
    return response
