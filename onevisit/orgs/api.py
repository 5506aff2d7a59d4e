"""API of the institutional registry: organizations, charters, quotas, staff, appointments.

Scoped like the pages: organizations, charters and quota tables are public records (to
any authenticated caller); staff only within `selectors.may_read_staff`, with identity
numbers through `selectors.identity_for`; writes only where `selectors.may_manage`.
Whatever the caller may not read or change is a 404. Writes go through the services.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.core.schemas import AUTH_ERRORS, ErrorOut
from onevisit.regions.models import Region

from . import selectors, services
from .choices import FundingType, OrgKind, PostRank, QuotaCategory
from .models import Appointment, InternalBody, Organization
from .schemas import (
    ID_MAX,
    AppointmentEndIn,
    AppointmentIn,
    AppointmentOut,
    AppointmentTransferIn,
    CharterOut,
    OrganizationFilters,
    OrganizationOut,
    OrganizationPage,
    QuotasOut,
    StaffOut,
)

router = Router(tags=["organizations"])

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _id(description: str):
    return Path(..., ge=1, le=ID_MAX, description=description)


# --- shaping -------------------------------------------------------------------
def _ref(org: Organization) -> dict:
    return {"id": org.pk, "name": org.name}


def _organization(org: Organization) -> dict:
    return {
        "id": org.pk,
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "kind_label": str(OrgKind(org.kind).label),
        "institution_class": org.institution_class,
        "region": {"code": org.region.code, "name": org.region.name},
        "level": org.level,
        "managing_organization": (
            _ref(org.managing_organization) if org.managing_organization_id else None
        ),
        "credit_code": org.credit_code,
        "valid_from": org.valid_from,
        "valid_to": org.valid_to,
    }


def _body(body: InternalBody | None) -> dict | None:
    if body is None:
        return None
    return {"id": body.pk, "position": body.position, "name": body.name, "duties": body.duties}


def _rank_label(rank: str) -> str:
    return str(PostRank(rank).label)


def _appointment(user, appt: Appointment) -> dict:
    return {
        "id": appt.pk,
        "organization": _ref(appt.organization),
        "person_id": appt.person_id,
        "name": appt.person.name,
        "identity_number": selectors.identity_for(user=user, appointment=appt),
        "category": appt.category,
        "funding_type": appt.funding_type,
        "internal_body": _body(appt.internal_body),
        "post_rank": appt.post_rank,
        "start_date": appt.start_date,
        "end_date": appt.end_date,
        "end_reason": appt.end_reason,
        "document_number": appt.document_number,
    }


# --- reads -----------------------------------------------------------------------
@router.get("/organizations", response={200: OrganizationPage, **READ_ERRORS})
def organization_list(request, filters: Query[OrganizationFilters]):
    """Organizations in force, filtered by region subtree, level, kind and name."""
    region = None
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
        if region is None:
            raise NotFound(_("No region with code %(code)s.") % {"code": filters.region})
    qs = selectors.organization_list(
        user=request.user,
        region=region,
        level=filters.level,
        kind=filters.kind,
        search=(filters.q or "").strip() or None,
    )
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_organization(o) for o in items],
    }


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, **READ_ERRORS})
def organization_detail(request, organization_id: int = _id("Organization id")):
    return _organization(selectors.organization_get(user=request.user, pk=organization_id))


@router.get("/organizations/{organization_id}/charter", response={200: CharterOut, **READ_ERRORS})
def organization_charter(request, organization_id: int = _id("Organization id")):
    """The current "three determinations" charter (三定规定)."""
    org = selectors.organization_get(user=request.user, pk=organization_id)
    charter = selectors.charter_current_of(organization=org)
    if charter is None:
        raise NotFound(_("%(org)s has no charter in force.") % {"org": org.name})
    return {
        "id": charter.pk,
        "organization": _ref(org),
        "document_number": charter.document_number,
        "effective_date": charter.effective_date,
        "functions": [f.text for f in charter.functions.all()],
        "internal_bodies": [_body(b) for b in charter.internal_bodies.all()],
        "quotas": [
            {
                "category": q.category,
                "category_label": services.category_label(q.category, q.funding_type),
                "funding_type": q.funding_type,
                "approved": q.approved,
            }
            for q in charter.quota_lines.all()
        ],
        "posts": [
            {"rank": p.rank, "rank_label": _rank_label(p.rank), "approved": p.approved}
            for p in charter.post_lines.all()
        ],
    }


@router.get("/organizations/{organization_id}/quotas", response={200: QuotasOut, **READ_ERRORS})
def organization_quotas(request, organization_id: int = _id("Organization id")):
    """Approved, actual and vacant (核定/实有/空编) per category and funding type, and posts."""
    org = selectors.organization_get(user=request.user, pk=organization_id)
    quotas = selectors.quota_table(organization=org)
    posts = selectors.post_table(organization=org)
    approved = sum(q.approved for q in quotas)
    actual = sum(q.actual for q in quotas)
    return {
        "organization": _ref(org),
        "quotas": [
            {
                "category": q.category,
                "category_label": services.category_label(q.category, q.funding_type),
                "funding_type": q.funding_type,
                "approved": q.approved,
                "actual": q.actual,
                "vacant": q.vacant,
            }
            for q in quotas
        ],
        "posts": [
            {
                "rank": p.rank,
                "rank_label": _rank_label(p.rank),
                "approved": p.approved,
                "actual": p.actual,
                "vacant": p.vacant,
            }
            for p in posts
        ],
        "approved": approved,
        "actual": actual,
        "vacant": approved - actual,
    }


@router.get("/organizations/{organization_id}/staff", response={200: StaffOut, **READ_ERRORS})
def organization_staff(
    request,
    organization_id: int = _id("Organization id"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Active staff (实名制在编人员); a 404 unless the caller may read this organization's staff.

    Identity numbers are masked unless the caller's role needs them in full.
    """
    org = selectors.organization_get(user=request.user, pk=organization_id)
    qs = selectors.staff_of(user=request.user, organization=org)
    page = list(qs[offset : offset + limit])
    for appt in page:
        appt.organization = org  # already loaded with its region: no query per row
    return {
        "organization": _ref(org),
        "count": qs.count(),
        "items": [_appointment(request.user, a) for a in page],
    }


