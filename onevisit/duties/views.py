"""Pages of the power and responsibility lists (权责清单): a region's list, a duty (with
the forms that fix its assignments), the analyzer's findings and the clearance report of
public institutions.

Views parse input and render; reads go through `selectors`, writes through `services`.
What the user may not see (or may not change, for the forms) is a 404; bad input a 400.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from onevisit.core.errors import DomainError, NotFound
from onevisit.core.scoping import registry_write_scope
from onevisit.regions import selectors as region_selectors
from onevisit.regions.models import Region

from . import selectors, selectors_pages, services
from .analysis import find_finding, findings_for, summary
from .choices import DutyCategory, FindingKind, Severity
from .clearance import clearance_report
from .forms import (
    AcknowledgeForm,
    AssignForm,
    AssignmentEndForm,
    AssignmentMoveForm,
    ClearanceForm,
    DivisionForm,
    DutyListForm,
    FindingsForm,
)
from .models import Duty, DutyAssignment

LIST_PAGE_SIZE = 100
PROVENANCE = {
    selectors.BASE_CATALOG: "base_catalog",
    selectors.DERIVED: "derived",
    selectors.LOCAL: "local",
}


# --- helpers -------------------------------------------------------------------
def _redirect(request, url: str):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _region_or_404(code: str) -> Region:
    return region_selectors.region_get(code=code)


def _language() -> str:
    return translation.get_language() or "en"


def _category_label(value: int) -> str:
    try:
        return str(DutyCategory(value).label)
    except ValueError:
        return str(value)


def _levels_label(levels) -> str:
    from onevisit.regions.models import Level

    labels = []
    for level in levels or ():
        try:
            labels.append(str(Level(level).label))
        except ValueError:
            labels.append(str(level))
    return ", ".join(labels)


# --- a region's list -------------------------------------------------------------
@login_required
@require_GET
def duty_list(request):
    """A region's list: base-catalog items marked, local additions with their reason."""
    form = DutyListForm(request.GET or None)
    status, filters = 200, {}
    if request.GET:
        if form.is_valid():
            filters = form.cleaned_data
        else:
            status = 400
    code = filters.get("region") or selectors_pages.home_region_code(request.user) or "33"
    region = _region_or_404(code)
    duties = selectors.duty_list(
        user=request.user,
        region=region,
        category=filters.get("category"),
        search=(filters.get("q") or "").strip() or None,
    )
    page = Paginator(duties, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "duty": d,
            "category": _category_label(d.category),
            "provenance": d.provenance,
            "holders": d.current_assignments,
        }
        for d in page.object_list
    ]
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "region": region,
        "ancestors": region_selectors.region_ancestors(region=region),
        "subregions": list(region_selectors.region_children(region=region).order_by("code")),
        "page": page,
        "rows": rows,
        "query": urlencode(query),
        "may_read_findings": selectors_pages.may_read_findings(user=request.user, region=region),
    }
    return render(request, "duties/list.html", context, status=status)


# --- a duty ----------------------------------------------------------------------
def _duty_context(request, duty_pk: int, *, forms_for=None, bound=None, error=None) -> dict:
    detail = selectors.duty_detail(user=request.user, pk=duty_pk)
    duty = detail.duty
    can_manage = selectors.may_manage_list(user=request.user, region=duty.region)
    targets = selectors_pages.assignment_targets(user=request.user, duty=duty)
    rows = []
    for a in detail.assignments:
        manage = can_manage and selectors.may_manage_assignment(user=request.user, assignment=a)
        row = {"assignment": a, "manage": manage}
        if manage:
            prefix = f"a{a.pk}"
            row["move_form"] = AssignmentMoveForm(
                organizations=targets.exclude(pk=a.organization_id), prefix=f"move-{prefix}"
            )
            row["end_form"] = AssignmentEndForm(prefix=f"end-{prefix}")
            row["division_form"] = DivisionForm(
                prefix=f"division-{prefix}", initial={"text": a.division_of_labour}
            )
            if bound is not None and forms_for == a.pk:
                row[bound[0]] = bound[1]
                row["open"] = True
        rows.append(row)
    assign_form = None
    if can_manage:
        assign_form = AssignForm(organizations=targets, prefix="assign")
        if bound is not None and forms_for == "assign":
            assign_form = bound[1]
    return {
        "duty": duty,
        "detail": detail,
        "category": _category_label(duty.category),
        "levels": _levels_label(duty.levels),
        "ancestors": region_selectors.region_ancestors(region=duty.region),
        "rows": rows,
        "can_manage": can_manage,
        "assign_form": assign_form,
        "error": error,
        "error_for": forms_for if error or bound is not None else None,
        "may_read_findings": selectors_pages.may_read_findings(
            user=request.user, region=duty.region
        ),
    }


