"""Saved improvement plans (the solver lives in indeks.core.planner) and the actions they become."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """An optimal plan saved by an agency: target, constraints, steps and the index it reaches."""

    participation = models.ForeignKey("rounds.Participation", on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("name"), max_length=200)
    target = models.DecimalField(_("target index"), max_digits=8, decimal_places=4)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    baseline = models.CharField(_("starting levels"), max_length=16)
    max_step = models.PositiveSmallIntegerField(_("max levels per indicator"), null=True, blank=True)
    locked = models.JSONField(_("locked indicators"), default=list)
    costs = models.JSONField(_("costs per indicator"), default=dict)
    steps = models.JSONField(default=list)
    # Costs are at most 12 digits before the point and 3 after (core.bounded); a plan sums at most a few hundred.
    cost = models.DecimalField(_("total effort"), max_digits=24, decimal_places=4)
    index_before = models.CharField(max_length=40)
    index_after = models.CharField(max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DOING = "doing", _("In progress")
    DONE = "done", _("Done")


class PlanAction(models.Model):
    """One step of a plan tracked as work: raise an indicator to a level, by a unit, by a date."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    from_level = models.PositiveSmallIntegerField(_("from level"))
    to_level = models.PositiveSmallIntegerField(_("to level"))
    owner = models.ForeignKey(
        "registry.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.TODO)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due", "indicator"]
        constraints = [models.UniqueConstraint(fields=["plan", "indicator"], name="one_action_per_indicator")]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