# --- writes ----------------------------------------------------------------------
def _managed_organization(user, pk: int) -> Organization:
    """The organization if the user may change its registry; otherwise the same 404 as for
    one that does not exist, so that nothing is learned about other regions."""
    try:
        org = selectors.organization_get(user=user, pk=pk)
    except Http404 as exc:
        raise NotFound(_("No organization %(id)s that you may manage.") % {"id": pk}) from exc
    if not selectors.may_manage(user=user, organization=org):
        raise NotFound(_("No organization %(id)s that you may manage.") % {"id": pk})
    return org


def _managed_appointment(user, pk: int) -> Appointment:
    appt = selectors.appointment_get_any(user=user, pk=pk)
    if not selectors.may_manage(user=user, organization=appt.organization):
        raise NotFound(_("No appointment %(id)s that you may manage.") % {"id": pk})
    return appt


def _internal_body(org: Organization, pk: int | None) -> InternalBody | None:
    if pk is None:
        return None
    body = selectors.internal_bodies_of(organization=org).select_related("charter").filter(pk=pk)
    found = body.first()
    if found is None:
        raise ValidationFailed(
            _("Internal body %(id)s is not an internal body of %(org)s's current charter.")
            % {"id": pk, "org": org.name},
            code="body_not_in_organization",
        )
    return found


def _check_vocabulary(category: str, funding_type: str, post_rank: str) -> None:
    # The schema already restricts these; the check keeps the message clear if it changes.
    if category not in QuotaCategory.values or funding_type not in FundingType.values:
        raise ValidationFailed(_("Unknown quota category or funding type."))
    if post_rank and post_rank not in PostRank.values:
        raise ValidationFailed(_("Unknown leadership rank “%(r)s”.") % {"r": post_rank})


@router.post("/appointments", response={201: AppointmentOut, **WRITE_ERRORS})
def appointment_create(request, payload: AppointmentIn):
    """Appoint a person into one quota slot (人员进编).

    The person is found or registered by identity number first. Over-staffing is a 409
    with code `over_staffing` naming the organization, the category, approved and actual.
    """
    user = request.user
    org = _managed_organization(user, payload.organization_id)
    _check_vocabulary(payload.category, payload.funding_type, payload.post_rank)
    body = _internal_body(org, payload.internal_body_id)
    # Registered in its own transaction (as the service does): holding the audit chain's
    # lock while waiting for the quota row would invite lock-order deadlocks on PostgreSQL.
    person = services.person_register(
        actor=user, identity_number=payload.identity_number, name=payload.name
    )
    appt = services.appointment_create(
        actor=user,
        person=person,
        organization=org,
        category=payload.category,
        funding_type=payload.funding_type,
        internal_body=body,
        post_rank=payload.post_rank,
        start_date=payload.start_date,
        document_number=payload.document_number,
    )
    return Status(201, _appointment(user, appt))


@router.post("/appointments/{appointment_id}/end", response={200: AppointmentOut, **WRITE_ERRORS})
def appointment_end(
    request, payload: AppointmentEndIn, appointment_id: int = _id("Appointment id")
):
    """End an appointment (人员出编): the slot becomes vacant again."""
    appt = _managed_appointment(request.user, appointment_id)
    ended = services.appointment_end(
        actor=request.user,
        appointment=appt,
        end_date=payload.end_date,
        reason=payload.reason,
        document_number=payload.document_number,
    )
    return _appointment(request.user, ended)


@router.post(
    "/appointments/{appointment_id}/transfer", response={201: AppointmentOut, **WRITE_ERRORS}
)
def appointment_transfer(
    request, payload: AppointmentTransferIn, appointment_id: int = _id("Appointment id")
):
    """Transfer a person to another organization (调动) in one transaction; 201 with the
    new appointment."""
    user = request.user
    appt = _managed_appointment(user, appointment_id)
    target = _managed_organization(user, payload.to_organization_id)
    _check_vocabulary(payload.category, payload.funding_type, payload.post_rank)
    body = _internal_body(target, payload.internal_body_id)
    new = services.appointment_transfer(
        actor=user,
        appointment=appt,
        to_organization=target,
        category=payload.category,
        funding_type=payload.funding_type,
        internal_body=body,
        post_rank=payload.post_rank,
        transfer_date=payload.transfer_date,
        document_number=payload.document_number,
    )
    return Status(201, _appointment(user, new))
