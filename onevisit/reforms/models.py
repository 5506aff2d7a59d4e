"""Reform plans (机构改革方案): effective-dated change sets to the registry, and lineage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    """draft → submitted → approved → applied (or back to draft when returned)."""

    DRAFT = "draft", pgettext_lazy("plan status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("plan status", "Submitted")
    APPROVED = "approved", pgettext_lazy("plan status", "Approved")
    APPLIED = "applied", pgettext_lazy("plan status", "Applied")


class OperationKind(models.TextChoices):
    """The operations a plan is made of."""

    ESTABLISH = "establish", _("Establish")
    ABOLISH = "abolish", _("Abolish")
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")
    TRANSFER_FUNCTION = "transfer_function", _("Transfer a function")
    TRANSFER_QUOTA = "transfer_quota", _("Transfer quota")
    CHANGE_POSTS = "change_posts", _("Change leadership posts")
    RECLASSIFY = "reclassify", _("Reclassify a public institution")
    MOVE_STAFF = "move_staff", _("Move staff")


class ReformPlan(models.Model):
    """A named reform plan (机构改革方案) with its document number and effective date.

    Its operations apply atomically on the effective date: on approval if the date has
    passed, otherwise by the background worker when it arrives.
    """

    name = models.CharField(_("name"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100)
    effective_date = models.DateField(_("effective date"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)

    class Meta:
        verbose_name = _("reform plan")
        verbose_name_plural = _("reform plans")
        ordering = ["effective_date", "pk"]
        indexes = [models.Index(fields=["status", "effective_date"], name="reforms_plan_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="reforms_applied_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.document_number})"


class ReformOperation(models.Model):
    """One operation of a plan, in order; its parameters are a typed payload (operations.py)."""

    plan = models.ForeignKey(ReformPlan, on_delete=models.CASCADE, related_name="operations")
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=32, choices=OperationKind.choices)
    payload = models.JSONField(_("parameters"))

    class Meta:
        verbose_name = _("reform operation")
        verbose_name_plural = _("reform operations")
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="reforms_operation_order")
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.get_kind_display()}"


class OrganizationLink(models.Model):
    """Lineage (沿革): an organization that continues (part of) another from a date."""

    predecessor = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="predecessor_links"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OperationKind.choices)
    plan = models.ForeignKey(ReformPlan, on_delete=models.PROTECT, related_name="links")
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("organization link")
        verbose_name_plural = _("organization links")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "plan"], name="reforms_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
