"""The institutional registry: organizations, their charters, quotas, staff and appointments."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onevisit.regions.models import Level

from .choices import FundingType, InstitutionClass, OrgKind, PostRank, QuotaCategory


class Organization(models.Model):
    """A Party or government organ or a public institution (机构).

    `valid_from`/`valid_to` say when the organization exists in law; reforms set them.
    """

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    institution_class = models.CharField(
        _("public-institution class"), max_length=32, choices=InstitutionClass.choices, blank=True
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="organizations"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    managing_organization = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_organizations",
        verbose_name=_("managing organization"),
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    valid_from = models.DateField(_("established on"))
    valid_to = models.DateField(_("abolished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["region__code", "name"]
        indexes = [models.Index(fields=["region", "level"], name="orgs_org_region_level")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="orgs_org_valid_window",
                violation_error_message=_("An organization cannot be abolished before it exists."),
            ),
            models.CheckConstraint(
                condition=Q(kind=OrgKind.PUBLIC_INSTITUTION) | Q(institution_class=""),
                name="orgs_org_class_only_for_institutions",
                violation_error_message=_("Only public institutions have a class."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_organ(self) -> bool:
        from .choices import ORGAN_KINDS

        return self.kind in ORGAN_KINDS


class FormerName(models.Model):
    """A name an organization used to bear (曾用名), with the window in which it was in force.

    The current name stays on the organization; as-of queries look here first.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"))

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["organization_id", "valid_from"]

    def __str__(self) -> str:
        return self.name


class Charter(models.Model):
    """One version of an organization's "three determinations" charter (三定规定).

    Issued by a document with an effective date; the next version end-dates it.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="charters"
    )
    document_number = models.CharField(_("document number"), max_length=100)
    effective_date = models.DateField(_("effective date"))
    valid_to = models.DateField(_("superseded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("charter")
        verbose_name_plural = _("charters")
        ordering = ["organization_id", "-effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(valid_to__isnull=True),
                name="orgs_one_current_charter",
                violation_error_message=_("An organization has one current charter."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.document_number}"


class CharterFunction(models.Model):
    """A main function of a charter (主要职责)."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="functions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("function"))

    class Meta:
        verbose_name = _("charter function")
        verbose_name_plural = _("charter functions")
        ordering = ["charter_id", "position"]

    def __str__(self) -> str:
        return self.text[:80]


class InternalBody(models.Model):
    """An internal body of a charter (内设机构), with its duties."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="internal_bodies")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    duties = models.TextField(_("duties"), blank=True)

    class Meta:
        verbose_name = _("internal body")
        verbose_name_plural = _("internal bodies")
        ordering = ["charter_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "name"],
                name="orgs_internal_body_unique_name",
                violation_error_message=_("Internal body names are unique within a charter."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class QuotaLine(models.Model):
    """An approved staffing quota of a charter (核定编制): category, funding type, count."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="quota_lines")
    category = models.CharField(_("category"), max_length=32, choices=QuotaCategory.choices)
    funding_type = models.CharField(
        _("funding type"), max_length=16, choices=FundingType.choices, blank=True
    )
    approved = models.PositiveIntegerField(_("approved"))

    class Meta:
        verbose_name = _("quota line")
        verbose_name_plural = _("quota lines")
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "category", "funding_type"], name="orgs_quota_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.funding_type} {self.approved}"


class PostLine(models.Model):
    """Approved leadership posts of a charter (领导职数)."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="post_lines")
    rank = models.CharField(_("rank"), max_length=16, choices=PostRank.choices)
    approved = models.PositiveIntegerField(_("approved"))

    class Meta:
        verbose_name = _("leadership post line")
        verbose_name_plural = _("leadership post lines")
        constraints = [
            models.UniqueConstraint(fields=["charter", "rank"], name="orgs_post_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()} {self.approved}"


class QuotaBalance(models.Model):
    """The live count per organization × category × funding type: approved and actual (实有).

    The row is locked for every appointment; the check constraint makes over-staffing
    (超编) impossible even if a service forgot to check.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="quota_balances"
    )
    category = models.CharField(_("category"), max_length=32, choices=QuotaCategory.choices)
    funding_type = models.CharField(
        _("funding type"), max_length=16, choices=FundingType.choices, blank=True
    )
    approved = models.PositiveIntegerField(_("approved"), default=0)
    actual = models.PositiveIntegerField(_("actual"), default=0)

    class Meta:
        verbose_name = _("quota balance")
        verbose_name_plural = _("quota balances")
        ordering = ["organization_id", "category", "funding_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "category", "funding_type"], name="orgs_quota_balance_key"
            ),
            models.CheckConstraint(
                condition=Q(actual__lte=F("approved")),
                name="orgs_quota_no_overstaffing",
                violation_error_message=_("Over-staffing: actual exceeds approved."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_category_display()} {self.actual}/{self.approved}"

    @property
    def vacant(self) -> int:
        return self.approved - self.actual


class PostBalance(models.Model):
    """The live count of leadership posts per organization × rank: approved and actual."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="post_balances"
    )
    rank = models.CharField(_("rank"), max_length=16, choices=PostRank.choices)
    approved = models.PositiveIntegerField(_("approved"), default=0)
    actual = models.PositiveIntegerField(_("actual"), default=0)

    class Meta:
        verbose_name = _("leadership post balance")
        verbose_name_plural = _("leadership post balances")
        constraints = [
            models.UniqueConstraint(fields=["organization", "rank"], name="orgs_post_balance_key"),
            models.CheckConstraint(
                condition=Q(actual__lte=F("approved")),
                name="orgs_post_no_overstaffing",
                violation_error_message=_("Leadership posts exceed the approved number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_rank_display()} {self.actual}/{self.approved}"

    @property
    def vacant(self) -> int:
        return self.approved - self.actual


class Person(models.Model):
    """A person on the payroll, identified by the resident identity number (公民身份号码).

    Stored once; shown masked to roles that do not need it.
    """

    identity_number = models.CharField(_("identity number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=100)
    birth_date = models.DateField(_("birth date"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    """A person occupying one quota slot in one organization (实名制在编人员).

    Optionally in an internal body and a leadership post. Ended, never deleted.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="appointments"
    )
    internal_body = models.ForeignKey(
        InternalBody, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    category = models.CharField(_("category"), max_length=32, choices=QuotaCategory.choices)
    funding_type = models.CharField(
        _("funding type"), max_length=16, choices=FundingType.choices, blank=True
    )
    post_rank = models.CharField(
        _("leadership post"), max_length=16, choices=PostRank.choices, blank=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["organization", "end_date"], name="orgs_appt_org_active"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="orgs_one_active_appointment",
                violation_error_message=_("A person holds one appointment at a time."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="orgs_appt_window",
                violation_error_message=_("An appointment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None
