"""Pages of reform plans (机构改革方案): the list, the editor, the review, and the registry
through time (the difference between two dates, an organization's timeline).

Views parse input and render; reads go through `selectors`, writes through `services`.
A plan the user may not see (or may not edit, for the forms) is a 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from onevisit.core.errors import DomainError
from onevisit.core.models import Role
from onevisit.core.scoping import assignments_of, registry_write_scope
from onevisit.orgs import selectors as org_selectors
from onevisit.orgs.choices import InstitutionClass, PostRank, QuotaCategory
from onevisit.orgs.models import Organization, Person
from onevisit.regions import selectors as region_selectors
from onevisit.regions.models import Region

from . import selectors, services
from .forms import OPERATION_FORMS, ApproveForm, DiffForm, KindForm, PlanForm, ReturnForm
from .models import OperationKind, PlanStatus, ReformOperation, ReformPlan

DEFAULT_KIND = OperationKind.ESTABLISH


# --- helpers -----------------------------------------------------------------
def may_edit(user, plan: ReformPlan) -> bool:
    """Establishment officers of the plan's region draft, submit, approve and return it."""
    return registry_write_scope(user).covers(region_code=plan.region.code, organization_id=None)


def _editable_plan(request, pk: int) -> ReformPlan:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not may_edit(request.user, plan):
        raise Http404("No such plan")
    return plan


def _redirect(request, url: str):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _officer_region_code(user) -> str:
    """The region of the user's first establishment-officer role (the new plan's default)."""
    for a in assignments_of(user):
        if a.role == Role.ESTABLISHMENT_OFFICER:
            return a.region.code
    return ""


# --- operations in plain words --------------------------------------------------
def _refs(payload: dict) -> set[int]:
    found: set[int] = set()

    def walk(key, value):
        if key in {"people", "staff"}:
            return
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            found.add(value)
        elif isinstance(value, list):
            for v in value:
                walk(key, v)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k, v)

    for key, value in payload.items():
        if key not in {"count", "approved", "posts", "quotas"}:
            walk(key, value)
    return found


def _people(payloads: list[dict]) -> set[int]:
    ids: set[int] = set()
    for p in payloads:
        ids |= set(p.get("people") or [])
        for part in p.get("parts") or []:
            ids |= set(part.get("staff") or [])
    return ids


class Names:
    """Organization and person names for the operations of a plan, in two queries."""

    def __init__(self, operations: list[ReformOperation]):
        payloads = [op.payload for op in operations]
        ids: set[int] = set()
        for p in payloads:
            ids |= _refs(p)
        self.orgs: dict[int | str, str] = dict(
            Organization.objects.filter(pk__in=ids).values_list("pk", "name")
        )
        for op in operations:
            if op.kind == OperationKind.ESTABLISH:
                self.orgs[op.payload["key"]] = op.payload["name"]
        people = _people(payloads)
        self.people = (
            dict(Person.objects.filter(pk__in=people).values_list("pk", "name")) if people else {}
        )

    def org(self, ref) -> str:
        if ref is None:
            return "—"
        return self.orgs.get(ref, str(ref))

    def orgs_list(self, refs) -> str:
        return pgettext("list separator", ", ").join(self.org(r) for r in refs)

    def people_list(self, ids) -> str:
        return pgettext("list separator", ", ").join(self.people.get(i, str(i)) for i in ids)


def _quota_label(category: str, funding_type: str = "") -> str:
    try:
        label = str(QuotaCategory(category).label)
    except ValueError:
        label = category
    return f"{label} ({funding_type})" if funding_type else label