@login_required
@require_GET
def duty_detail(request, pk: int):
    """A duty: what it is, on what legal basis, who exercises it, and (for establishment
    officers of its region) the forms that fix its assignments."""
    return render(request, "duties/detail.html", _duty_context(request, pk))


def _managed_assignment(request, pk: int) -> DutyAssignment:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if (
        assignment.valid_to is not None
        or not selectors.may_manage_list(user=request.user, region=assignment.duty.region)
        or not selectors.may_manage_assignment(user=request.user, assignment=assignment)
    ):
        raise Http404("No such duty assignment")
    return assignment


def _refused(request, duty: Duty, *, forms_for, bound, error=None, status=400):
    context = _duty_context(request, duty.pk, forms_for=forms_for, bound=bound, error=error)
    return render(request, "duties/detail.html", context, status=status)


def _done(request, duty: Duty, text: str):
    messages.success(request, text)
    return _redirect(request, reverse("duties:detail", args=[duty.pk]) + "#assignments")


def _act_on_assignment(request, assignment, form, bound_name: str, act, message):
    """Validate `form`, run the service `act(data)` and answer: the duty page again with the
    error (400, or the refusal's status; 404 rather than 403), or a redirect with `message`."""
    duty = assignment.duty
    if not form.is_valid():
        return _refused(request, duty, forms_for=assignment.pk, bound=(bound_name, form))
    try:
        result = act(form.cleaned_data)
    except DomainError as exc:
        return _refused(
            request,
            duty,
            forms_for=assignment.pk,
            bound=(bound_name, form),
            error=exc.message,
            status=exc.status if exc.status != 403 else 404,
        )
    return _done(request, duty, message(result))


@login_required
@require_POST
def assignment_move(request, pk: int):
    """Move an assignment to another organization (职责划转)."""
    assignment = _managed_assignment(request, pk)
    duty = assignment.duty
    targets = selectors_pages.assignment_targets(user=request.user, duty=duty).exclude(
        pk=assignment.organization_id
    )
    return _act_on_assignment(
        request,
        assignment,
        AssignmentMoveForm(request.POST, organizations=targets, prefix=f"move-a{pk}"),
        "move_form",
        lambda data: services.duty_assignment_move(
            actor=request.user,
            assignment=assignment,
            to_organization=data["to_organization"],
            date=data["date"],
            legal_basis=data["legal_basis"],
        ),
        lambda new: (
            _("“%(duty)s” moved from %(a)s to %(b)s.")
            % {"duty": duty.name, "a": assignment.organization.name, "b": new.organization.name}
        ),
    )


@login_required
@require_POST
def assignment_end(request, pk: int):
    """Stop an organization exercising the duty."""
    assignment = _managed_assignment(request, pk)
    return _act_on_assignment(
        request,
        assignment,
        AssignmentEndForm(request.POST, prefix=f"end-a{pk}"),
        "end_form",
        lambda data: services.duty_assignment_end(
            actor=request.user, assignment=assignment, date=data["date"], reason=data["reason"]
        ),
        lambda _result: (
            _("%(org)s no longer exercises “%(duty)s”.")
            % {"org": assignment.organization.name, "duty": assignment.duty.name}
        ),
    )


@login_required
@require_POST
def assignment_division(request, pk: int):
    """Declare an organization's division of labour for the duty (分工)."""
    assignment = _managed_assignment(request, pk)
    return _act_on_assignment(
        request,
        assignment,
        DivisionForm(request.POST, prefix=f"division-a{pk}"),
        "division_form",
        lambda data: services.duty_assignment_set_division(
            actor=request.user, assignment=assignment, text=data["text"]
        ),
        lambda _result: (
            _("The division of labour of %(org)s was saved.")
            % {"org": assignment.organization.name}
        ),
    )


