"""API of reform plans and of the registry through time (as-of, diff, lineage).

The registry's history is a public record (any authenticated caller); plans are read by
the establishment office and supervisors of their region, and written by the office.
"""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Path, Query, Router, Schema, Status

from onevisit.core.schemas import AUTH_ERRORS, ErrorOut
from onevisit.orgs import selectors as org_selectors
from onevisit.regions.models import Region

from . import selectors, services
from .models import OperationKind

router = Router(tags=["reforms"])

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ID_MAX = 2**62
MIN_DATE, MAX_DATE = datetime.date(1949, 10, 1), datetime.date(2199, 12, 31)


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    from onevisit.regions.selectors import region_get

    return region_get(code=code)


class AsOfQuery(Schema):
    date: datetime.date = Field(..., ge=MIN_DATE, le=MAX_DATE)
    region: str | None = Field(None, pattern=r"^\d{2,9}$")


class OrgAsOfOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    region: str
    managing_organization_id: int | None


@router.get("/registry/as-of", response={200: list[OrgAsOfOut], **READ_ERRORS})
def registry_as_of(request, q: Query[AsOfQuery]):
    """Every organization in existence on the date, with the name it bore then."""
    return [
        {
            "id": o.pk,
            "name": o.name,
            "kind": o.kind,
            "level": o.level,
            "region": o.region_code,
            "managing_organization_id": o.managing_id,
        }
        for o in selectors.organizations_as_of(date=q.date, region=_region(q.region))
    ]


class DiffQuery(Schema):
    start: datetime.date = Field(..., ge=MIN_DATE, le=MAX_DATE)
    end: datetime.date = Field(..., ge=MIN_DATE, le=MAX_DATE)
    region: str | None = Field(None, pattern=r"^\d{2,9}$")


class OrgRefOut(Schema):
    id: int
    name: str


class LinkOut(Schema):
    predecessor: OrgRefOut
    successor: OrgRefOut
    kind: str
    date: datetime.date
    plan: str


class DiffOut(Schema):
    established: list[OrgRefOut]
    abolished: list[OrgRefOut]
    renamed: list[tuple[str, str]]
    merged: list[LinkOut]
    function_moves: list[tuple[str, str, str]]
    quota_deltas: list[tuple[str, str, int, int]]


def _link(link) -> dict:
    return {
        "predecessor": {"id": link.predecessor_id, "name": link.predecessor.name},
        "successor": {"id": link.successor_id, "name": link.successor.name},
        "kind": link.kind,
        "date": link.date,
        "plan": link.plan.document_number,
    }


@router.get("/registry/diff", response={200: DiffOut, **READ_ERRORS})
def registry_diff(request, q: Query[DiffQuery]):
    """What changed between two dates."""
    diff = selectors.registry_diff(start=q.start, end=q.end, region=_region(q.region))
    return {
        "established": [{"id": o.pk, "name": o.name} for o in diff.established],
        "abolished": [{"id": o.pk, "name": o.name} for o in diff.abolished],
        "renamed": diff.renamed,
        "merged": [_link(link) for link in diff.merged],
        "function_moves": diff.function_moves,
        "quota_deltas": diff.quota_deltas,
    }


class LineageOut(Schema):
    predecessors: list[LinkOut]
    successors: list[LinkOut]


@router.get("/organizations/{organization_id}/lineage", response={200: LineageOut, **READ_ERRORS})
def organization_lineage(request, organization_id: int = Path(..., ge=1, le=ID_MAX)):
    org = org_selectors.organization_get(user=request.user, pk=organization_id)
    found = selectors.lineage(organization=org)
    return {k: [_link(link) for link in v] for k, v in found.items()}


class QuotaAsOfOut(Schema):
    category: str
    funding_type: str
    approved: int
    actual: int


class OrganizationAsOfOut(Schema):
    id: int
    name: str
    date: datetime.date
    exists: bool
    charter_document: str | None
    functions: list[str]
    quotas: list[QuotaAsOfOut]
    staff: int


class DateQuery(Schema):
    date: datetime.date = Field(..., ge=MIN_DATE, le=MAX_DATE)


@router.get(
    "/organizations/{organization_id}/as-of", response={200: OrganizationAsOfOut, **READ_ERRORS}
)
def organization_as_of(
    request, q: Query[DateQuery], organization_id: int = Path(..., ge=1, le=ID_MAX)
):
    """An organization, its charter, quota table and staff count as they stood on a date."""
    org = org_selectors.organization_get(user=request.user, pk=organization_id)
    exists = org.valid_from <= q.date and (org.valid_to is None or q.date < org.valid_to)
    charter = selectors.charter_as_of(organization=org, date=q.date)
    name = selectors.names_on(q.date, [org.pk]).get(org.pk, org.name)
    return {
        "id": org.pk,
        "name": name,
        "date": q.date,
        "exists": exists,
        "charter_document": charter.document_number if charter else None,
        "functions": [f.text for f in charter.functions.all()] if charter else [],
        "quotas": [
            {"category": c, "funding_type": fnd, **row}
            for (c, fnd), row in selectors.quota_table_as_of(organization=org, date=q.date).items()
        ],
        "staff": selectors.staff_count_as_of(organization=org, date=q.date),
    }


