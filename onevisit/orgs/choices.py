"""The registry's vocabularies (DOMAIN.md), in English with the Chinese terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgKind(models.TextChoices):
    """Kinds of organization (机构类型)."""

    PARTY_ORGAN = "party_organ", _("Party organ")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    DIRECTLY_AFFILIATED = "directly_affiliated", _("Directly affiliated body")
    DEPARTMENT_MANAGED = "department_managed", _("Department-managed bureau")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    ENFORCEMENT_BODY = "enforcement_body", _("Comprehensive enforcement body")
    TOWNSHIP_GOVERNMENT = "township_government", _("Township / street government")


#: Party and government organs: no public-institution quota may be used inside them.
ORGAN_KINDS = frozenset(
    {
        OrgKind.PARTY_ORGAN,
        OrgKind.GOVERNMENT_DEPARTMENT,
        OrgKind.DIRECTLY_AFFILIATED,
        OrgKind.DEPARTMENT_MANAGED,
        OrgKind.ENFORCEMENT_BODY,
        OrgKind.TOWNSHIP_GOVERNMENT,
    }
)


class InstitutionClass(models.TextChoices):
    """Classes of public institution (事业单位分类)."""

    WELFARE_1 = "welfare_1", _("Public welfare, class 1")
    WELFARE_2 = "welfare_2", _("Public welfare, class 2")
    ADMINISTRATIVE = "administrative", _("Bearing administrative functions")
    BUSINESS = "business", _("Production and business type")


class QuotaCategory(models.TextChoices):
    """Staffing quota categories (编制类别)."""

    ADMINISTRATIVE = "administrative", pgettext_lazy("quota category", "Administrative")
    POLITICAL_LEGAL = "political_legal", pgettext_lazy("quota category", "Political-legal special")
    PUBLIC_INSTITUTION = "public_institution", pgettext_lazy("quota category", "Public institution")
    SERVICE_STAFF = "service_staff", pgettext_lazy("quota category", "Service staff")


class FundingType(models.TextChoices):
    """Funding of public-institution quotas (经费形式); empty for the other categories."""

    NONE = "", _("—")
    FULL = "full", _("Fully funded")
    PARTIAL = "partial", _("Partly funded")
    SELF = "self", _("Self-funded")


class PostRank(models.TextChoices):
    """Leadership posts (领导职数): heads and deputies."""

    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy")