@login_required
@require_POST
def assignment_add(request, pk: int):
    """Make an organization exercise the duty."""
    duty = selectors.duty_get(user=request.user, pk=pk)
    if not selectors.may_manage_list(user=request.user, region=duty.region):
        raise Http404("No such duty")
    targets = selectors_pages.assignment_targets(user=request.user, duty=duty)
    form = AssignForm(request.POST, organizations=targets, prefix="assign")
    if not form.is_valid():
        return _refused(request, duty, forms_for="assign", bound=("assign_form", form))
    data = form.cleaned_data
    try:
        assignment = services.duty_assign(
            actor=request.user,
            duty=duty,
            organization=data["organization"],
            level=data["level"] or None,
            role=data["role"],
            division_of_labour=data["division_of_labour"],
            delegated=data["delegated"],
        )
    except DomainError as exc:
        return _refused(
            request,
            duty,
            forms_for="assign",
            bound=("assign_form", form),
            error=exc.message,
            status=exc.status if exc.status != 403 else 404,
        )
    return _done(
        request,
        duty,
        _("%(org)s now exercises “%(duty)s”.")
        % {"org": assignment.organization.name, "duty": duty.name},
    )


# --- findings --------------------------------------------------------------------
def _local_items(found) -> dict[tuple[int, str], int]:
    """(base item, region code) → the region's own item derived from it, for the findings
    that name a base-catalog item: their link leads to the item the region holds."""
    pairs = {
        (o[1], x.region_code) for x in found for o in x.objects if o[0] == "duty" and x.region_code
    }
    if not pairs:
        return {}
    rows = Duty.objects.filter(
        base_id__in={p[0] for p in pairs},
        region__code__in={p[1] for p in pairs},
        valid_to__isnull=True,
    ).values_list("base_id", "region__code", "pk")
    return {(base, code): pk for base, code, pk in rows}


def _object_link(ref, finding=None, local=None) -> dict:
    kind, ident, label = ref
    url = ""
    if kind == "duty":
        if finding is not None and local:
            ident = local.get((ident, finding.region_code), ident)
        url = reverse("duties:detail", args=[ident])
    elif kind == "organization":
        url = reverse("orgs:detail", args=[ident])
    elif kind == "region":
        url = reverse("duties:list") + "?" + urlencode({"region": ident})
    return {"kind": kind, "label": label, "url": url}


def _finding_row(
    finding, language: str, n: int, *, region, as_of, can_acknowledge, local=None
) -> dict:
    return {
        "finding": finding,
        "severity": str(Severity(finding.severity).label)
        if finding.severity in Severity.values
        else finding.severity,
        "explanation": finding.explanation(language),
        "fix": finding.suggested_fix(language),
        "objects": [_object_link(o, finding, local) for o in finding.objects],
        "form": AcknowledgeForm(
            initial={"key": finding.key, "region": region.code, "as_of": as_of},
            prefix=None,
            auto_id=f"ack-{n}-%s",
        )
        if can_acknowledge and not finding.acknowledged
        else None,
    }


def _findings_page(
    request, *, form, region, as_of, kind, ack_error=None, ack_form=None, status=200
):
    try:
        found = findings_for(request.user, region, as_of, kind=kind or None)
    except NotFound:
        raise Http404("No such findings")
    language = _language()
    local = _local_items(found)
    can_acknowledge = registry_write_scope(request.user).covers(
        region_code=region.code, organization_id=None
    )
    groups = []
    for value, label in FindingKind.choices:
        items = [
            _finding_row(
                f,
                language,
                n,
                region=region,
                as_of=as_of,
                can_acknowledge=can_acknowledge,
                local=local,
            )
            for n, f in enumerate(found)
            if f.kind == value and not f.acknowledged
        ]
        if ack_form is not None:
            for row in items:
                if row["finding"].key == ack_form.data.get("key"):
                    row["form"], row["error"] = ack_form, ack_error
        groups.append({"kind": value, "label": label, "rows": items})
    acknowledged = [
        _finding_row(f, language, n, region=region, as_of=as_of, can_acknowledge=False, local=local)
        for n, f in enumerate(found)
        if f.acknowledged
    ]
    context = {
        "form": form,
        "region": region,
        "as_of": as_of,
        "kind": kind,
        "ancestors": region_selectors.region_ancestors(region=region),
        "groups": groups,
        "acknowledged": acknowledged,
        "counts": summary([f for f in found if not f.acknowledged]),
        "open_total": sum(1 for f in found if not f.acknowledged),
        "can_acknowledge": can_acknowledge,
        "ack_error": ack_error if ack_form is None else None,
    }
    return render(request, "duties/findings.html", context, status=status)


def _home_region(request) -> Region:
    code = selectors_pages.home_region_code(request.user)
    if not code:
        raise Http404("No region")
    return _region_or_404(code)


