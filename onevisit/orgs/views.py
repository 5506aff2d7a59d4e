"""Pages of the institutional registry: the organization tree, the charter sheet, staff,
appointments and the staffing overview of a region.

Views parse input and render; reads go through `selectors`, writes through `services`.
An object the user may not see (or may not manage, for the forms) is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from onevisit.core.errors import DomainError
from onevisit.core.scoping import registry_write_scope
from onevisit.regions import selectors as region_selectors
from onevisit.regions.models import LEVEL_ORDER, Level, Region

from . import history, selectors, services
from .choices import FundingType, OrgKind, QuotaCategory
from .forms import (
    DATE_WIDGET,
    AppointmentEndForm,
    AppointmentForm,
    AppointmentTransferForm,
    TreeFilterForm,
)
from .models import Appointment, Organization

TREE_PAGE_SIZE = 250
AS_OF_MIN, AS_OF_MAX = datetime.date(1949, 10, 1), datetime.date(2199, 12, 31)


class TreeAsOfForm(TreeFilterForm):
    """The tree's filters and the date the registry is read as of (optional)."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_WIDGET)

    def clean_as_of(self):
        date = self.cleaned_data.get("as_of")
        if date is not None and not (AS_OF_MIN <= date <= AS_OF_MAX):
            raise forms.ValidationError(
                _("Give a date between %(min)s and %(max)s.")
                % {"min": AS_OF_MIN.isoformat(), "max": AS_OF_MAX.isoformat()}
            )
        return date


# --- helpers -----------------------------------------------------------------
def may_manage(user, organization: Organization) -> bool:
    return registry_write_scope(user).covers(
        region_code=organization.region.code, organization_id=organization.pk
    )


def _managed_organization(request, pk: int) -> Organization:
    organization = selectors.organization_get(user=request.user, pk=pk)
    if not may_manage(request.user, organization):
        raise Http404("No such organization")
    return organization


def _staff_rows(user, appointments) -> list[dict]:
    return [
        {"appointment": a, "identity": selectors.identity_for(user=user, appointment=a)}
        for a in appointments
    ]


def _partial_or_page(request, page: str, partial: str, context: dict, status: int = 200):
    template = partial if request.htmx and not request.htmx.boosted else page
    return render(request, template, context, status=status)


# --- the organization tree ---------------------------------------------------
@dataclass
class Node:
    """An organization on the tree page and those it manages that are on the same page."""

    organization: Organization
    children: list[Node] = field(default_factory=list)
    manager_elsewhere: bool = False


def _nest(organizations: list[Organization]) -> list[dict]:
    """Group by level, nest each organization under its managing organization."""
    groups = []
    for level in LEVEL_ORDER:
        members = [o for o in organizations if o.level == level]
        if not members:
            continue
        nodes = {o.pk: Node(o) for o in members}
        roots = []
        for o in members:
            parent = nodes.get(o.managing_organization_id)
            if parent is not None and parent is not nodes[o.pk]:
                parent.children.append(nodes[o.pk])
            else:
                nodes[o.pk].manager_elsewhere = o.managing_organization_id is not None
                roots.append(nodes[o.pk])
        groups.append(
            {"level": level, "label": Level(level).label, "nodes": roots, "count": len(members)}
        )
    return groups


def _as_of_organizations(date, region, filters) -> list[SimpleNamespace]:
    """The organizations of the subtree on the date, with the names they bore then, shaped
    like organizations for the tree's templates (three queries, whatever the size)."""
    rows = history.organizations_as_of(date=date, region=region)
    level, kind = filters.get("level"), filters.get("kind")
    search = (filters.get("q") or "").strip().lower()
    regions = {r.code: r for r in Region.objects.filter(code__in={o.region_code for o in rows})}
    names = {o.pk: o.name for o in rows}
    missing = {o.managing_id for o in rows if o.managing_id and o.managing_id not in names}
    if missing:
        names.update(Organization.objects.filter(pk__in=missing).values_list("pk", "name"))
        names.update(history.names_on(date, missing))
    order = {lvl: i for i, lvl in enumerate(LEVEL_ORDER)}
    chosen = [
        o
        for o in rows
        if (not level or o.level == level)
        and (not kind or o.kind == kind)
        and (not search or search in o.name.lower())
    ]
    chosen.sort(key=lambda o: (order.get(o.level, 99), o.region_code, o.name))
    return [
        SimpleNamespace(
            pk=o.pk,
            name=o.name,
            level=o.level,
            kind=o.kind,
            get_kind_display=OrgKind(o.kind).label if o.kind in OrgKind.values else o.kind,
            region=regions.get(o.region_code),
            managing_organization_id=o.managing_id,
            managing_organization=SimpleNamespace(name=names.get(o.managing_id, "—")),
        )
        for o in chosen
    ]


