"""Reads of the registry's past: what stood on any date (as-of queries).

Effective dates, not the audit trail, say when something was true in law: organizations
exist from `valid_from` until (excluding) `valid_to`, a charter from its effective date until
the next one, an appointment from its start until (excluding) its end.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from onevisit.regions.models import Region

from .models import Appointment, Charter, FormerName, Organization, QuotaLine


def alive_on(date: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": date})
    )


def charter_in_force_on(date: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}effective_date__lte": date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": date})
    )


def names_on(date: datetime.date, org_ids) -> dict[int, str]:
    """The name each organization bore on the date, where it differed from today's."""
    return dict(
        FormerName.objects.filter(
            organization_id__in=org_ids, valid_from__lte=date, valid_to__gt=date
        ).values_list("organization_id", "name")
    )


@dataclass
class OrgAsOf:
    """An organization as it stood on a date."""

    pk: int
    name: str
    kind: str
    level: str
    region_code: str
    managing_id: int | None
    institution_class: str = ""
    children: list[OrgAsOf] = field(default_factory=list)


def organizations_as_of(*, date: datetime.date, region: Region | None = None) -> list[OrgAsOf]:
    """Every organization in existence on the date (with its name then), two queries."""
    qs = Organization.objects.filter(alive_on(date))
    if region is not None:
        qs = qs.filter(region__code__startswith=region.code)
    rows = list(
        qs.values_list(
            "pk",
            "name",
            "kind",
            "level",
            "region__code",
            "managing_organization_id",
            "institution_class",
        ).order_by("region__code", "level", "name")
    )
    former = names_on(date, [r[0] for r in rows])
    return [
        OrgAsOf(pk, former.get(pk, name), kind, level, code, managing, klass)
        for pk, name, kind, level, code, managing, klass in rows
    ]


def tree_as_of(*, date: datetime.date, region: Region | None = None) -> list[OrgAsOf]:
    """The organization tree (by managing organization) on the date: the roots, nested."""
    orgs = organizations_as_of(date=date, region=region)
    by_pk = {o.pk: o for o in orgs}
    roots = []
    for org in orgs:
        parent = by_pk.get(org.managing_id)
        (parent.children if parent else roots).append(org)
    return roots


def charter_as_of(*, organization: Organization, date: datetime.date) -> Charter | None:
    return (
        Charter.objects.filter(charter_in_force_on(date), organization=organization)
        .prefetch_related("functions", "internal_bodies", "quota_lines", "post_lines")
        .first()
    )


def quota_table_as_of(*, organization: Organization, date: datetime.date) -> dict:
    """Approved (from the charter in force) and actual (appointments in force) on the date."""
    approved = {
        (q.category, q.funding_type): q.approved
        for q in QuotaLine.objects.filter(
            charter_in_force_on(date, "charter__"), charter__organization=organization
        )
    }
    actual = {
        (r["category"], r["funding_type"]): r["n"]
        for r in staff_on(date)
        .filter(organization=organization)
        .values("category", "funding_type")
        .annotate(n=Count("id"))
        .order_by()
    }
    return {
        key: {"approved": approved.get(key, 0), "actual": actual.get(key, 0)}
        for key in sorted(set(approved) | set(actual))
    }


def staff_on(date: datetime.date) -> QuerySet[Appointment]:
    """Appointments in force on the date (start inclusive, end exclusive)."""
    return Appointment.objects.filter(
        Q(start_date__lte=date) & (Q(end_date__isnull=True) | Q(end_date__gt=date))
    )


def staff_count_as_of(*, organization: Organization, date: datetime.date) -> int:
    return staff_on(date).filter(organization=organization).count()
