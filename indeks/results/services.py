"""Finalising and publishing a round: immutable snapshots, revisions after publication."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indeks.assessment.selectors import round_levels
from indeks.audit.services import record
from indeks.core.engine import compute
from indeks.core.numbers import exact_str
from indeks.core.serialize import node_json
from indeks.core.stages import Stage
from indeks.errors import ActionRefused
from indeks.external.models import ReviewDecision
from indeks.notifications.services import agency_team, notify
from indeks.registry.access import Action, Actor
from indeks.results.models import Snapshot, SnapshotResult
from indeks.rounds.models import Participation, Round


def unreviewed(round_: Round) -> list[Participation]:
    """Participations with at least one indicator that the review team has not decided."""
    total = len(round_.framework.indicators)
    counts = dict(
        ReviewDecision.objects.filter(participation__round=round_)
        .values("participation_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "n")
    )
    return [
        p for p in Participation.objects.filter(round=round_).select_related("agency") if counts.get(p.pk, 0) < total
    ]


@transaction.atomic
def finalise(actor: Actor, round_: Round, *, excluded: set[int], note: str = "") -> Snapshot:
    """Freeze the final levels and indices of every agency (or exclude it explicitly) as a new revision.

    Refused while an agency is neither fully reviewed nor excluded. Earlier snapshots are never touched; after
    publication, finalising again creates the next revision (a visible correction).
    """
    actor.require(Action.MANAGE_ROUNDS)
    waiting = [p for p in unreviewed(round_) if p.pk not in excluded]
    if waiting:
        raise ActionRefused(
            _("%(n)s agencies are neither fully reviewed nor excluded.") % {"n": len(waiting)},
            problems=[p.agency.name for p in waiting[:50]],
        )
    last = Snapshot.objects.filter(round=round_).order_by("-revision").first()
    if last is not None and last.published_at is None:
        raise ActionRefused(
            _("Revision %(n)s is finalised but not published yet; publish it first.") % {"n": last.revision}
        )
    if last is not None and not note.strip():
        raise ActionRefused(_("A new revision after publication needs a note saying what was corrected."))
    snapshot = Snapshot.objects.create(
        round=round_, revision=(last.revision + 1) if last else 1, note=note.strip(), finalised_by=actor.user
    )
    participations = list(Participation.objects.filter(round=round_).select_related("agency"))
    final = round_levels(p.pk for p in participations)
    framework = round_.framework
    from indeks.assessment.models import Answer

    self_levels: dict[int, dict[int, int]] = {}
    for pid, n, level in Answer.objects.filter(
        participation__round=round_, stage=Stage.MANDIRI.value, level__isnull=False
    ).values_list("participation_id", "indicator", "level"):
        if level is not None:
            self_levels.setdefault(pid, {})[n] = level
    rows = []
    for p in participations:
        if p.pk in excluded:
            rows.append(SnapshotResult(snapshot=snapshot, participation=p, agency=p.agency, excluded=True))
            continue
        result = compute(framework, final.get(p.pk, {}), allow_missing=True)
        mandiri = compute(framework, self_levels.get(p.pk, {}), allow_missing=True)
        rows.append(
            SnapshotResult(
                snapshot=snapshot,
                participation=p,
                agency=p.agency,
                levels={str(n): lv for n, lv in sorted(result.levels.items())},
                self_levels={str(n): lv for n, lv in sorted(mandiri.levels.items())},
                index_exact=exact_str(result.index.exact),
                index_value=Decimal(result.index.value),
                predicate=result.index.predicate.name,
                self_index_value=Decimal(mandiri.index.value),
                domains=[node_json(d) for d in result.domains],
                aspects=[node_json(a) for a in result.aspects],
            )
        )
    SnapshotResult.objects.bulk_create(rows)
    record(actor.user, "round.finalise", note=f"{round_.name} revision {snapshot.revision}: {len(rows)} agencies")
    return snapshot


@transaction.atomic
def publish(actor: Actor, snapshot: Snapshot) -> Snapshot:
    """Publish a finalised revision: from now on its numbers never change; every agency is notified."""
    actor.require(Action.MANAGE_ROUNDS)
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.published_at is not None:
        raise ActionRefused(_("This revision is already published."))
    snapshot.published_at, snapshot.published_by = timezone.now(), actor.user
    snapshot.save(update_fields=["published_at", "published_by"])
    record(actor.user, "round.publish", note=f"{snapshot.round.name} revision {snapshot.revision}")
    for result in snapshot.results.filter(excluded=False).select_related("participation__agency"):
        notify(
            agency_team(result.participation),
            "result.published",
            _("The result of %(round)s is published") % {"round": snapshot.round.name},
            reverse("results:agency", args=(result.participation_id,)),
        )
    return snapshot