def tree(request):
    """Organizations of a region's subtree by level, nested under their managing bodies;
    with a date, the organizations in existence then, under the names they bore then."""
    form = TreeAsOfForm(request.GET or None)
    status = 200
    if form.is_valid():
        filters = form.cleaned_data
    else:
        filters = {}
        if "as_of" in form.errors:
            status = 400
    code = (filters.get("region") or "").strip()
    region = region_selectors.region_get(code=code) if code else None
    as_of = filters.get("as_of")
    if as_of:
        organizations = _as_of_organizations(as_of, region, filters)
    else:
        organizations = selectors.organization_list(
            user=request.user,
            region=region,
            level=filters.get("level") or None,
            kind=filters.get("kind") or None,
            search=(filters.get("q") or "").strip() or None,
        ).order_by(
            Case(
                *(When(level=lvl, then=Value(i)) for i, lvl in enumerate(LEVEL_ORDER)),
                output_field=IntegerField(),
            ),
            "region__code",
            "name",
        )
    page = Paginator(organizations, TREE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "region": region,
        "as_of": as_of,
        "ancestors": region_selectors.region_ancestors(region=region) if region else [],
        "subregions": list(region_selectors.region_children(region=region)),
        "page": page,
        "groups": _nest(list(page.object_list)),
    }
    return _partial_or_page(request, "orgs/tree.html", "orgs/_tree_results.html", context, status)


# --- the charter sheet -------------------------------------------------------
def detail(request, pk: int):
    """The organization's charter sheet (三定规定): functions, bodies, quotas, posts, staff."""
    organization = selectors.organization_get(user=request.user, pk=pk)
    staff = None
    if selectors.may_read_staff(user=request.user, organization=organization):
        staff = _staff_rows(
            request.user,
            selectors.staff_of(user=request.user, organization=organization).select_related(
                "organization__region"
            ),
        )
    quotas = selectors.quota_table(organization=organization)
    posts = selectors.post_table(organization=organization)
    context = {
        "organization": organization,
        "ancestors": region_selectors.region_ancestors(region=organization.region),
        "charter": selectors.charter_current_of(organization=organization),
        "history": list(selectors.charter_history(organization=organization)),
        "managed": list(selectors.organization_children(organization=organization)),
        "quotas": quotas,
        "quota_totals": _totals(quotas),
        "posts": posts,
        "post_totals": _totals(posts),
        "staff": staff,
        "can_manage": may_manage(request.user, organization),
    }
    return render(request, "orgs/detail.html", context)


def _totals(balances) -> dict:
    approved = sum(b.approved for b in balances)
    actual = sum(b.actual for b in balances)
    return {"approved": approved, "actual": actual, "vacant": approved - actual}


@login_required
def staff(request, pk: int):
    """The staff list alone (实名制); 404 outside the user's staff scope."""
    organization = selectors.organization_get(user=request.user, pk=pk)
    appointments = selectors.staff_of(user=request.user, organization=organization)
    context = {
        "organization": organization,
        "ancestors": region_selectors.region_ancestors(region=organization.region),
        "staff": _staff_rows(request.user, appointments.select_related("organization__region")),
        "can_manage": may_manage(request.user, organization),
    }
    return render(request, "orgs/staff.html", context)