def describe(op: ReformOperation, names: Names) -> str:
    """One operation in plain words, with the organizations' names."""
    p = op.payload
    kind = op.kind
    if kind == OperationKind.ESTABLISH:
        return _("Establish %(name)s") % {"name": p["name"]}
    if kind == OperationKind.MERGE:
        return _("Merge %(sources)s into %(into)s") % {
            "sources": names.orgs_list(p["sources"]),
            "into": names.org(p["into"]),
        }
    if kind == OperationKind.ABOLISH:
        text = _("Abolish %(org)s") % {"org": names.org(p["organization"])}
        if p.get("staff_to") is not None:
            text += _("; its staff go to %(org)s") % {"org": names.org(p["staff_to"])}
        if p.get("functions_to") is not None:
            text += _("; its functions go to %(org)s") % {"org": names.org(p["functions_to"])}
        elif p.get("functions_abolished"):
            text += _("; its functions are abolished")
        return text
    if kind == OperationKind.RENAME:
        return _("Rename %(org)s to %(name)s") % {
            "org": names.org(p["organization"]),
            "name": p["name"],
        }
    if kind == OperationKind.TRANSFER_FUNCTION:
        return _("Transfer the function “%(f)s” from %(a)s to %(b)s") % {
            "f": p["function"],
            "a": names.org(p["source"]),
            "b": names.org(p["target"]),
        }
    if kind == OperationKind.TRANSFER_QUOTA:
        return _("Transfer %(n)s %(cat)s quota posts from %(a)s to %(b)s") % {
            "n": p["count"],
            "cat": _quota_label(p["category"], p.get("funding_type", "")),
            "a": names.org(p["source"]),
            "b": names.org(p["target"]),
        }
    if kind == OperationKind.CHANGE_POSTS:
        try:
            rank = str(PostRank(p["rank"]).label)
        except ValueError:
            rank = p["rank"]
        return _("Set the approved %(rank)s posts of %(org)s to %(n)s") % {
            "rank": rank,
            "org": names.org(p["organization"]),
            "n": p["approved"],
        }
    if kind == OperationKind.RECLASSIFY:
        try:
            klass = str(InstitutionClass(p["institution_class"]).label)
        except ValueError:
            klass = p["institution_class"]
        return _("Reclassify %(org)s as %(klass)s") % {
            "org": names.org(p["organization"]),
            "klass": klass,
        }
    if kind == OperationKind.MOVE_STAFF:
        return _("Move %(people)s from %(a)s to %(b)s (%(cat)s)") % {
            "people": names.people_list(p["people"]),
            "a": names.org(p["source"]),
            "b": names.org(p["target"]),
            "cat": _quota_label(p["category"], p.get("funding_type", "")),
        }
    if kind == OperationKind.SPLIT:
        parts = "; ".join(
            _("to %(org)s — functions: %(n)s, people: %(s)s")
            % {
                "org": names.org(part["into"]),
                "n": len(part.get("functions") or []),
                "s": len(part.get("staff") or []),
            }
            for part in p["parts"]
        )
        text = _("Split %(org)s (%(parts)s)") % {"org": names.org(p["source"]), "parts": parts}
        if p.get("abolish_source"):
            text += _("; it is then abolished")
        return text
    return op.get_kind_display()


def _operation_rows(plan: ReformPlan) -> list[dict]:
    operations = list(plan.operations.order_by("position"))
    names = Names(operations)
    return [{"op": op, "text": describe(op, names)} for op in operations]


def _plan_context(request, plan: ReformPlan, *, check: bool = True) -> dict:
    context = {
        "plan": plan,
        "operations": _operation_rows(plan),
        "can_edit": may_edit(request.user, plan),
        "ancestors": region_selectors.region_ancestors(region=plan.region),
    }
    if check:
        context["check"] = services.reform_plan_check(plan=plan)
    return context


