"""API of the power and responsibility lists (权责清单).

Lists are public records: any authenticated caller reads every region's list. Adding an
item needs the establishment office of the region; assigning, ending and moving, that of
the organizations concerned. Whatever the caller may not change is a 404, as in the
registry API. Writes go through the services.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import field_validator

from onevisit.core.access import changeable_or_404
from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.core.schemas import AUTH_ERRORS, ErrorOut
from onevisit.orgs import selectors as org_selectors
from onevisit.orgs.models import Organization
from onevisit.orgs.schemas import ID_MAX, LevelValue, OrganizationRef, RegionRef
from onevisit.regions.models import Region

from . import selectors, services
from .choices import DutyCategory, Stage
from .models import Duty, DutyAssignment

router = Router(tags=["duties"])

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

#: Text without NUL characters (PostgreSQL refuses them), bounded.
Line = Annotated[str, Field(pattern=r"^[^\x00]*$", max_length=300)]
LongText = Annotated[str, Field(pattern=r"^[^\x00]*$", max_length=4000)]
CategoryCode = Literal[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20]
RoleValue = Literal["lead", "co_responsible"]
StageValue = Literal["acceptance", "review", "decision", "delivery", "supervision"]
Provenance = Literal["base_catalog", "derived", "local"]


# --- schemas ---------------------------------------------------------------------------
class DutyFilters(Schema):
    region: str | None = Field(None, pattern=r"^[0-9]{2,12}$", description="Region code.")
    subtree: bool = Field(False, description="Include the lists of the region's subtree.")
    category: int | None = Field(None, ge=1, le=20, description="Category code: 1–10 or 20.")
    q: Annotated[str, Field(pattern=r"^[^\x00]*$", max_length=100)] | None = Field(
        None, description="Part of the code or name."
    )
    organization: int | None = Field(
        None, ge=1, le=ID_MAX, description="Only duties this organization exercises now."
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: int | None) -> int | None:
        if value is not None and value not in DutyCategory.values:
            raise ValueError("category must be 1–10 or 20")
        return value


class LegalBasisIO(Schema):
    law: Line
    article: Annotated[str, Field(pattern=r"^[^\x00]*$", max_length=50)] = ""
    clause: Annotated[str, Field(pattern=r"^[^\x00]*$", max_length=50)] = ""


class AssignmentOut(Schema):
    id: int
    duty_id: int
    organization: OrganizationRef
    region: RegionRef
    level: str
    role: str
    division_of_labour: str
    delegated: bool
    valid_from: datetime.date
    valid_to: datetime.date | None


class BaseRef(Schema):
    id: int
    code: str


class DutyOut(Schema):
    id: int
    code: str
    name: str
    category: int
    category_label: str
    region: RegionRef
    provenance: Provenance
    base: BaseRef | None
    levels: list[str]
    organizations: list[OrganizationRef]
    valid_from: datetime.date
    valid_to: datetime.date | None


class DutyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DutyOut]


class ResponsibilityOut(Schema):
    stage: str
    stage_label: str
    texts: list[str]


class DutyDetailOut(DutyOut):
    function: str
    local_reason: str
    legal_bases: list[LegalBasisIO]
    assignments: list[AssignmentOut]
    responsibilities: list[ResponsibilityOut]
    accountability: list[str]


class DutyIn(Schema):
    region: str = Field(..., pattern=r"^[0-9]{2,12}$", description="Region code of the list.")
    code: Annotated[str, Field(pattern=r"^[^\x00]*$", min_length=1, max_length=40)]
    name: Annotated[str, Field(pattern=r"^[^\x00]*$", min_length=1, max_length=300)]
    category: CategoryCode
    levels: list[LevelValue] = Field(..., min_length=1, max_length=4)
    legal_bases: list[LegalBasisIO] = Field(default_factory=list, max_length=50)
    function: LongText = ""
    base_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="The base-catalog item it derives from."
    )
    local_reason: LongText = Field("", description="Needed for a local addition (no base).")
    responsibilities: dict[StageValue, LongText] = Field(default_factory=dict)
    accountability: list[LongText] = Field(default_factory=list, max_length=50)
    valid_from: datetime.date | None = None


class AssignmentIn(Schema):
    organization_id: int = Field(..., ge=1, le=ID_MAX)
    region: str | None = Field(
        None, pattern=r"^[0-9]{2,12}$", description="Where (default: the organization's)."
    )
    level: LevelValue | None = None
    role: RoleValue = "lead"
    division_of_labour: LongText = ""
    delegated: bool = False
    valid_from: datetime.date | None = None


class AssignmentEndIn(Schema):
    date: datetime.date | None = None
    reason: LongText = ""


class AssignmentMoveIn(Schema):
    to_organization_id: int = Field(..., ge=1, le=ID_MAX)
    date: datetime.date | None = None
    legal_basis: Line = ""


# --- shaping -----------------------------------------------------------------------------
def _region(region: Region) -> dict:
    return {"code": region.code, "name": region.name}


def _category_label(category: int) -> str:
    try:
        return str(DutyCategory(category).label)
    except ValueError:
        return str(category)


def _assignment(a: DutyAssignment) -> dict:
    return {
        "id": a.pk,
        "duty_id": a.duty_id,
        "organization": {"id": a.organization_id, "name": a.organization.name},
        "region": _region(a.region),
        "level": a.level,
        "role": a.role,
        "division_of_labour": a.division_of_labour,
        "delegated": a.delegated,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
    }


def _duty(duty: Duty, assignments: list[DutyAssignment]) -> dict:
    return {
        "id": duty.pk,
        "code": duty.code,
        "name": duty.name,
        "category": duty.category,
        "category_label": _category_label(duty.category),
        "region": _region(duty.region),
        "provenance": getattr(duty, "provenance", None)
        or (
            selectors.BASE_CATALOG
            if duty.is_base_catalog
            else selectors.DERIVED
            if duty.base_id
            else selectors.LOCAL
        ),
        "base": {"id": duty.base_id, "code": duty.base.code} if duty.base_id else None,
        "levels": list(duty.levels),
        "organizations": [
            {"id": a.organization_id, "name": a.organization.name} for a in assignments
        ],
        "valid_from": duty.valid_from,
        "valid_to": duty.valid_to,
    }


def _detail(user, pk: int) -> dict:
    d = selectors.duty_detail(user=user, pk=pk)
    return {
        **_duty(d.duty, d.assignments),
        "function": d.duty.function,
        "local_reason": d.duty.local_reason,
        "legal_bases": [
            {"law": b.law, "article": b.article, "clause": b.clause} for b in d.legal_bases
        ],
        "assignments": [_assignment(a) for a in d.assignments],
        "responsibilities": [
            {"stage": stage, "stage_label": label, "texts": texts}
            for stage, label, texts in d.responsibilities
        ],
        "accountability": d.accountability,
    }


# --- lookups that answer 404 for what the caller may not change -------------------------
def _region_by_code(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(_("No region with code %(code)s.") % {"code": code})
    return region


def _managed_region(user, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or not selectors.may_manage_list(user=user, region=region):
        raise NotFound(_("No region %(code)s whose list you may change.") % {"code": code})
    return region


def _managed_organization(user, pk: int) -> Organization:
    return changeable_or_404(
        lambda: org_selectors.organization_get(user=user, pk=pk),
        lambda obj: org_selectors.may_manage(user=user, organization=obj),
        _("No organization %(id)s that you may manage.") % {"id": pk},
    )


def _managed_assignment(user, pk: int) -> DutyAssignment:
    return changeable_or_404(
        lambda: selectors.assignment_get(user=user, pk=pk),
        lambda obj: selectors.may_manage_assignment(user=user, assignment=obj),
        _("No duty assignment %(id)s that you may manage.") % {"id": pk},
    )


def _id(description: str):
    return Path(..., ge=1, le=ID_MAX, description=description)


# --- reads ---------------------------------------------------------------------------------
@router.get("/duties", response={200: DutyPage, **READ_ERRORS})
def duty_list(request, filters: Query[DutyFilters]):
    """A region's list (权责清单), each item marked base catalog / derived / local."""
    region = _region_by_code(filters.region) if filters.region else None
    organization = None
    if filters.organization is not None:
        organization = Organization.objects.filter(pk=filters.organization).first()
        if organization is None:
            raise NotFound(_("No organization %(id)s.") % {"id": filters.organization})
    qs = selectors.duty_list(
        user=request.user,
        region=region,
        category=filters.category,
        search=(filters.q or "").strip() or None,
        organization=organization,
        subtree=filters.subtree,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_duty(d, d.current_assignments) for d in page],
    }


