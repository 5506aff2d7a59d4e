"""As-of reads of the registry: what stood on any date, what changed between two dates,
and each organization's lineage. Organizations and charters are public records."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from onevisit.core.scoping import plan_scope
from onevisit.orgs.models import (
    Appointment,
    Charter,
    FormerName,
    Organization,
    QuotaLine,
)
from onevisit.regions.models import Region

from .models import OrganizationLink, PlanStatus, ReformPlan


def _alive_on(date: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": date})
    )


def _charter_on(date: datetime.date, prefix: str = "") -> Q:
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
    qs = Organization.objects.filter(_alive_on(date))
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
        Charter.objects.filter(_charter_on(date), organization=organization)
        .prefetch_related("functions", "internal_bodies", "quota_lines", "post_lines")
        .first()
    )


def quota_table_as_of(*, organization: Organization, date: datetime.date) -> dict:
    """Approved (from the charter in force) and actual (appointments in force) on the date."""
    approved = {
        (q.category, q.funding_type): q.approved
        for q in QuotaLine.objects.filter(
            _charter_on(date, "charter__"), charter__organization=organization
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
            _charter_on(date), organization__in=orgs
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
            _charter_on(date, "charter__"), charter__organization__in=orgs
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