# --- the list of plans ----------------------------------------------------------
@login_required
def plan_list(request):
    """The plans the user may read; establishment officers open new drafts here."""
    scope = registry_write_scope(request.user)
    can_create = not scope.nothing
    form, status = None, 200
    if can_create:
        if request.method == "POST":
            form = PlanForm(request.POST, write_scope=scope)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    plan = services.reform_plan_create(
                        actor=request.user,
                        name=data["name"],
                        document_number=data["document_number"],
                        effective_date=data["effective_date"],
                        region=data["region"],
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                    status = exc.status
                else:
                    messages.success(
                        request, _("The draft plan “%(name)s” was opened.") % {"name": plan.name}
                    )
                    return redirect("reforms:detail", pk=plan.pk)
            else:
                status = 400
        else:
            form = PlanForm(
                write_scope=scope,
                initial={"region": _officer_region_code(request.user)},
            )
    elif request.method == "POST":
        raise Http404("No such page")
    plans = selectors.plans_visible_to(user=request.user).order_by("-effective_date", "-pk")
    context = {"plans": plans, "form": form, "can_create": can_create}
    return render(request, "reforms/plan_list.html", context, status=status)


# --- the editor ----------------------------------------------------------------
def _kind_and_form(plan: ReformPlan, kind: str | None, data=None):
    kind_form = KindForm({"kind": kind or DEFAULT_KIND})
    if not kind_form.is_valid():
        return kind_form, None
    kind = kind_form.cleaned_data["kind"]
    return kind_form, OPERATION_FORMS[kind](data, plan=plan)


def _editor(request, plan: ReformPlan, *, kind=None, form=None, error=None, status=200):
    kind_form, default_form = _kind_and_form(plan, kind)
    if kind_form.errors:
        status = 400
    context = _plan_context(request, plan)
    context.update(
        {
            "kind_form": kind_form,
            "form": form if form is not None else default_form,
            "error": error,
        }
    )
    if request.htmx and not request.htmx.boosted:
        notice = getattr(request, "_editor_notice", "")
        context["notice"] = notice
        if notice:
            # The swap replaces the control that had the focus: hand it to the next step.
            kind_form.fields["kind"].widget.attrs["autofocus"] = True
        return render(request, "reforms/_workspace.html", context, status=status)
    return render(request, "reforms/plan_editor.html", context, status=status)


@login_required
@require_GET
def plan_detail(request, pk: int):
    """The editor of a draft plan; a plan that is no longer a draft opens its review."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    if plan.status != PlanStatus.DRAFT:
        return redirect("reforms:review", pk=plan.pk)
    return _editor(request, plan, kind=request.GET.get("kind"))


@login_required
@require_GET
def operation_fields(request, pk: int):
    """The fields of one kind of operation (swapped in by htmx when the kind changes)."""
    plan = _editable_plan(request, pk)
    kind_form, form = _kind_and_form(plan, request.GET.get("kind"))
    if not request.htmx:
        return redirect(
            reverse("reforms:detail", args=[plan.pk]) + f"?kind={kind_form['kind'].value()}"
        )
    if form is None:
        return render(
            request,
            "reforms/_operation_form.html",
            {"plan": plan, "kind_form": kind_form, "form": None},
            status=400,
        )
    return render(
        request,
        "reforms/_operation_form.html",
        {"plan": plan, "kind_form": kind_form, "form": form, "can_edit": True},
    )


@login_required
@require_POST
def operation_add(request, pk: int):
    """Append an operation; the findings and the impact are played again."""
    plan = _editable_plan(request, pk)
    kind = request.POST.get("kind")
    kind_form, form = _kind_and_form(plan, kind, request.POST)
    if form is None:
        return _editor(request, plan, kind=kind, status=400)
    if not form.is_valid():
        return _editor(request, plan, kind=form.kind, form=form, status=400)
    try:
        operation = services.reform_operation_add(
            actor=request.user, plan=plan, kind=form.kind, payload=form.payload()
        )
    except DomainError as exc:
        return _editor(
            request, plan, kind=form.kind, form=form, error=exc.message, status=exc.status
        )
    notice = _("Operation %(n)s was added: %(kind)s.") % {
        "n": operation.position,
        "kind": operation.get_kind_display(),
    }
    if request.htmx:
        request._editor_notice = notice
        return _editor(request, plan, kind=form.kind)
    messages.success(request, notice)
    return redirect(reverse("reforms:detail", args=[plan.pk]) + f"?kind={form.kind}#check")


@login_required
@require_POST
def operation_remove(request, pk: int, operation_pk: int):
    """Remove an operation; those after it move up one place."""
    plan = _editable_plan(request, pk)
    try:
        operation = plan.operations.get(pk=operation_pk)
    except ReformOperation.DoesNotExist:
        raise Http404("No such operation")
    position = operation.position
    try:
        services.reform_operation_remove(actor=request.user, operation=operation)
    except DomainError as exc:
        return _editor(request, plan, error=exc.message, status=exc.status)
    notice = _("Operation %(n)s was removed.") % {"n": position}
    if request.htmx:
        request._editor_notice = notice
        return _editor(request, plan)
    messages.success(request, notice)
    return redirect(reverse("reforms:detail", args=[plan.pk]) + "#operations")


@login_required
@require_POST
def plan_submit(request, pk: int):
    """Submit the draft for review."""
    plan = _editable_plan(request, pk)
    try:
        services.reform_plan_submit(actor=request.user, plan=plan)
    except DomainError as exc:
        return _editor(request, plan, error=exc.message, status=exc.status)
    messages.success(request, _("The plan was submitted for review."))
    return _redirect(request, reverse("reforms:review", args=[plan.pk]))


# --- the review ------------------------------------------------------------------
def _review(
    request, plan: ReformPlan, *, approve_form=None, return_form=None, error=None, status=200
):
    # An applied plan has changed the registry: playing it again would only find that
    # its organizations are gone. Its effect is read from the registry's diff instead.
    context = _plan_context(request, plan, check=plan.status != PlanStatus.APPLIED)
    check = context.get("check")
    context.update(
        {
            "blocking": [s for s in check.impact if s.blocking] if check else [],
            "approve_form": approve_form or ApproveForm(),
            "return_form": return_form or ReturnForm(),
            "error": error,
            "day_before": plan.effective_date - datetime.timedelta(days=1),
        }
    )
    return render(request, "reforms/plan_review.html", context, status=status)


@login_required
@require_GET
def plan_review(request, pk: int):
    """The impact report and findings of a submitted plan, with approve and return."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    if plan.status == PlanStatus.DRAFT:
        return redirect("reforms:detail", pk=plan.pk)
    return _review(request, plan)


@login_required
@require_POST
def plan_approve(request, pk: int):
    """Approve (and, when its date has come, apply) the plan; a refusal says why (409)."""
    plan = _editable_plan(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _review(request, plan, approve_form=form, status=400)
    try:
        plan = services.reform_plan_approve(
            actor=request.user,
            plan=plan,
            override_reason=form.cleaned_data["override_reason"],
        )
    except DomainError as exc:
        plan.refresh_from_db()
        return _review(request, plan, approve_form=form, error=exc.message, status=exc.status)
    if plan.status == PlanStatus.APPLIED:
        text = _("The plan was approved and applied to the registry.")
    else:
        text = _("The plan was approved; it applies on %(date)s.") % {
            "date": plan.effective_date.isoformat()
        }
    messages.success(request, text)
    return _redirect(request, reverse("reforms:review", args=[plan.pk]))


@login_required
@require_POST
def plan_return(request, pk: int):
    """Send the plan back to draft with the reviewer's reason."""
    plan = _editable_plan(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _review(request, plan, return_form=form, status=400)
    try:
        services.reform_plan_return(
            actor=request.user, plan=plan, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        plan.refresh_from_db()
        return _review(request, plan, return_form=form, error=exc.message, status=exc.status)
    messages.success(
        request,
        _("The plan was returned to draft: %(reason)s") % {"reason": form.cleaned_data["reason"]},
    )
    return _redirect(request, reverse("reforms:detail", args=[plan.pk]))


# --- the registry through time ------------------------------------------------------
def diff(request):
    """What changed in the registry between two dates (and which plans changed it)."""
    form = DiffForm(request.GET or None)
    context: dict = {"form": form, "result": None}
    status = 200
    if request.GET:
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            if end < start:
                start, end = end, start
            region: Region | None = form.cleaned_data["region"]
            result = selectors.registry_diff(start=start, end=end, region=region)
            visible = set(
                selectors.plans_visible_to(user=request.user)
                .filter(pk__in=[p.pk for p in result.plans])
                .values_list("pk", flat=True)
            )
            context.update(
                {
                    "result": result,
                    "start": start,
                    "end": end,
                    "region": region,
                    "quota_deltas": [
                        {
                            "organization": org,
                            "category": _quota_label(cat),
                            "before": before,
                            "after": after,
                            "change": after - before,
                        }
                        for org, cat, before, after in result.quota_deltas
                    ],
                    "visible_plans": visible,
                }
            )
        else:
            status = 400
    return render(request, "reforms/diff.html", context, status=status)


def timeline(request, pk: int):
    """An organization's life through reforms (沿革), with its predecessors and successors."""
    try:
        organization = org_selectors.organization_get(user=request.user, pk=pk)
    except OverflowError:
        raise Http404("No such organization")
    events = selectors.timeline(organization=organization)
    labels = {
        "established": _("Established"),
        "charter": _("Charter issued"),
        "renamed": _("Renamed"),
        "predecessor": _("Took over from"),
        "successor": _("Continued by"),
        "abolished": _("Abolished"),
    }
    for event in events:
        event["label"] = labels[event["kind"]]
    lineage = selectors.lineage(organization=organization)
    context = {
        "organization": organization,
        "ancestors": region_selectors.region_ancestors(region=organization.region),
        "events": events,
        "predecessors": lineage["predecessors"],
        "successors": lineage["successors"],
    }
    return render(request, "reforms/timeline.html", context)
