"""A department's rectifications after poor ratings (差评整改): the list with each rating,
comment, case number and due date; the reviewer's measures (整改措施) and the head's
call-back to the applicant (回访).

Writes go through `services.rectification_record_measures` and
`services.rectification_callback`, with POST-redirect-GET; a refusal is shown next to its
form with the domain error's message and its status. A rectification of another
department is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onevisit.core.errors import DomainError, NotFound
from onevisit.core.models import Role
from onevisit.orgs.forms import Form

from .. import selectors, services
from ..choices import RectificationState
from ..models import Rectification
from ..services.common import REVIEWERS, holds_role_in

SATISFIED_CHOICES = [
    ("yes", gettext_lazy("Satisfied")),
    ("no", gettext_lazy("Not satisfied")),
]


class MeasuresForm(Form):
    """The measures the department took (整改措施)."""

    measures = forms.CharField(
        label=gettext_lazy("Measures taken"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class CallbackForm(Form):
    """The call-back to the applicant (回访): what they said, and whether satisfied."""

    note = forms.CharField(
        label=gettext_lazy("What the applicant said"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    satisfied = forms.ChoiceField(
        label=gettext_lazy("The applicant is"),
        choices=SATISFIED_CHOICES,
        widget=forms.RadioSelect,
    )


def _org_id(request, organizations) -> int:
    raw = request.GET.get("org") or request.POST.get("org") or ""
    if raw:
        try:
            return int(raw)
        except ValueError:
            raise Http404("No such department")
    if not organizations:
        raise Http404("No rectifications")
    return organizations[0].pk


def _rectification_or_404(user, pk: int) -> Rectification:
    """The rectification if the user may see it (through the department's list)."""
    org_id = Rectification.objects.filter(pk=pk).values_list("organization_id", flat=True)
    org_id = org_id.first()
    if org_id is None:
        raise Http404("No such rectification")
    try:
        return selectors.rectifications_of(user=user, organization_id=org_id).get(pk=pk)
    except (NotFound, Rectification.DoesNotExist):
        raise Http404("No such rectification")


def _context(request, organization_id: int, *, bound=None, error=None) -> dict:
    """The page: every rectification of the department, newest first, each with the form
    that applies to its state (the bound one, with its error, if a POST was refused)."""
    try:
        rows = list(
            selectors.rectifications_of(
                user=request.user, organization_id=organization_id
            ).select_related("evaluation__case", "organization")
        )
    except NotFound:
        raise Http404("No such department")
    user = request.user
    reviewer = holds_role_in(user, REVIEWERS, organization_id)
    head = holds_role_in(user, {Role.DEPARTMENT_HEAD}, organization_id)
    order = {RectificationState.OPEN: 0, RectificationState.RECTIFIED: 1}
    rows.sort(key=lambda r: (order.get(r.state, 2), r.due_date, r.pk))
    today = timezone.localdate()
    items = []
    for r in rows:
        form = kind = None
        mine = bound is not None and bound[0] == r.pk
        if r.state == RectificationState.OPEN and reviewer:
            kind = "measures"
            form = bound[2] if mine and bound[1] == kind else MeasuresForm(prefix=f"m{r.pk}")
        elif r.state == RectificationState.RECTIFIED and (
            head or (mine and bound[1] == "callback")
        ):
            kind = "callback"
            form = bound[2] if mine and bound[1] == kind else CallbackForm(prefix=f"c{r.pk}")
        items.append(
            {
                "r": r,
                "case": r.evaluation.case,
                "evaluation": r.evaluation,
                "open": r.state == RectificationState.OPEN,
                "overdue": r.state == RectificationState.OPEN and r.due_date < today,
                "kind": kind,
                "form": form,
                "error": error if mine and form is not None else None,
                "url": reverse(f"cases:rectification_{kind}", args=[r.pk]) if kind else "",
            }
        )
    organizations = selectors.rates_organizations(user)
    current = next((o for o in organizations if o.pk == organization_id), None)
    return {
        "items": items,
        "open_count": sum(1 for r in rows if r.state == RectificationState.OPEN),
        "organizations": organizations,
        "organization_id": organization_id,
        "organization": current or (rows[0].organization if rows else None),
        # A refusal whose form no longer applies (the state moved on) is said above.
        "error": error if not any(i["error"] for i in items) else None,
    }


@login_required
@require_GET
def rectifications(request):
    """A department's rectifications: open ones first, each with its rating, comment, case
    number and due date, and the measures or call-back form its state calls for."""
    organization_id = _org_id(request, selectors.rates_organizations(request.user))
    return render(request, "cases/rectifications.html", _context(request, organization_id))


def _act(request, pk: int, kind: str, form_class, run, done: str):
    r = _rectification_or_404(request.user, pk)
    form = form_class(request.POST, prefix=f"{kind[0]}{pk}")
    if not form.is_valid():
        context = _context(request, r.organization_id, bound=(pk, kind, form))
        return render(request, "cases/rectifications.html", context, status=400)
    try:
        run(r, form.cleaned_data)
    except DomainError as exc:
        context = _context(request, r.organization_id, bound=(pk, kind, form), error=exc.message)
        return render(request, "cases/rectifications.html", context, status=exc.status)
    messages.success(request, done)
    return redirect(reverse("cases:rectifications") + f"?org={r.organization_id}")


@login_required
@require_POST
def rectification_measures(request, pk: int):
    """Record the measures taken: the rectification waits for the call-back."""
    return _act(
        request,
        pk,
        "measures",
        MeasuresForm,
        lambda r, data: services.rectification_record_measures(
            actor=request.user, rectification=r, measures=data["measures"]
        ),
        _("The measures were recorded; the call-back to the applicant is next."),
    )


@login_required
@require_POST
def rectification_callback(request, pk: int):
    """Record the call-back to the applicant (a head): the rectification is closed."""
    return _act(
        request,
        pk,
        "callback",
        CallbackForm,
        lambda r, data: services.rectification_callback(
            actor=request.user,
            rectification=r,
            note=data["note"],
            satisfied=data["satisfied"] == "yes",
        ),
        _("The call-back was recorded; the rectification is closed."),
    )