@router.get("/duties/{duty_id}", response={200: DutyDetailOut, **READ_ERRORS})
def duty_detail(request, duty_id: int = _id("Duty id")):
    """A duty with its legal bases, current holders, responsibilities and accountability."""
    return _detail(request.user, duty_id)


# --- writes --------------------------------------------------------------------------------
@router.post("/duties", response={201: DutyDetailOut, **WRITE_ERRORS})
def duty_create(request, payload: DutyIn):
    """Put an item on a region's list: derived from a base-catalog item (`base_id`) or a
    local addition with its reason (`local_reason`). A code already on the list is a 409."""
    user = request.user
    region = _managed_region(user, payload.region)
    base = None
    if payload.base_id is not None:
        base = Duty.objects.select_related("region").filter(pk=payload.base_id).first()
        if base is None:
            raise NotFound(_("No base-catalog item %(id)s.") % {"id": payload.base_id})
    duty = services.duty_create(
        actor=user,
        region=region,
        spec=services.DutySpec(
            code=payload.code,
            name=payload.name,
            category=payload.category,
            levels=list(payload.levels),
            legal_bases=[(b.law, b.article, b.clause) for b in payload.legal_bases],
            function=payload.function,
            responsibilities={Stage(k).value: v for k, v in payload.responsibilities.items()},
            accountability=list(payload.accountability),
        ),
        base=base,
        local_reason=payload.local_reason,
        valid_from=payload.valid_from,
    )
    return Status(201, _detail(user, duty.pk))


