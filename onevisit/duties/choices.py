"""Vocabularies of the power and responsibility lists (DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyCategory(models.IntegerChoices):
    """Categories of power, with the codes of the national service-item standard."""

    LICENSING = 1, _("Administrative licensing")
    PENALTY = 2, _("Administrative penalty")
    COERCION = 3, _("Administrative coercion")
    LEVY = 4, _("Administrative levy")
    BENEFIT = 5, _("Administrative benefit")
    INSPECTION = 6, _("Administrative inspection")
    CONFIRMATION = 7, _("Administrative confirmation")
    REWARD = 8, _("Administrative reward")
    ADJUDICATION = 9, _("Administrative adjudication")
    OTHER = 10, _("Other administrative power")
    PUBLIC_SERVICE = 20, _("Public service")


#: Government powers proper (everything but public service): a Party organ or a public
#: institution may hold one only by delegation.
GOVERNMENT_POWERS = frozenset(c for c in DutyCategory.values if c != DutyCategory.PUBLIC_SERVICE)


class Stage(models.TextChoices):
    """Stages at which responsibility items are fixed (责任事项)."""

    ACCEPTANCE = "acceptance", _("Acceptance")
    REVIEW = "review", _("Review")
    DECISION = "decision", _("Decision")
    DELIVERY = "delivery", _("Delivery")
    SUPERVISION = "supervision", _("Supervision")


class AssignmentRole(models.TextChoices):
    """How an organization holds a duty."""

    LEAD = "lead", _("Implementing organization")
    CO_RESPONSIBLE = "co_responsible", _("Co-responsible organization")


class FindingKind(models.TextChoices):
    """The three faults of duties the reform asks to remove."""

    OFFSIDE = "offside", _("Offside (越位)")
    ABSENCE = "absence", _("Absence (缺位)")
    DISLOCATION = "dislocation", _("Dislocation (错位)")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