# --- plans -------------------------------------------------------------------------
class PlanIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*$")
    document_number: str = Field(..., min_length=1, max_length=100, pattern=r"^[^\x00]*$")
    effective_date: datetime.date = Field(..., ge=MIN_DATE, le=MAX_DATE)
    region: str = Field(..., pattern=r"^\d{2,9}$")


class OperationIn(Schema):
    kind: OperationKind
    payload: dict[str, Any]


class OperationOut(Schema):
    position: int
    kind: str
    payload: dict[str, Any]


class FindingOut(Schema):
    position: int | None
    code: str
    message: str


class SectionOut(Schema):
    key: str
    title: str
    lines: list[str]


class PlanOut(Schema):
    id: int
    name: str
    document_number: str
    effective_date: datetime.date
    region: str
    status: str
    operations: list[OperationOut]


class PlanCheckOut(Schema):
    ok: bool
    findings: list[FindingOut]
    impact: list[SectionOut]


def _plan(plan) -> dict:
    return {
        "id": plan.pk,
        "name": plan.name,
        "document_number": plan.document_number,
        "effective_date": plan.effective_date,
        "region": plan.region.code,
        "status": plan.status,
        "operations": [
            {"position": o.position, "kind": o.kind, "payload": o.payload}
            for o in plan.operations.all()
        ],
    }


def _writable_plan(request, plan_id: int):
    from django.http import Http404

    from onevisit.core.scoping import registry_write_scope

    plan = selectors.plan_get(user=request.user, pk=plan_id)
    if not registry_write_scope(request.user).covers(
        region_code=plan.region.code, organization_id=None
    ):
        raise Http404("No such plan")
    return plan


@router.get("/reform-plans", response={200: list[PlanOut], **READ_ERRORS})
def plan_list(request):
    return [
        _plan(p)
        for p in selectors.plans_visible_to(user=request.user)
        .prefetch_related("operations")
        .order_by("-effective_date", "-pk")[:200]
    ]


@router.post("/reform-plans", response={201: PlanOut, **WRITE_ERRORS})
def plan_create(request, data: PlanIn):
    from django.http import Http404

    from onevisit.core.scoping import registry_write_scope

    region = _region(data.region)
    if not registry_write_scope(request.user).covers(region_code=region.code, organization_id=None):
        raise Http404("No such region")
    plan = services.reform_plan_create(
        actor=request.user,
        name=data.name,
        document_number=data.document_number,
        effective_date=data.effective_date,
        region=region,
    )
    return Status(201, _plan(plan))


@router.get("/reform-plans/{plan_id}", response={200: PlanOut, **READ_ERRORS})
def plan_detail(request, plan_id: int = Path(..., ge=1, le=ID_MAX)):
    return _plan(selectors.plan_get(user=request.user, pk=plan_id))


@router.post("/reform-plans/{plan_id}/operations", response={201: PlanOut, **WRITE_ERRORS})
def plan_add_operation(request, data: OperationIn, plan_id: int = Path(..., ge=1, le=ID_MAX)):
    plan = _writable_plan(request, plan_id)
    services.reform_operation_add(
        actor=request.user, plan=plan, kind=data.kind, payload=data.payload
    )
    return Status(201, _plan(plan))


@router.get("/reform-plans/{plan_id}/check", response={200: PlanCheckOut, **READ_ERRORS})
def plan_check(request, plan_id: int = Path(..., ge=1, le=ID_MAX)):
    """Validation findings and the impact report, against the registry on the plan's date."""
    check = services.reform_plan_check(plan=selectors.plan_get(user=request.user, pk=plan_id))
    return {
        "ok": check.ok,
        "findings": [
            {"position": f.position, "code": f.code, "message": f.message} for f in check.findings
        ],
        "impact": [{"key": s.key, "title": s.title, "lines": s.lines} for s in check.impact],
    }


@router.post("/reform-plans/{plan_id}/submit", response={200: PlanOut, **WRITE_ERRORS})
def plan_submit(request, plan_id: int = Path(..., ge=1, le=ID_MAX)):
    plan = services.reform_plan_submit(actor=request.user, plan=_writable_plan(request, plan_id))
    return _plan(plan)


@router.post("/reform-plans/{plan_id}/approve", response={200: PlanOut, **WRITE_ERRORS})
def plan_approve(request, plan_id: int = Path(..., ge=1, le=ID_MAX)):
    plan = services.reform_plan_approve(actor=request.user, plan=_writable_plan(request, plan_id))
    return _plan(plan)