@router.post("/duties/{duty_id}/assignments", response={201: AssignmentOut, **WRITE_ERRORS})
def duty_assign(request, payload: AssignmentIn, duty_id: int = _id("Duty id")):
    """Make an organization exercise the duty (实施主体); 409 if it already does there."""
    user = request.user
    duty = selectors.duty_get(user=user, pk=duty_id)
    if not selectors.may_manage_list(user=user, region=duty.region):
        raise NotFound(_("No duty %(id)s whose holders you may change.") % {"id": duty_id})
    org = _managed_organization(user, payload.organization_id)
    region = _region_by_code(payload.region) if payload.region else None
    where = region or org.region
    if not where.code.startswith(duty.region.code):
        raise ValidationFailed(
            _("%(where)s is outside %(list)s, whose list this item is on.")
            % {"where": where.name, "list": duty.region.name},
            code="region_outside_list",
        )
    assignment = services.duty_assign(
        actor=user,
        duty=duty,
        organization=org,
        region=region,
        level=payload.level,
        role=payload.role,
        division_of_labour=payload.division_of_labour,
        delegated=payload.delegated,
        valid_from=payload.valid_from,
    )
    return Status(201, _assignment(assignment))


@router.post("/duty-assignments/{assignment_id}/end", response={200: AssignmentOut, **WRITE_ERRORS})
def duty_assignment_end(
    request, payload: AssignmentEndIn, assignment_id: int = _id("Duty assignment id")
):
    """Stop an organization exercising a duty from a date; 409 if it has already ended."""
    assignment = _managed_assignment(request.user, assignment_id)
    ended = services.duty_assignment_end(
        actor=request.user, assignment=assignment, date=payload.date, reason=payload.reason
    )
    return _assignment(ended)


@router.post(
    "/duty-assignments/{assignment_id}/move", response={201: AssignmentOut, **WRITE_ERRORS}
)
def duty_assignment_move(
    request, payload: AssignmentMoveIn, assignment_id: int = _id("Duty assignment id")
):
    """Move a duty to another organization (职责划转) in one transaction; 201 with the new
    assignment."""
    user = request.user
    assignment = _managed_assignment(user, assignment_id)
    target = _managed_organization(user, payload.to_organization_id)
    new = services.duty_assignment_move(
        actor=user,
        assignment=assignment,
        to_organization=target,
        date=payload.date,
        legal_basis=payload.legal_basis,
    )
    return Status(201, _assignment(new))
