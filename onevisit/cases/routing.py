"""Routing (分办): which organization handles an item for an applicant on a day.

The organization that exercises the item's duty in the applicant's region (or the nearest
region above it) as the registry stands on the day of intake; a lead organization before
a co-responsible one. An item whose duty has no assignment there goes to its implementing
organization, if that organization exists on the day.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils.translation import gettext as _

from onevisit.core.errors import Conflict
from onevisit.core.hotpath import placeholders, select_models
from onevisit.duties.choices import AssignmentRole
from onevisit.duties.models import DutyAssignment
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

PREFIX_LENGTHS = (2, 4, 6, 9, 12)


def region_chain(region: Region) -> list[str]:
    """The region's code and every code above it, nearest first."""
    return [region.code[:n] for n in reversed(PREFIX_LENGTHS) if n <= len(region.code)]


def route(items, region: Region, day: datetime.date) -> dict[int, Organization]:
    """{item id: organization} for every item: the region chain's ids, then the assignments
    with their organizations (and the implementing organizations only for items nobody is
    assigned); SQL compiled once, as this runs on every submission. Refuses an item nobody
    handles in that region on that day, naming it."""
    chain = region_chain(region)
    depth = {
        r.pk: chain.index(r.code)
        for r in select_models(Region, f"t.code IN ({placeholders(chain)})", chain)
    }
    duties = sorted({i.duty_id for i in items if i.duty_id is not None})
    on = connection.ops.adapt_datefield_value(day)
    rows = []
    if duties and depth:
        rows = select_models(
            DutyAssignment,
            f"t.duty_id IN ({placeholders(duties)}) AND t.region_id IN ({placeholders(depth)})"
            " AND t.valid_from <= %s AND (t.valid_to IS NULL OR t.valid_to > %s)"
            " AND r.valid_from <= %s AND (r.valid_to IS NULL OR r.valid_to > %s)"
            " ORDER BY t.id",
            [*duties, *depth, on, on, on, on],
            related="organization",
        )
    best: dict[int, tuple[tuple[int, int], Organization]] = {}
    for a in rows:
        rank = (depth[a.region_id], 0 if a.role == AssignmentRole.LEAD else 1)
        if a.duty_id not in best or rank < best[a.duty_id][0]:
            best[a.duty_id] = (rank, a.organization)
    # Items nobody is assigned for go to their implementing organization, read afresh
    # (the item may come from a kept intake plan) and only if it exists on the day.
    fallback = sorted({i.organization_id for i in items if i.duty_id not in best})
    implementers = {}
    if fallback:
        implementers = {
            o.pk: o
            for o in select_models(
                Organization,
                f"t.id IN ({placeholders(fallback)}) AND t.valid_from <= %s"
                " AND (t.valid_to IS NULL OR t.valid_to > %s)",
                [*fallback, on, on],
            )
        }
    routed: dict[int, Organization] = {}
    for item in items:
        if item.duty_id in best:
            org = best[item.duty_id][1]
        else:
            org = implementers.get(item.organization_id)
        if org is None:
            raise Conflict(
                _("No organization handles %(item)s in %(region)s on %(day)s.")
                % {"item": item.implementation_code, "region": region.name, "day": day},
                code="no_route",
            )
        routed[item.pk] = org
    return routed
