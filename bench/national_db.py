"""Build a national-scale database for the load benchmark: ~700 agencies, 47 indicators, every stage, ~5,000 users.

Run against PostgreSQL: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/indeks_bench python -m bench.national_db``.
Seeded and bulk-inserted (a few seconds); it refuses to run on a database that already holds rounds.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indeks.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.generate import agency_levels  # noqa: E402
from indeks.assessment.models import Answer, AnswerStatus, IndicatorAssignment  # noqa: E402
from indeks.core.loader import load_framework  # noqa: E402
from indeks.registry.models import Agency, AgencyKind, Role, RoleAssignment, Unit  # noqa: E402
from indeks.registry.services import import_registry  # noqa: E402
from indeks.rounds.models import ActivityType, Participation, Round, StageWindow  # noqa: E402

PASSWORD = "bench-password-2025"
UNIT_KEYS = ("kominfo", "hukum", "bappeda", "keuangan", "sdm")
TARGET_AGENCIES = 700


@transaction.atomic
def build(seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    fw = load_framework("spbe-2020")
    import_registry()
    existing = Agency.objects.count()
    Agency.objects.bulk_create(
        Agency(code=f"bench-{k:03d}", name=f"Lembaga Uji Beban {k:03d}", kind=AgencyKind.LEMBAGA)
        for k in range(max(0, TARGET_AGENCIES - existing))
    )
    agencies = list(Agency.objects.order_by("code")[:TARGET_AGENCIES])
    now = timezone.now()
    round_ = Round.objects.create(year=2025, name="Evaluasi SPBE 2025 (bench)", framework_id="spbe-2020")
    StageWindow.objects.bulk_create(
        StageWindow(round=round_, stage=s, opens=now - timedelta(days=30), closes=now + timedelta(days=30))
        for s in ("mandiri", "dokumen", "interviu", "visitasi", "reviu")
    )
    Unit.objects.bulk_create(Unit(agency=a, name=f"Unit {key}") for a in agencies for key in UNIT_KEYS)
    units = {(u.agency_id, u.name.split()[-1]): u for u in Unit.objects.filter(agency__in=agencies)}
    Participation.objects.bulk_create(
        Participation(round=round_, agency=a, activity=rng.choice(ActivityType.values)) for a in agencies
    )
    participations = list(Participation.objects.filter(round=round_).select_related("agency"))
    assignments = [
        IndicatorAssignment(participation=p, indicator=n, owner=units[(p.agency_id, UNIT_KEYS[n % len(UNIT_KEYS)])])
        for p in participations
        for n in range(1, 48)
    ]
    IndicatorAssignment.objects.bulk_create(assignments, batch_size=5000)
    answers = []
    for p in participations:
        final = agency_levels(fw, rng)
        for n, level in final.items():
            answers.append(
                Answer(
                    participation=p,
                    indicator=n,
                    stage="mandiri",
                    level=min(5, level + 1),
                    fakta="Dokumen bench.",
                    analisis="Analisis bench.",
                    status=AnswerStatus.ACCEPTED,
                )
            )
            answers.append(
                Answer(
                    participation=p,
                    indicator=n,
                    stage="dokumen",
                    level=level,
                    fakta="Dokumen bench.",
                    analisis="Analisis bench.",
                    status=AnswerStatus.ACCEPTED,
                )
            )
            if rng.random() < 0.25:
                answers.append(
                    Answer(
                        participation=p,
                        indicator=n,
                        stage="interviu",
                        level=level,
                        fakta="Klarifikasi.",
                        analisis="Analisis.",
                        status=AnswerStatus.ACCEPTED,
                    )
                )
    Answer.objects.bulk_create(answers, batch_size=5000)
    password = make_password(PASSWORD)
    user_model = get_user_model()
    users, roles = [], []
    for p in participations:
        for role in (Role.COORDINATOR, Role.OPERATOR):
            users.append(user_model(username=f"{role.value}-{p.agency.code}", password=password))
        for key in UNIT_KEYS:
            users.append(user_model(username=f"unit-{key}-{p.agency.code}", password=password))
    user_model.objects.bulk_create(users, batch_size=5000)
    by_name = {u.username: u for u in user_model.objects.filter(username__in=[u.username for u in users])}
    for p in participations:
        for role in (Role.COORDINATOR, Role.OPERATOR):
            roles.append(RoleAssignment(user=by_name[f"{role.value}-{p.agency.code}"], role=role, agency=p.agency))
        for key in UNIT_KEYS:
            roles.append(
                RoleAssignment(
                    user=by_name[f"unit-{key}-{p.agency.code}"],
                    role=Role.RESPONDENT,
                    agency=p.agency,
                    unit=units[(p.agency_id, key)],
                )
            )
    RoleAssignment.objects.bulk_create(roles, batch_size=5000)
    return {"agencies": len(participations), "answers": len(answers), "users": len(users)}


def main() -> None:
    call_command("migrate", verbosity=0)
    if Round.objects.exists():
        sys.exit("the database already holds rounds; use an empty database for the benchmark")
    start = time.perf_counter()
    counts = build()
    print(f"built in {time.perf_counter() - start:.1f} s: {counts}")


if __name__ == "__main__":
    main()