@login_required
@require_GET
def findings(request):
    """The analyzer's findings in a region on a date, by kind; acknowledged ones apart."""
    form = FindingsForm(request.GET or None)
    if request.GET and not form.is_valid():
        region = _home_region(request)
        if not selectors_pages.may_read_findings(user=request.user, region=region):
            raise Http404("No such findings")
        context = {
            "form": form,
            "region": region,
            "ancestors": region_selectors.region_ancestors(region=region),
            "groups": [],
            "acknowledged": [],
            "invalid": True,
        }
        return render(request, "duties/findings.html", context, status=400)
    data = form.cleaned_data if request.GET else {}
    code = data.get("region")
    region = _region_or_404(code) if code else _home_region(request)
    return _findings_page(
        request,
        form=form if request.GET else FindingsForm(initial={"region": region.code}),
        region=region,
        as_of=data.get("as_of") or timezone.localdate(),
        kind=data.get("kind") or "",
    )


@login_required
@require_POST
def finding_acknowledge(request):
    """Acknowledge a current finding with a reason (establishment officers of the region)."""
    form = AcknowledgeForm(request.POST)
    region_code = request.POST.get("region") or ""
    if not form.is_valid():
        if not form.errors.keys() - {"reason"}:
            region = _region_or_404(form.cleaned_data.get("region") or region_code)
            if not registry_write_scope(request.user).covers(
                region_code=region.code, organization_id=None
            ):
                raise Http404("No such finding")
            return _findings_page(
                request,
                form=FindingsForm(initial={"region": region.code}),
                region=region,
                as_of=form.cleaned_data.get("as_of") or timezone.localdate(),
                kind="",
                ack_error=_("Say why the finding is acknowledged."),
                ack_form=form,
                status=400,
            )
        raise Http404("No such finding")
    data = form.cleaned_data
    region = _region_or_404(data["region"]) if data["region"] else _home_region(request)
    scope = registry_write_scope(request.user)
    if not scope.covers(region_code=region.code, organization_id=None):
        raise Http404("No such finding")
    as_of = data["as_of"] or timezone.localdate()
    try:
        finding = find_finding(request.user, data["key"], region=region, as_of=as_of, scope=scope)
    except NotFound:
        raise Http404("No such finding")
    try:
        services.finding_acknowledge(
            actor=request.user,
            key=finding.key,
            kind=finding.kind,
            facts=finding.facts,
            reason=data["reason"],
        )
    except DomainError as exc:
        return _findings_page(
            request,
            form=FindingsForm(initial={"region": region.code}),
            region=region,
            as_of=as_of,
            kind="",
            ack_error=exc.message,
            ack_form=form,
            status=exc.status,
        )
    messages.success(request, _("The finding was acknowledged."))
    query = {"region": region.code}
    if data["as_of"]:
        query["as_of"] = data["as_of"].isoformat()
    return _redirect(request, reverse("duties:findings") + "?" + urlencode(query))


# --- clearance of public institutions ----------------------------------------------
@login_required
@require_GET
def clearance(request):
    """The clearance report of the public institutions of a region, with its evidence."""
    form = ClearanceForm(request.GET or None)
    status, data = 200, {}
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    code = data.get("region")
    region = _region_or_404(code) if code else _home_region(request)
    if not selectors_pages.may_read_findings(user=request.user, region=region):
        raise Http404("No such report")
    as_of = data.get("as_of") or timezone.localdate()
    report = clearance_report(region=region, as_of=as_of) if status == 200 else None
    zh = _language().startswith("zh")
    sections = []
    if report is not None:
        for key, title, entries in (
            (
                "administrative",
                _("Institutions bearing administrative functions or powers"),
                report.administrative,
            ),
            ("business", _("Production and business institutions"), report.business),
            ("dormant", _("Dormant institutions"), report.dormant),
        ):
            sections.append(
                {
                    "key": key,
                    "title": title,
                    "entries": [
                        {"entry": e, "evidence": e.evidence_zh if zh else e.evidence_en}
                        for e in entries
                    ],
                }
            )
    if not request.GET:
        form = ClearanceForm(initial={"region": region.code})
    context = {
        "form": form,
        "region": region,
        "as_of": as_of,
        "ancestors": region_selectors.region_ancestors(region=region),
        "report": report,
        "sections": sections,
    }
    return render(request, "duties/clearance.html", context, status=status)
