"""Reads of the institutional registry, always starting from what the user may see.

Organizations and their charters are public records; staff and people are scoped by
`staff_scope`, and an object outside the scope is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from onevisit.core.identifiers import mask_identity_number
from onevisit.core.scoping import registry_write_scope, sees_identity_numbers, staff_scope
from onevisit.regions.models import Region

from .models import (
    Appointment,
    Charter,
    InternalBody,
    Organization,
    PostBalance,
    QuotaBalance,
)


def organization_list(
    *,
    user,
    region: Region | None = None,
    level: str | None = None,
    kind: str | None = None,
    search: str | None = None,
    include_abolished: bool = False,
) -> QuerySet[Organization]:
    """Organizations in a region's subtree (public records), filtered."""
    qs = Organization.objects.select_related("region", "managing_organization")
    if region is not None:
        qs = qs.filter(region__code__startswith=region.code)
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(name_en__icontains=search))
    if not include_abolished:
        qs = qs.filter(valid_to__isnull=True)
    return qs.order_by("region__code", "level", "name")


def organization_get(*, user, pk: int) -> Organization:
    try:
        return Organization.objects.select_related("region", "managing_organization").get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404("No such organization")


def charter_current_of(*, organization: Organization) -> Charter | None:
    return (
        Charter.objects.filter(organization=organization, valid_to__isnull=True)
        .prefetch_related("functions", "internal_bodies", "quota_lines", "post_lines")
        .first()
    )


def quota_table(*, organization: Organization) -> list[QuotaBalance]:
    return list(QuotaBalance.objects.filter(organization=organization).order_by("category"))


def post_table(*, organization: Organization) -> list[PostBalance]:
    return list(PostBalance.objects.filter(organization=organization).order_by("rank"))


def may_read_staff(*, user, organization: Organization) -> bool:
    return staff_scope(user).covers(
        region_code=organization.region.code, organization_id=organization.pk
    )


def staff_visible_to(*, user) -> QuerySet[Appointment]:
    """Active appointments the user may read."""
    scope = staff_scope(user)
    return (
        Appointment.objects.filter(end_date__isnull=True)
        .filter(
            scope.q(region_field="organization__region__code", organization_field="organization")
        )
        .select_related("person", "organization", "internal_body")
    )


def staff_of(*, user, organization: Organization) -> QuerySet[Appointment]:
    """The active staff of one organization; 404 if the user may not read them."""
    if not may_read_staff(user=user, organization=organization):
        raise Http404("No such organization staff")
    return (
        staff_visible_to(user=user)
        .filter(organization=organization)
        .order_by("internal_body__position", "person__name")
    )


def appointment_get(*, user, pk: int) -> Appointment:
    try:
        return staff_visible_to(user=user).select_related("organization__region").get(pk=pk)
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such appointment")


def may_manage(*, user, organization: Organization) -> bool:
    """Whether the user may change this organization's registry (appoint, end, transfer)."""
    return registry_write_scope(user).covers(
        region_code=organization.region.code, organization_id=organization.pk
    )


def appointment_get_any(*, user, pk: int) -> Appointment:
    """An appointment, active or ended, of staff the user may read; 404 otherwise."""
    scope = staff_scope(user)
    qs = Appointment.objects.filter(
        scope.q(region_field="organization__region__code", organization_field="organization")
    ).select_related("person", "organization__region", "internal_body")
    try:
        return qs.get(pk=pk)
    except (Appointment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such appointment")


def identity_for(*, user, appointment: Appointment) -> str:
    """The identity number as this user may see it: full or masked."""
    number = appointment.person.identity_number
    org = appointment.organization
    if sees_identity_numbers(user, region_code=org.region.code, organization_id=org.pk):
        return number
    return mask_identity_number(number)


@dataclass(frozen=True)
class StaffingRow:
    """One line of a staffing summary: approved, actual and vacant for a category."""

    category: str
    funding_type: str
    approved: int
    actual: int

    @property
    def vacant(self) -> int:
        return self.approved - self.actual


def staffing_summary(*, user, region: Region) -> dict:
    """Approved / actual / vacant per category and per level for a region's subtree."""
    balances = QuotaBalance.objects.filter(
        organization__region__code__startswith=region.code, organization__valid_to__isnull=True
    )
    by_category = [
        StaffingRow(r["category"], r["funding_type"], r["approved"] or 0, r["actual"] or 0)
        for r in balances.values("category", "funding_type")
        .annotate(approved=Sum("approved"), actual=Sum("actual"))
        .order_by("category", "funding_type")
    ]
    by_level = {
        r["organization__level"]: StaffingRow("", "", r["approved"] or 0, r["actual"] or 0)
        for r in balances.values("organization__level")
        .annotate(approved=Sum("approved"), actual=Sum("actual"))
        .order_by()
    }
    organizations = Organization.objects.filter(
        region__code__startswith=region.code, valid_to__isnull=True
    ).aggregate(total=Count("id"))["total"]
    return {
        "region": region,
        "organizations": organizations,
        "by_category": by_category,
        "by_level": by_level,
        "approved": sum(r.approved for r in by_category),
        "actual": sum(r.actual for r in by_category),
    }


def organization_children(*, organization: Organization) -> QuerySet[Organization]:
    return organization.managed_organizations.filter(valid_to__isnull=True).order_by("name")


def charter_history(*, organization: Organization) -> QuerySet[Charter]:
    return Charter.objects.filter(organization=organization).order_by("-effective_date")


def staffing_by_child_region(*, user, region: Region) -> list[dict]:
    """Approved / actual / vacant and organization count for each child region of `region`.

    Two aggregated queries in all (balances and organizations grouped by the child's code
    prefix), never one per child. Organizations sitting at `region` itself are left out;
    `staffing_summary` counts them in the region's total.
    """
    from django.db.models.functions import Substr

    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    width = len(children[0].code)
    balances = {
        r["prefix"]: r
        for r in QuotaBalance.objects.filter(
            organization__region__code__startswith=region.code,
            organization__valid_to__isnull=True,
        )
        .annotate(prefix=Substr("organization__region__code", 1, width))
        .values("prefix")
        .annotate(approved=Sum("approved"), actual=Sum("actual"))
        .order_by()
    }
    counts = {
        r["prefix"]: r["total"]
        for r in Organization.objects.filter(
            region__code__startswith=region.code, valid_to__isnull=True
        )
        .annotate(prefix=Substr("region__code", 1, width))
        .values("prefix")
        .annotate(total=Count("id"))
        .order_by()
    }
    rows = []
    for child in children:
        b = balances.get(child.code, {})
        rows.append(
            {
                "region": child,
                "organizations": counts.get(child.code, 0),
                "totals": StaffingRow("", "", b.get("approved") or 0, b.get("actual") or 0),
            }
        )
    return rows


def internal_bodies_of(*, organization: Organization) -> QuerySet[InternalBody]:
    """The internal bodies of the organization's current charter, in charter order."""
    return InternalBody.objects.filter(
        charter__organization=organization, charter__valid_to__isnull=True
    ).order_by("position")


def organizations_managed_by(*, user) -> QuerySet[Organization]:
    """Existing organizations whose registry the user may change (e.g. transfer targets)."""
    scope = registry_write_scope(user)
    return (
        Organization.objects.filter(valid_to__isnull=True)
        .filter(scope.q(region_field="region__code", organization_field="pk"))
        .select_related("region")
        .order_by("region__code", "name")
    )
