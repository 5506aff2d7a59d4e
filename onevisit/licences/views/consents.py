"""The holder's consents (授权): which department may use which licence, for what and
until when; giving one and withdrawing it, through `services.consent_give` and
`services.consent_withdraw`, with POST-redirect-GET. A refusal is shown on the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onevisit.catalog.models import ServiceItem
from onevisit.core.errors import DomainError
from onevisit.orgs import selectors as orgs_selectors
from onevisit.orgs.models import Organization

from .. import selectors, services
from ..choices import LicenceState
from ..forms import ConsentForm, DepartmentSearchForm
from .common import language, type_name

#: Departments offered at most, found by name or (without a search) near the holder.
DEPARTMENT_LIMIT = 100


def _usable_licences(user):
    """The holder's licences a department could be let to use: in force today."""
    today = timezone.localdate()
    return (
        selectors.vault(user)
        .filter(state=LicenceState.VALID)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def _departments(holder, search: str, selected=None):
    """The departments the form offers: those whose name matches the search, or, without
    one, those implementing service items in the holder's region and the regions above it;
    and the one already chosen."""
    existing = orgs_selectors.organization_list(user=None, search=search or None)
    if not search:
        code = holder.region.code
        prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
        existing = existing.filter(
            pk__in=ServiceItem.objects.filter(organization__region__code__in=prefixes).values(
                "organization"
            )
        )
    ids = list(existing.values_list("pk", flat=True)[:DEPARTMENT_LIMIT])
    if selected is not None:
        ids.append(selected.pk)
    return (
        Organization.objects.filter(pk__in=ids)
        .select_related("region")
        .order_by("region__code", "level", "name")
    )


def _rows(user) -> list[dict]:
    today = timezone.localdate()
    rows = []
    for consent in selectors.consents_of(user):
        if consent.withdrawn_at is not None:
            state, label = "withdrawn", _("Withdrawn")
        elif consent.until is not None and consent.until < today:
            state, label = "ended", _("Ended")
        else:
            state, label = "active", _("In force")
        rows.append(
            {
                "consent": consent,
                "type": type_name(consent.licence.licence_type),
                "state": state,
                "label": label,
            }
        )
    return rows


def _render(request, holder, form, search_form, *, status: int = 200, error: str = ""):
    context = {
        "holder": holder,
        "rows": _rows(request.user) if holder else [],
        "form": form,
        "search_form": search_form,
        "error": error,
    }
    return render(request, "licences/consents.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consents(request):
    """The holder's consents, and the form to give one (GET shows it, POST gives)."""
    holder = selectors.holder_of(request.user)
    if holder is None:
        return _render(request, None, None, None)
    licences = _usable_licences(request.user).select_related("licence_type")
    if request.method == "GET":
        search_form = DepartmentSearchForm(request.GET or None)
        search = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
        initial = {}
        wanted = request.GET.get("licence")
        if wanted and licences.filter(number=wanted[:40]).exists():
            initial["licence"] = wanted[:40]
        form = ConsentForm(
            initial=initial,
            licences=licences,
            organizations=_departments(holder, search),
            language=language(),
        )
        return _render(request, holder, form, search_form)

    form = ConsentForm(
        request.POST,
        licences=licences,
        organizations=orgs_selectors.organization_list(user=None),
        language=language(),
    )
    search_form = DepartmentSearchForm()
    valid = form.is_valid()
    chosen = form.cleaned_data.get("organization") if valid else None
    if not valid:
        form.set_organizations(_departments(holder, ""))
        return _render(request, holder, form, search_form, status=400)
    data = form.cleaned_data
    try:
        services.consent_give(
            actor=request.user,
            licence=data["licence"],
            organization=data["organization"],
            purpose=data["purpose"],
            until=data.get("until"),
        )
    except DomainError as exc:
        form.set_organizations(_departments(holder, "", chosen))
        field = exc.code if exc.code in form.fields else None
        form.add_error(field, exc.message)
        status = 400 if exc.status == 403 else exc.status
        return _render(request, holder, form, search_form, status=status)
    messages.success(
        request,
        _("%(organization)s may now use your licence %(number)s.")
        % {"organization": data["organization"].name, "number": data["licence"].number},
    )
    return redirect(reverse("licences:consents"))


@login_required
@require_POST
def consent_withdraw(request, pk: int):
    """Withdraw a consent: the department may no longer use the licence on it."""
    consent = selectors.consents_of(request.user).filter(pk=pk).first()
    if consent is None:
        raise Http404("No such consent")
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except DomainError as exc:
        holder = selectors.holder_of(request.user)
        form = ConsentForm(
            licences=_usable_licences(request.user).select_related("licence_type"),
            organizations=_departments(holder, ""),
            language=language(),
        )
        status = 400 if exc.status == 403 else exc.status
        return _render(
            request, holder, form, DepartmentSearchForm(), status=status, error=exc.message
        )
    messages.success(
        request,
        _("Your consent for %(organization)s to use %(number)s is withdrawn.")
        % {"organization": consent.organization.name, "number": consent.licence.number},
    )
    return redirect(reverse("licences:consents"))