# --- appointments ------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def appoint(request, pk: int):
    """Appoint a person into a quota slot (人员进编); over-staffing is refused with 409."""
    organization = _managed_organization(request, pk)
    form_kwargs = {
        "quota_balances": selectors.quota_table(organization=organization),
        "post_balances": selectors.post_table(organization=organization),
        "internal_bodies": selectors.internal_bodies_of(organization=organization),
    }
    error, status = None, 200
    if request.method == "POST":
        form = AppointmentForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            category, funding_type = form.chosen_slot()
            try:
                # One transaction: a refused appointment registers no person either.
                with transaction.atomic():
                    person = services.person_register(
                        actor=request.user,
                        identity_number=data["identity_number"],
                        name=data["name"],
                    )
                    services.appointment_create(
                        actor=request.user,
                        person=person,
                        organization=organization,
                        category=category,
                        funding_type=funding_type,
                        internal_body=data["internal_body"],
                        post_rank=data["post_rank"] or "",
                        start_date=data["start_date"],
                        document_number=data["document_number"],
                    )
            except DomainError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(
                    request,
                    _("%(name)s was appointed to %(org)s.")
                    % {"name": person.name, "org": organization.name},
                )
                return _redirect(request, reverse("orgs:detail", args=[organization.pk]))
        else:
            status = 400
    else:
        form = AppointmentForm(**form_kwargs)
    context = {
        "organization": organization,
        "ancestors": region_selectors.region_ancestors(region=organization.region),
        "form": form,
        "error": error,
    }
    return _partial_or_page(
        request, "orgs/appoint.html", "orgs/_appoint_form.html", context, status
    )


def _redirect(request, url: str):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _managed_appointment(request, pk: int) -> Appointment:
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    if not may_manage(request.user, appointment.organization):
        raise Http404("No such appointment")
    return appointment


def _appointment_form_page(request, appointment, form, template: str, act, done):
    """The end and transfer pages: show the form; on a valid POST run the service `act(data)`
    and redirect to `done(result)` -> (message, organization id), else show the form again
    with the refusal (its status) or the form errors (400)."""
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = act(form.cleaned_data)
            except DomainError as exc:
                error, status = exc.message, exc.status
            else:
                message, organization_id = done(result)
                messages.success(request, message)
                return _redirect(request, reverse("orgs:detail", args=[organization_id]))
        else:
            status = 400
    organization = appointment.organization
    context = {
        "organization": organization,
        "appointment": appointment,
        "identity": selectors.identity_for(user=request.user, appointment=appointment),
        "ancestors": region_selectors.region_ancestors(region=organization.region),
        "form": form,
        "error": error,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_end(request, pk: int):
    """End an appointment (人员出编): the slot becomes vacant."""
    appointment = _managed_appointment(request, pk)
    return _appointment_form_page(
        request,
        appointment,
        AppointmentEndForm(request.POST or None),
        "orgs/appointment_end.html",
        lambda data: services.appointment_end(
            actor=request.user,
            appointment=appointment,
            end_date=data["end_date"],
            reason=data["reason"],
            document_number=data["document_number"],
        ),
        lambda _ended: (
            _("The appointment of %(name)s has ended.") % {"name": appointment.person.name},
            appointment.organization_id,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_transfer(request, pk: int):
    """Transfer a person to another organization (调动) in one operation."""
    appointment = _managed_appointment(request, pk)
    targets = selectors.organizations_managed_by(user=request.user).exclude(
        pk=appointment.organization_id
    )
    return _appointment_form_page(
        request,
        appointment,
        AppointmentTransferForm(request.POST or None, organizations=targets),
        "orgs/appointment_transfer.html",
        lambda data: services.appointment_transfer(
            actor=request.user,
            appointment=appointment,
            to_organization=data["to_organization"],
            category=data["category"],
            funding_type=data["funding_type"] or "",
            post_rank=data["post_rank"] or "",
            transfer_date=data["transfer_date"],
            document_number=data["document_number"],
        ),
        lambda new: (
            _("%(name)s was transferred to %(org)s.")
            % {"name": appointment.person.name, "org": new.organization.name},
            new.organization_id,
        ),
    )


# --- staffing overview -------------------------------------------------------
def staffing(request, code: str):
    """Approved / actual / vacant of a region's subtree, per category, level and child region."""
    region = region_selectors.region_get(code=code)
    summary = selectors.staffing_summary(user=request.user, region=region)
    by_level = [
        {"level": lvl, "label": Level(lvl).label, "row": summary["by_level"][lvl]}
        for lvl in LEVEL_ORDER
        if lvl in summary["by_level"]
    ]
    by_category = [
        {
            "label": QuotaCategory(r.category).label,
            "funding": FundingType(r.funding_type).label if r.funding_type else "",
            "row": r,
        }
        for r in summary["by_category"]
    ]
    context = {
        "region": region,
        "ancestors": region_selectors.region_ancestors(region=region),
        "summary": summary,
        "by_category": by_category,
        "vacant": summary["approved"] - summary["actual"],
        "by_level": by_level,
        "children": selectors.staffing_by_child_region(user=request.user, region=region),
    }
    return render(request, "orgs/staffing.html", context)
