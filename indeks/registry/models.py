"""Agencies (instansi), their units (unit kerja / OPD) and who holds which role where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgencyKind(models.TextChoices):
    KEMENTERIAN = "kementerian", _("Ministry")
    LEMBAGA = "lembaga", pgettext_lazy("agency kind", "Agency")
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KOTA = "kota", _("City")


class Agency(models.Model):
    """An evaluated agency (Instansi Pusat or Pemerintah Daerah). Regions carry their Kemendagri code."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=AgencyKind.choices, db_index=True)
    province = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="regions", verbose_name=_("province")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def is_central(self) -> bool:
        """Instansi Pusat (ministry or agency) rather than Pemerintah Daerah."""
        return self.kind in (AgencyKind.KEMENTERIAN, AgencyKind.LEMBAGA)


class Unit(models.Model):
    """A unit of an agency (unit kerja in a ministry, perangkat daerah / OPD in a region)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unit_name_unique_in_agency")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles. National roles have no agency; agency roles are scoped to one agency (and a unit for respondents)."""

    NATIONAL_ADMIN = "national_admin", _("National administrator")
    COORDINATOR = "coordinator", _("SPBE coordinator")
    OFFICIAL = "official", _("Responsible official")
    OPERATOR = "operator", _("Data-entry operator")
    RESPONDENT = "respondent", _("Unit respondent")
    LEADERSHIP = "leadership", _("Leadership (read-only)")
    ASSESSOR = "assessor", _("External assessor")
    REVIEWER = "reviewer", _("Review team")


# Assessors belong to the national pool; which agencies they assess is assigned per round.
NATIONAL_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.REVIEWER, Role.ASSESSOR})


class RoleAssignment(models.Model):
    """A person holds a role, in one agency (and unit) or nationally. One person may hold many."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency", "unit"], name="role_assignment_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=sorted(r.value for r in NATIONAL_ROLES), agency__isnull=True)
                | (~models.Q(role__in=sorted(r.value for r in NATIONAL_ROLES)) & models.Q(agency__isnull=False)),
                name="role_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="respondent") | models.Q(unit__isnull=False),
                name="respondent_has_unit",
            ),
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        where = self.unit or self.agency or _("national")
        return f"{self.user} — {self.get_role_display()} ({where})"
