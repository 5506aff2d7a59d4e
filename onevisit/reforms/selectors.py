"""As-of reads of the registry: what stood on any date, what changed between two dates,
and each organization's lineage. Organizations and charters are public records."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from onevisit.core.scoping import plan_scope
from onevisit.orgs.history import (  # noqa: F401  (re-exported: the registry through time)
    OrgAsOf,
    alive_on,
    charter_as_of,
    charter_in_force_on,
    names_on,
    organizations_as_of,
    quota_table_as_of,
    staff_count_as_of,
    staff_on,
    tree_as_of,
)
from onevisit.orgs.models import (
    Charter,
    FormerName,
    Organization,
    QuotaLine,
)
from onevisit.regions.models import Region

from .models import OrganizationLink, PlanStatus, ReformPlan


@dataclass
class RegistryDiff:
    """What changed between two dates."""

    established: list[Organization] = field(default_factory=list)
    abolished: list[Organization] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    merged: list[OrganizationLink] = field(default_factory=list)
    function_moves: list[tuple[str, str, str]] = field(default_factory=list)
    quota_deltas: list[tuple[str, str, int, int]] = field(default_factory=list)
    plans: list[ReformPlan] = field(default_factory=list)


def registry_diff(
    *, start: datetime.date, end: datetime.date, region: Region | None = None
) -> RegistryDiff:
    """Established, abolished, renamed, merged; function moves; quota deltas in (start, end]."""
    if end < start:
        start, end = end, start
    orgs = Organization.objects.all()
    if region is not None:
        orgs = orgs.filter(region__code__startswith=region.code)
    diff = RegistryDiff()
    diff.established = list(orgs.filter(valid_from__gt=start, valid_from__lte=end))
    diff.abolished = list(orgs.filter(valid_to__gt=start, valid_to__lte=end))
    renames = FormerName.objects.filter(
        organization__in=orgs, valid_to__gt=start, valid_to__lte=end
    ).select_related("organization")
    later_names = {
        (r.organization_id, r.valid_from): r.name
        for r in FormerName.objects.filter(organization__in=orgs)
    }
    for r in renames:
        diff.renamed.append(
            (r.name, later_names.get((r.organization_id, r.valid_to), r.organization.name))
        )
    diff.merged = list(
        OrganizationLink.objects.filter(date__gt=start, date__lte=end, successor__in=orgs)
        .select_related("predecessor", "successor")
        .order_by("date", "successor__name")
    )
    diff.plans = list(
        ReformPlan.objects.filter(
            status=PlanStatus.APPLIED, effective_date__gt=start, effective_date__lte=end
        ).order_by("effective_date")
    )

    def functions_on(date):
        holders: dict[str, set[int]] = defaultdict(set)
        for text, org_id in Charter.objects.filter(
            charter_in_force_on(date), organization__in=orgs
        ).values_list("functions__text", "organization_id"):
            if text:
                holders[text].add(org_id)
        return holders

    before, after = functions_on(start), functions_on(end)
    names = dict(orgs.values_list("pk", "name"))
    for text, holders in after.items():
        old = before.get(text, set())
        for gained in holders - old:
            for lost in old - holders or {None}:
                diff.function_moves.append((names.get(lost, "—"), names.get(gained, "—"), text))

    def quotas_on(date):
        totals: dict[tuple[int, str], int] = defaultdict(int)
        for org_id, cat, n in QuotaLine.objects.filter(
            charter_in_force_on(date, "charter__"), charter__organization__in=orgs
        ).values_list("charter__organization_id", "category", "approved"):
            totals[(org_id, cat)] += n
        return totals

    q1, q2 = quotas_on(start), quotas_on(end)
    for key in sorted(set(q1) | set(q2)):
        if q1.get(key, 0) != q2.get(key, 0):
            diff.quota_deltas.append(
                (names.get(key[0], "—"), key[1], q1.get(key, 0), q2.get(key, 0))
            )
    return diff


def lineage(*, organization: Organization) -> dict:
    """Predecessors and successors, through every reform, nearest first."""

    def walk(field_from: str, field_to: str) -> list[OrganizationLink]:
        seen, frontier, out = {organization.pk}, [organization.pk], []
        while frontier:
            links = list(
                OrganizationLink.objects.filter(**{f"{field_from}__in": frontier}).select_related(
                    "predecessor", "successor", "plan"
                )
            )
            frontier = []
            for link in links:
                nxt = getattr(link, f"{field_to}_id")
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
                    out.append(link)
        return out

    return {
        "predecessors": walk("successor_id", "predecessor"),
        "successors": walk("predecessor_id", "successor"),
    }


# --- plans ---------------------------------------------------------------------------
def plans_visible_to(*, user) -> QuerySet[ReformPlan]:
    """Plans of the regions where the user is an establishment officer or a supervisor."""
    scope = plan_scope(user)
    return ReformPlan.objects.filter(
        scope.q(region_field="region__code", organization_field="pk")
    ).select_related("region")


def plan_get(*, user, pk: int) -> ReformPlan:
    from django.http import Http404

    try:
        return plans_visible_to(user=user).get(pk=pk)
    except (ReformPlan.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such plan")


def timeline(*, organization: Organization) -> list[dict]:
    """An organization's life through reforms, oldest first: establishment, charters,
    renames, links to predecessors and successors, abolition."""
    events = [{"date": organization.valid_from, "kind": "established", "text": ""}]
    for charter in Charter.objects.filter(organization=organization).order_by(
        "effective_date", "pk"
    ):
        events.append(
            {"date": charter.effective_date, "kind": "charter", "text": charter.document_number}
        )
    for former in FormerName.objects.filter(organization=organization):
        events.append({"date": former.valid_to, "kind": "renamed", "text": former.name})
    for link in OrganizationLink.objects.filter(successor=organization).select_related(
        "predecessor", "plan"
    ):
        events.append(
            {
                "date": link.date,
                "kind": "predecessor",
                "text": link.predecessor.name,
                "organization": link.predecessor,
                "plan": link.plan,
            }
        )
    for link in OrganizationLink.objects.filter(predecessor=organization).select_related(
        "successor", "plan"
    ):
        events.append(
            {
                "date": link.date,
                "kind": "successor",
                "text": link.successor.name,
                "organization": link.successor,
                "plan": link.plan,
            }
        )
    if organization.valid_to:
        events.append({"date": organization.valid_to, "kind": "abolished", "text": ""})
    order = {
        "established": 0,
        "predecessor": 1,
        "renamed": 2,
        "charter": 3,
        "successor": 4,
        "abolished": 5,
    }
    return sorted(events, key=lambda e: (e["date"], order[e["kind"]]))
