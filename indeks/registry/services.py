"""Changing the registry: importing the agency list shipped with Indeks (idempotent), units, role grants."""

from __future__ import annotations

import csv
from importlib import resources
from typing import TYPE_CHECKING

from django.db import transaction

from indeks.audit.services import record
from indeks.registry.models import Agency, AgencyKind, Role, RoleAssignment, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Administrative cities and the regency of DKI Jakarta are not autonomous regions and are not evaluated.
EVALUATED_REGION_KINDS = {AgencyKind.PROVINSI, AgencyKind.KABUPATEN, AgencyKind.KOTA}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("indeks.registry").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@transaction.atomic
def import_registry() -> tuple[int, int]:
    """Create or update every shipped agency (regions by Kemendagri code, central agencies by slug).

    Returns (created, updated). Running it again changes nothing that is already right.
    """
    existing = {a.code: a for a in Agency.objects.all()}
    created = updated = 0
    provinces: dict[str, Agency] = {}
    regions = [r for r in _rows("wilayah.csv") if r["kind"] in EVALUATED_REGION_KINDS]
    central = [r for r in _rows("instansi_pusat.csv") if r["kind"] in (AgencyKind.KEMENTERIAN, AgencyKind.LEMBAGA)]
    for row in sorted(regions, key=lambda r: (r["kind"] != AgencyKind.PROVINSI, r["code"])) + central:
        province = provinces.get(row.get("province_code") or "")
        agency = existing.get(row["code"])
        if agency is None:
            agency = Agency.objects.create(code=row["code"], name=row["name"], kind=row["kind"], province=province)
            created += 1
        elif (agency.name, agency.kind, agency.province_id) != (
            row["name"],
            row["kind"],
            getattr(province, "pk", None),
        ):
            agency.name, agency.kind, agency.province = row["name"], row["kind"], province
            agency.save()
            updated += 1
        if agency.kind == AgencyKind.PROVINSI:
            provinces[agency.code] = agency
    if created or updated:
        record(None, "registry.import", note=f"{created} created, {updated} updated")
    return created, updated


@transaction.atomic
def grant_role(
    actor_user: object, user: User, role: Role, agency: Agency | None = None, unit: Unit | None = None
) -> RoleAssignment:
    """Give a person a role (in an agency / unit, or nationally), recorded in the audit trail."""
    assignment, made = RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency, unit=unit)
    if made:
        record(actor_user, "role.grant", agency=agency, field="role", new=f"{user} {role.value} {unit or ''}".strip())
    return assignment
