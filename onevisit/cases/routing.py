"""Routing (分办): which organization handles an item for an applicant on a day.

The organization that exercises the item's duty in the applicant's region (or the nearest
region above it) as the registry stands on the day of intake; a lead organization before
a co-responsible one. An item whose duty has no assignment there goes to its implementing
organization, if that organization exists on the day.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from onevisit.catalog.models import ServiceItem
from onevisit.core.errors import Conflict
from onevisit.duties.choices import AssignmentRole
from onevisit.duties.models import DutyAssignment
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

PREFIX_LENGTHS = (2, 4, 6, 9, 12)


def region_chain(region: Region) -> list[str]:
    """The region's code and every code above it, nearest first."""
    return [region.code[:n] for n in reversed(PREFIX_LENGTHS) if n <= len(region.code)]


def _exists_on(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def route(items: list[ServiceItem], region: Region, day: datetime.date) -> dict[int, Organization]:
    """{item id: organization} for every item, in two queries; refuses an item nobody
    handles in that region on that day, naming it."""
    chain = region_chain(region)
    depth = {code: n for n, code in enumerate(chain)}
    rows = (
        DutyAssignment.objects.filter(
            _exists_on(day),
            _exists_on(day, "organization__"),
            duty_id__in={i.duty_id for i in items},
            region__code__in=chain,
        )
        .select_related("organization", "region")
        .order_by("pk")
    )
    best: dict[int, tuple[tuple[int, int], Organization]] = {}
    for a in rows:
        rank = (depth[a.region.code], 0 if a.role == AssignmentRole.LEAD else 1)
        if a.duty_id not in best or rank < best[a.duty_id][0]:
            best[a.duty_id] = (rank, a.organization)
    routed: dict[int, Organization] = {}
    for item in items:
        org = best[item.duty_id][1] if item.duty_id in best else _implementer(item, day)
        if org is None:
            raise Conflict(
                _("No organization handles %(item)s in %(region)s on %(day)s.")
                % {"item": item.implementation_code, "region": region.name, "day": day},
                code="no_route",
            )
        routed[item.pk] = org
    return routed


def _implementer(item: ServiceItem, day: datetime.date) -> Organization | None:
    """The item's implementing organization, if it exists on the day."""
    org = item.organization
    if org.valid_from <= day and (org.valid_to is None or org.valid_to > day):
        return org
    return None
