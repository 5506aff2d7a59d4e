"""The shared kernel's models: users, the roles they hold, API tokens, the audit trail, and
the holiday arrangements of the working-day calendar."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in (用户): an officer, a citizen or an enterprise representative.

    What a user may see and do follows from the roles they hold, never from the user row.
    """

    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    """The roles of ARCHITECTURE.md; each is held in an organization and a region."""

    CITIZEN = "citizen", _("Citizen")
    ENTERPRISE = "enterprise", _("Enterprise representative")
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    DEPARTMENT_REVIEWER = "department_reviewer", _("Department reviewer")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    ESTABLISHMENT_OFFICER = "establishment_officer", _("Establishment officer")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("Enforcement officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    SYSTEM_ADMINISTRATOR = "system_administrator", _("System administrator")


class RoleAssignment(models.Model):
    """A role held by a user in an organization and a region (岗位角色).

    Region-wide roles (establishment officer, supervisor) see the region's subtree;
    department roles see their own organization; the system administrator sees all.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization", "region"],
                name="core_role_assignment_unique",
                violation_error_message=_("This user already holds this role here."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization or self.region}"


class ApiToken(models.Model):
    """A bearer token for the API (接口令牌); only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "ov_" + secrets.token_urlsafe(32)


class AuditEntry(models.Model):
    """One entry of the audit trail (审计日志), hash-chained to the one before it.

    `at` is when the system learned of the change; when a change is true in law is
    carried by the objects' own effective dates.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis (document number)"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence number and hash.

    Locking it serializes appends, and it lets verification notice a deleted tail.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class HolidayArrangement(models.Model):
    """The State Council's holiday arrangement for one year (国务院办公厅关于部分节假日安排的
    通知), published as data by a system administrator: the days given off and the weekend
    days worked (调休上班). It rules that year's working days in `core.calendar`, over the
    ``holidays`` library; publishing it again (an amended notice) replaces it and moves
    `revision`. The dates are ISO strings, sorted.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("notice (title and document number)"), max_length=300)
    days_off = models.JSONField(_("days off"), default=list)
    weekend_working_days = models.JSONField(_("weekend days worked"), default=list)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("holiday arrangement")
        verbose_name_plural = _("holiday arrangements")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="core_holiday_arrangement_year",
                violation_error_message=_("The year must lie between 2000 and 2100."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.source}"
