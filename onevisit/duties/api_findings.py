"""API of the analyzer's findings (offside, absence, dislocation) and their acknowledgement.

Findings are read by the establishment office and supervisors of a region (404 elsewhere),
and acknowledged — with a reason, for the facts as they stand — by the establishment office
only. The facts digest is never sent by the client: it is taken from the current finding.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from onevisit.core.errors import Forbidden
from onevisit.core.schemas import AUTH_ERRORS, ErrorOut
from onevisit.core.scoping import plan_scope, registry_write_scope
from onevisit.regions.models import Region

from . import services
from .analysis import find_finding, findings_for, summary

router = Router(tags=["duties"])

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MIN_DATE, MAX_DATE = datetime.date(1949, 10, 1), datetime.date(2199, 12, 31)
Kind = Literal["offside", "absence", "dislocation"]


class FindingsQuery(Schema):
    region: str | None = Field(None, pattern=r"^\d{2,9}$", description="division code")
    as_of: datetime.date | None = Field(None, ge=MIN_DATE, le=MAX_DATE)
    kind: Kind | None = None


class ObjectOut(Schema):
    type: str
    id: int | str
    label: str


class FindingOut(Schema):
    kind: Kind
    code: str
    severity: str
    key: str
    region_code: str
    objects: list[ObjectOut]
    explanation_en: str
    explanation_zh: str
    suggested_fix_en: str
    suggested_fix_zh: str
    facts: str
    acknowledged: bool
    acknowledged_reason: str


class FindingsOut(Schema):
    as_of: datetime.date
    counts: dict[str, int]
    items: list[FindingOut]


class AcknowledgeIn(Schema):
    key: str = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., max_length=4000)
    region: str | None = Field(None, pattern=r"^\d{2,9}$")
    as_of: datetime.date | None = Field(None, ge=MIN_DATE, le=MAX_DATE)


class AcknowledgementOut(Schema):
    key: str
    kind: Kind
    facts: str
    reason: str


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    from onevisit.regions.selectors import region_get

    return region_get(code=code)


def _shape(finding) -> dict:
    data = finding.as_dict()
    data.pop("details", None)
    return data


@router.get("/duties/findings", response={200: FindingsOut, **READ_ERRORS})
def findings_list(request, q: Query[FindingsQuery]):
    """Offside, absence and dislocation in the lists of a region on a date (default today)."""
    as_of = q.as_of or timezone.localdate()
    found = findings_for(request.user, _region(q.region), as_of, kind=q.kind)
    return {"as_of": as_of, "counts": summary(found), "items": [_shape(x) for x in found]}


@router.post("/duties/findings/acknowledge", response={201: AcknowledgementOut, **WRITE_ERRORS})
def finding_acknowledge(request, payload: AcknowledgeIn):
    """Acknowledge a current finding with a reason; it shows again when its facts change."""
    scope = registry_write_scope(request.user)
    if scope.nothing and not plan_scope(request.user).nothing:
        raise Forbidden(
            _("Only the establishment office acknowledges findings."),
            code="not_establishment_office",
        )
    finding = find_finding(
        request.user,
        payload.key,
        region=_region(payload.region),
        as_of=payload.as_of,
        scope=scope,
    )
    ack = services.finding_acknowledge(
        actor=request.user,
        key=finding.key,
        kind=finding.kind,
        facts=finding.facts,
        reason=payload.reason,
    )
    return Status(201, {"key": ack.key, "kind": ack.kind, "facts": ack.facts, "reason": ack.reason})
