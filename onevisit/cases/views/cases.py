"""Following a case (办件查询): "my cases", the case page with everything missing in one
list, the supplement, the rating (好差评), the materials' files, and the delivery of
results at the window (pick-up, express dispatch).

A case the user may not see is a 404, whoever asks: its applicant, the departments
handling its items and the window that took it in see it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onevisit.core.errors import DomainError, NotFound
from onevisit.core.identifiers import mask_identity_number, mask_phone
from onevisit.core.scoping import assignments_of

from .. import selectors, services
from ..choices import CaseState, DeliveryMethod, TaskState
from ..forms import DispatchForm, RatingForm, SupplementForm
from ..services.common import CLERKS
from .common import (
    form_answers,
    page_status,
    pop_check_code,
    redirect_to,
    store_upload,
)


def _case_or_404(user, number: str):
    try:
        return selectors.case_get(user=user, number=number)
    except NotFound:
        raise Http404("No such case")


# --- my cases ------------------------------------------------------------------------------
@login_required
@require_GET
def my_cases(request):
    """The applicant's cases, newest first: every task's state, due date and what is missing."""
    try:
        before = int(request.GET["before"]) if request.GET.get("before") else None
    except ValueError:
        before = None
    limit = selectors.PAGE_SIZE
    cases = selectors.my_cases(user=request.user, before=before, limit=limit + 1)
    more = len(cases) > limit
    cases = cases[:limit]
    tasks = [t for c in cases for t in c.task_list]
    missing = selectors.open_notices_by_task(user=request.user, tasks=tasks)
    promised = selectors.promised_materials(user=request.user, case_ids=[c.pk for c in cases])
    rows = [
        {
            "case": c,
            "tasks": [{"task": t, "missing": missing.get(t.pk, [])} for t in c.task_list],
            "promised": promised.get(c.pk, []),
        }
        for c in cases
    ]
    context = {
        "rows": rows,
        "applicant": selectors.applicant_of(request.user),
        "older": cases[-1].pk if more and cases else None,
    }
    return render(request, "cases/my_cases.html", context)


# --- the case page -------------------------------------------------------------------------
def _case_context(request, number: str, **extra) -> dict:
    detail = selectors.case_detail(user=request.user, number=number)
    case = detail.case
    scope = selectors.task_scope(request.user)
    missing = selectors.open_notices_by_task(user=request.user, tasks=detail.tasks)
    tasks = [
        {
            "task": t,
            "missing": missing.get(t.pk, []),
            "visible": scope.covers(
                region_code=case.region.code, organization_id=t.organization_id
            ),
            "notices": list(t.notices.all()),
            "suspensions": list(t.suspensions.all()),
        }
        for t in detail.tasks
    ]
    open_items = selectors.open_notice_items(detail.tasks)
    is_applicant = detail.is_applicant
    is_clerk = _is_clerk(request.user)
    organizations = list({t.organization_id: t.organization for t in detail.tasks}.values())
    rated = {e.organization_id: e for e in detail.evaluations}
    context = {
        "case": case,
        "detail": detail,
        "tasks": tasks,
        "materials": detail.materials,
        "visits": detail.visits,
        "applicant_id": mask_identity_number(case.applicant.identifier),
        "applicant_phone": mask_phone(case.applicant.phone) if case.applicant.phone else "",
        "open_items": open_items,
        "notices": [n for row in tasks for n in row["notices"]],
        "is_applicant": is_applicant,
        "results": [t for t in detail.tasks if t.state == TaskState.APPROVED and t.result_name],
        "check_code": "",
        "tracking_number": case.form_data.get("_tracking_number", ""),
        "form_answers": form_answers(case, [t.version for t in detail.tasks]),
        "evaluations": [
            {
                "evaluation": e,
                "organization": next((o for o in organizations if o.pk == e.organization_id), None),
            }
            for e in detail.evaluations
        ],
        "can_pickup": is_clerk
        and case.state == CaseState.DECIDED
        and case.delivery_method == DeliveryMethod.PICKUP,
        "can_dispatch": is_clerk
        and case.state == CaseState.DECIDED
        and case.delivery_method == DeliveryMethod.EXPRESS,
    }
    # The applicant supplies online; a window clerk takes in what the applicant brought.
    context["supplement_in_person"] = is_clerk and not is_applicant
    if (is_applicant or is_clerk) and open_items and case.state == CaseState.NEEDS_SUPPLEMENT:
        context["supplement_form"] = SupplementForm(names=open_items)
    if is_applicant and case.state == CaseState.COMPLETED and None not in rated:
        context["rating_form"] = RatingForm(organizations=organizations)
    if context["can_dispatch"]:
        context["dispatch_form"] = DispatchForm()
    context.update(extra)
    return context


@login_required
@require_GET
def case_page(request, number: str):
    """A case: its tasks, materials, notices, visits, results and (once done) the rating."""
    _case_or_404(request.user, number)
    context = _case_context(request, number, check_code=pop_check_code(request, number))
    return render(request, "cases/case.html", context)


def _refused(request, number: str, status: int, **extra):
    return render(
        request, "cases/case.html", _case_context(request, number, **extra), status=status
    )


def _take_supplement(request, case, *, in_person: bool):
    """Everything the open notices ask for, one file each, in one submission: online by the
    applicant, or scanned at the window by a clerk (one more visit)."""
    number = case.number
    detail = selectors.case_detail(user=request.user, number=number)
    names = selectors.open_notice_items(detail.tasks)
    data = request.POST.copy()
    file_errors = {}
    for n, _name in enumerate(names):
        file = request.FILES.get(f"s{n}_file")
        if file is None:
            continue
        try:
            data[f"s{n}_upload"] = str(store_upload(request.user, file).pk)
        except DomainError as exc:
            file_errors[n] = exc.message
    uploads = selectors.uploads_of(
        user=request.user, ids=[data.get(f"s{n}_upload") for n in range(len(names))]
    )
    form = SupplementForm(data, request.FILES, names=names, uploads=uploads)
    valid = form.is_valid()
    for n, message in file_errors.items():
        form.add_error(f"s{n}_file", message)
    if not names:
        return _refused(
            request, number, 409, supplement_error=_("Nothing is waiting for a supplement.")
        )
    if file_errors or not valid:
        return _refused(request, number, 400, supplement_form=form)
    given = {name: form.cleaned_data.get(f"s{n}_upload") for n, name in enumerate(names)}
    try:
        services.case_supplement(actor=request.user, case=case, uploads=given, in_person=in_person)
    except DomainError as exc:
        return _refused(
            request,
            number,
            page_status(exc),
            supplement_form=form,
            supplement_error=exc.message,
        )
    if in_person:
        messages.success(
            request,
            _("The supplement brought in person was taken in; the visit is recorded."),
        )
    else:
        messages.success(request, _("Thank you: everything asked for was supplied."))
    return redirect_to(request, reverse("cases:case", args=[number]) + "#tasks")


@login_required
@require_POST
def case_supplement(request, number: str):
    """The applicant supplies, online and at once, everything the open notices ask for."""
    case = _case_or_404(request.user, number)
    if case.applicant.user_id != request.user.pk:
        raise Http404("No such case")
    return _take_supplement(request, case, in_person=False)


@login_required
@require_POST
def case_supplement_in_person(request, number: str):
    """At the window (one visit): the applicant brought what the open notices ask for; the
    clerk scans each item and takes everything in at once, and the clocks run again. A case
    the clerk may not see (not taken in at their window, no task of their organization) is
    a 404."""
    case = _clerk_case(request, number)
    return _take_supplement(request, case, in_person=True)


@login_required
@require_POST
def case_rate(request, number: str):
    """Rate the completed case and each department (好差评)."""
    case = _case_or_404(request.user, number)
    detail = selectors.case_detail(user=request.user, number=number)
    if not detail.is_applicant:
        raise Http404("No such case")
    organizations = list({t.organization_id: t.organization for t in detail.tasks}.values())
    form = RatingForm(request.POST, organizations=organizations)
    if not form.is_valid():
        return _refused(request, number, 400, rating_form=form)
    try:
        services.case_evaluate(
            actor=request.user,
            case=case,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data.get("comment") or "",
            departments=form.departments(),
        )
    except DomainError as exc:
        return _refused(
            request, number, page_status(exc), rating_form=form, rating_error=exc.message
        )
    messages.success(request, _("Thank you for your rating."))
    return redirect_to(request, reverse("cases:case", args=[number]) + "#rating")


@login_required
@require_GET
def material_file(request, number: str, pk: int):
    """The file of a material, for those who may see the case."""
    case = _case_or_404(request.user, number)
    material = case.materials.select_related("upload").filter(pk=pk).first()
    if material is None or material.upload is None:
        raise Http404("No such file")
    upload = material.upload
    try:
        handle = upload.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such file")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )


# --- delivery at the window ------------------------------------------------------------------
def _is_clerk(user) -> bool:
    return any(a.role in CLERKS for a in assignments_of(user))


def _clerk_case(request, number: str):
    case = _case_or_404(request.user, number)
    if not _is_clerk(request.user):
        raise Http404("No such case")
    return case


@login_required
@require_POST
def case_pickup(request, number: str):
    """The applicant picks up the results at the window: the visit is recorded."""
    case = _clerk_case(request, number)
    try:
        services.case_pickup(actor=request.user, case=case)
    except DomainError as exc:
        return _refused(request, number, page_status(exc), delivery_error=exc.message)
    messages.success(
        request, _("The results of %(number)s were handed over.") % {"number": case.number}
    )
    return redirect_to(request, reverse("cases:case", args=[number]))


@login_required
@require_POST
def case_dispatch(request, number: str):
    """The results go by express mail, with the tracking number."""
    case = _clerk_case(request, number)
    form = DispatchForm(request.POST)
    if not form.is_valid():
        return _refused(request, number, 400, dispatch_form=form)
    try:
        services.case_dispatch(
            actor=request.user, case=case, tracking_number=form.cleaned_data["tracking_number"]
        )
    except DomainError as exc:
        return _refused(
            request, number, page_status(exc), dispatch_form=form, delivery_error=exc.message
        )
    messages.success(
        request, _("The results of %(number)s were sent by express mail.") % {"number": number}
    )
    return redirect_to(request, reverse("cases:case", args=[number]))
