"""Power and responsibility lists (权责清单): duties, their legal bases, who exercises them
where, and acknowledgements of the analyzer's findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onevisit.regions.models import Level

from .choices import AssignmentRole, DutyCategory, FindingKind, Stage


class Duty(models.Model):
    """A power or public service on a list (权责事项).

    The provincial base catalog (基本目录) holds the standard items (`base` empty, region
    the province); each region's implementation list derives its items from them (`base`
    set) and may add local items, each with the reason for it (`local_reason`).
    """

    code = models.CharField(_("item code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    category = models.PositiveSmallIntegerField(_("category"), choices=DutyCategory.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="duties")
    base = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_items",
        verbose_name=_("base catalog item"),
    )
    is_base_catalog = models.BooleanField(_("in the base catalog"), default=False)
    local_reason = models.TextField(_("reason for a local addition"), blank=True)
    #: Levels at which the duty is exercised (行使层级): a list of regions.Level values.
    levels = models.JSONField(_("levels"), default=list)
    function = models.TextField(_("charter function it implements"), blank=True)
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective until"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["region__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"],
                name="duties_code_unique_in_region",
                violation_error_message=_("Item codes are unique within a region's list."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="duties_duty_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LegalBasis(models.Model):
    """A legal basis of a duty (设定依据): law, article, clause."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="legal_bases")
    law = models.CharField(_("law or regulation"), max_length=300)
    article = models.CharField(_("article"), max_length=50, blank=True)
    clause = models.CharField(_("clause"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return " ".join(p for p in (self.law, self.article, self.clause) if p)


class ResponsibilityItem(models.Model):
    """What the holder answers for at one stage (责任事项)."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="responsibilities")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    text = models.TextField(_("responsibility"))

    class Meta:
        verbose_name = _("responsibility item")
        verbose_name_plural = _("responsibility items")

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.text[:60]}"


class AccountabilityClause(models.Model):
    """A clause under which failing the duty is held to account (追责情形)."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="accountability")
    text = models.TextField(_("clause"))

    class Meta:
        verbose_name = _("accountability clause")
        verbose_name_plural = _("accountability clauses")

    def __str__(self) -> str:
        return self.text[:60]


class DutyAssignment(models.Model):
    """An organization exercising a duty in a region at a level (实施主体).

    Co-responsible organizations declare their division of labour (分工); a duty may be
    delegated to a township (`delegated`).
    """

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="duty_assignments"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    role = models.CharField(
        _("role"), max_length=16, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )
    division_of_labour = models.TextField(_("division of labour"), blank=True)
    delegated = models.BooleanField(_("delegated"), default=False)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty assignment")
        verbose_name_plural = _("duty assignments")
        indexes = [
            models.Index(fields=["organization", "valid_to"], name="duties_assign_org"),
            models.Index(fields=["duty", "region"], name="duties_assign_duty_region"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "organization", "region"],
                condition=Q(valid_to__isnull=True),
                name="duties_assignment_unique_current",
                violation_error_message=_("This organization already holds this duty here."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="duties_assignment_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty} @ {self.organization}"


class FindingAcknowledgement(models.Model):
    """An officer's acknowledgement of a finding, with the reason (已确认).

    It holds while the facts behind the finding are unchanged: `facts` is a digest of
    them, and a finding whose digest differs is shown again.
    """

    key = models.CharField(_("finding"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=FindingKind.choices)
    facts = models.CharField(max_length=64)
    reason = models.TextField(_("reason"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding acknowledgement")
        verbose_name_plural = _("finding acknowledgements")

    def __str__(self) -> str:
        return self.key
