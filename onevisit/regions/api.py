"""API of the regions registry (行政区划) and the staffing summary of a region's subtree."""

from __future__ import annotations

from ninja import Path, Router, Schema

from onevisit.core.schemas import AUTH_ERRORS, ErrorOut
from onevisit.orgs import selectors as org_selectors
from onevisit.orgs.services import category_label

from . import selectors
from .models import Level

router = Router(tags=["regions"])

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
CODE_PATTERN = r"^[0-9]{2,12}$"


def _code():
    return Path(..., pattern=CODE_PATTERN, description="GB/T 2260 code without trailing zeros")


class RegionOut(Schema):
    code: str
    full_code: str
    name: str
    level: str
    level_label: str
    parent_code: str | None = None


class StaffingRowOut(Schema):
    category: str
    category_label: str
    funding_type: str
    approved: int
    actual: int
    vacant: int


class StaffingLevelOut(Schema):
    level: str
    level_label: str
    approved: int
    actual: int
    vacant: int


class StaffingOut(Schema):
    region: RegionOut
    organizations: int
    approved: int
    actual: int
    vacant: int
    by_category: list[StaffingRowOut]
    by_level: list[StaffingLevelOut]


def _out(region) -> dict:
    return {
        "code": region.code,
        "full_code": region.full_code,
        "name": region.name,
        "level": region.level,
        "level_label": str(Level(region.level).label) if region.level in Level.values else "",
        "parent_code": region.parent.code if region.parent_id else None,
    }


@router.get("", response={200: list[RegionOut], **AUTH_ERRORS})
def region_roots(request):
    """The top-level regions (provinces)."""
    return [_out(r) for r in selectors.region_children(region=None).select_related("parent")]


@router.get("/{code}", response={200: RegionOut, **READ_ERRORS})
def region_detail(request, code: str = _code()):
    return _out(selectors.region_get(code=code))


@router.get("/{code}/children", response={200: list[RegionOut], **READ_ERRORS})
def region_children(request, code: str = _code()):
    region = selectors.region_get(code=code)
    children = selectors.region_children(region=region).order_by("code")
    out = []
    for child in children:
        child.parent = region  # known: no query per child
        out.append(_out(child))
    return out


@router.get("/{code}/staffing", response={200: StaffingOut, **READ_ERRORS})
def region_staffing(request, code: str = _code()):
    """Approved, actual and vacant (核定/实有/空编) for the region's whole subtree, per quota
    category and per level."""
    region = selectors.region_get(code=code)
    summary = org_selectors.staffing_summary(user=request.user, region=region)
    by_level = []
    for level in Level:
        row = summary["by_level"].get(level.value)
        if row is not None:
            by_level.append(
                {
                    "level": level.value,
                    "level_label": str(level.label),
                    "approved": row.approved,
                    "actual": row.actual,
                    "vacant": row.vacant,
                }
            )
    return {
        "region": _out(region),
        "organizations": summary["organizations"],
        "approved": summary["approved"],
        "actual": summary["actual"],
        "vacant": summary["approved"] - summary["actual"],
        "by_category": [
            {
                "category": r.category,
                "category_label": category_label(r.category, r.funding_type),
                "funding_type": r.funding_type,
                "approved": r.approved,
                "actual": r.actual,
                "vacant": r.vacant,
            }
            for r in summary["by_category"]
        ],
        "by_level": by_level,
    }
