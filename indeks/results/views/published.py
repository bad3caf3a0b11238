"""Published results: the ranking of a round's newest published revision, and its revision history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from indeks.results.models import Snapshot, SnapshotResult
from indeks.rounds.models import Round


@login_required
def published(request: HttpRequest) -> HttpResponse:
    """Rounds with a published result (published numbers are visible to every signed-in person)."""
    snapshots = (
        Snapshot.objects.filter(published_at__isnull=False)
        .select_related("round")
        .order_by("-round__year", "-revision")
    )
    latest: dict[int, Snapshot] = {}
    for snapshot in snapshots:
        latest.setdefault(snapshot.round_id, snapshot)
    return render(request, "results/published.html", {"snapshots": list(latest.values())})


@login_required
def round_results(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = Round.objects.filter(pk=round_id).first()
    revisions = list(Snapshot.objects.filter(round_id=round_id, published_at__isnull=False).order_by("-revision"))
    if round_ is None or not revisions:
        raise Http404
    wanted = request.GET.get("revision")
    snapshot = next((s for s in revisions if str(s.revision) == wanted), revisions[0])
    kind = request.GET.get("kind", "")
    rows = (
        SnapshotResult.objects.filter(snapshot=snapshot, excluded=False)
        .select_related("agency")
        .order_by("-index_value", "agency__name")
    )
    if kind:
        rows = rows.filter(agency__kind=kind)
    counts: dict[str, int] = {}
    ranked = []
    for position, row in enumerate(rows, start=1):
        counts[row.predicate] = counts.get(row.predicate, 0) + 1
        ranked.append((position, row))
    bands = [b.name for b in round_.framework.spec.predicates]
    return render(
        request,
        "results/round.html",
        {
            "round": round_,
            "snapshot": snapshot,
            "revisions": revisions,
            "rows": ranked,
            "kind": kind,
            "chart": {"labels": bands, "values": [counts.get(b, 0) for b in bands]},
        },
    )
