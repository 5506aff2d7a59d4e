"""A department's work (审查): the task queue with its tabs, and the task page with the
reviewer's actions — accept, not accept, one complete supplement notice, suspend and
resume, extend (approved by a head), approve, deny.

Actions answer htmx with the task's action panel swapped in place (the refusal shown next
to its form), and plain requests with POST-redirect-GET. A task of another department is a
404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onevisit.core.errors import DomainError, NotFound
from onevisit.core.identifiers import mask_identity_number
from onevisit.core.scoping import organizations_of

from .. import selectors, services
from ..choices import TaskState
from ..forms import (
    ActionForm,
    ApproveForm,
    DenyForm,
    ExtendForm,
    NotAcceptForm,
    QueueForm,
    SupplementRequestForm,
    SuspendForm,
)
from ..services.common import REVIEWERS, holds_role_in
from .common import form_answers, page_status, redirect_to

TASK_ROLES = REVIEWERS | {"window_clerk"}


def _task_or_404(user, pk: int):
    try:
        return selectors.task_get(user=user, pk=pk)
    except NotFound:
        raise Http404("No such task")


# --- the queue ---------------------------------------------------------------------------
@login_required
@require_GET
def task_queue(request):
    """A department's tasks by tab: to accept, in review, waiting, due soon, overdue,
    decided; one page at a time, "next page" following the last task shown."""
    organizations = organizations_of(request.user, TASK_ROLES)
    scope = selectors.task_scope(request.user)
    if scope.nothing:
        raise Http404("No task list")
    form = QueueForm(request.GET or None, organizations=organizations)
    status, data = 200, {}
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    queue = data.get("queue") or "to_accept"
    org = data.get("org") or None
    limit = selectors.PAGE_SIZE
    tasks = selectors.task_queue(
        user=request.user,
        organization_id=org,
        queue=queue,
        after=data.get("after"),
        limit=limit + 1,
    )
    more = len(tasks) > limit
    tasks = tasks[:limit]
    base = {"org": org} if org else {}
    tabs = [
        {
            "key": key,
            "label": label,
            "url": "?" + urlencode({**base, "queue": key}),
            "current": key == queue,
        }
        for key, label in selectors.QUEUES.items()
    ]
    context = {
        "form": form,
        "queue": queue,
        "queue_label": selectors.QUEUES[queue],
        "tabs": tabs,
        "rows": [
            {"task": t, "applicant_id": mask_identity_number(t.case.applicant.identifier)}
            for t in tasks
        ],
        "next_url": "?" + urlencode({**base, "queue": queue, "after": tasks[-1].pk})
        if more and tasks
        else "",
        "organizations": organizations,
        "today": timezone.localdate(),
    }
    return render(request, "cases/task_queue.html", context, status=status)


# --- the actions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """A reviewer action: its form (`form(user, task, data=None)`), its service call
    (`run(user, task, form)`) and what it says when done."""

    key: str
    label: str
    states: tuple[str, ...]
    form: Callable
    run: Callable
    done: str
    primary: bool = False


def _materials_of(task) -> list[str]:
    return list(task.case.materials.values_list("name", flat=True).order_by("id"))


ACTIONS = {
    a.key: a
    for a in [
        Action(
            "accept",
            gettext_lazy("Accept (受理)"),
            (TaskState.SUBMITTED,),
            lambda user, task, data=None: ActionForm(data, prefix="accept"),
            lambda user, task, form: services.task_accept(actor=user, task=task),
            gettext_lazy("The application was accepted; the clock runs."),
            primary=True,
        ),
        Action(
            "not_accept",
            gettext_lazy("Do not accept (不予受理)"),
            (TaskState.SUBMITTED,),
            lambda user, task, data=None: NotAcceptForm(data, prefix="not_accept"),
            lambda user, task, form: services.task_not_accept(
                actor=user, task=task, reason=form.cleaned_data["reason"]
            ),
            gettext_lazy("The application was not accepted."),
        ),
        Action(
            "supplement",
            gettext_lazy("Request a supplement (一次性告知)"),
            (TaskState.SUBMITTED, TaskState.ACCEPTED),
            lambda user, task, data=None: SupplementRequestForm(
                data,
                prefix="supplement",
                material_names=_materials_of(task),
                second=task.notices.exists(),
            ),
            lambda user, task, form: services.task_request_supplement(
                actor=user,
                task=task,
                missing=form.missing(),
                new_fact=form.cleaned_data.get("new_fact") or "",
                reason=form.cleaned_data.get("reason") or "",
            ),
            gettext_lazy("The notice listing everything missing was sent to the applicant."),
        ),
        Action(
            "suspend",
            gettext_lazy("Suspend the clock (中止)"),
            (TaskState.ACCEPTED,),
            lambda user, task, data=None: SuspendForm(data, prefix="suspend"),
            lambda user, task, form: services.task_suspend(
                actor=user,
                task=task,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            ),
            gettext_lazy("The clock is stopped."),
        ),
        Action(
            "resume",
            gettext_lazy("Resume the clock"),
            (TaskState.SUSPENDED,),
            lambda user, task, data=None: ActionForm(data, prefix="resume"),
            lambda user, task, form: services.task_resume(actor=user, task=task),
            gettext_lazy("The clock runs again."),
            primary=True,
        ),
        Action(
            "extend",
            gettext_lazy("Extend the time limit (延期)"),
            (TaskState.ACCEPTED, TaskState.SUSPENDED, TaskState.SUPPLEMENT),
            lambda user, task, data=None: ExtendForm(
                data,
                prefix="extend",
                heads=selectors.department_heads(user=user, organization=task.organization),
            ),
            lambda user, task, form: services.task_extend(
                actor=user,
                task=task,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                approved_by=form.cleaned_data["approved_by"],
            ),
            gettext_lazy("The time limit was extended."),
        ),
        Action(
            "approve",
            gettext_lazy("Approve (准予)"),
            (TaskState.ACCEPTED,),
            lambda user, task, data=None: ApproveForm(data, prefix="approve"),
            lambda user, task, form: services.task_approve(
                actor=user, task=task, note=form.cleaned_data.get("note") or ""
            ),
            gettext_lazy("Approved; the result is issued to the applicant's records."),
            primary=True,
        ),
        Action(
            "deny",
            gettext_lazy("Deny (不予许可)"),
            (TaskState.ACCEPTED,),
            lambda user, task, data=None: DenyForm(data, prefix="deny"),
            lambda user, task, form: services.task_deny(
                actor=user,
                task=task,
                reason=form.cleaned_data["reason"],
                legal_basis=form.cleaned_data["legal_basis"],
            ),
            gettext_lazy("Denied, with the reason and the legal basis."),
        ),
    ]
}


def _task_context(request, pk: int, *, bound=None, error=None, notice=None) -> dict:
    task = _task_or_404(request.user, pk)
    case = task.case
    reviewer = holds_role_in(request.user, REVIEWERS, task.organization_id)
    actions = []
    if reviewer:
        for action in sorted(ACTIONS.values(), key=lambda a: not a.primary):
            if task.state not in action.states:
                continue
            form = bound if bound is not None and bound[0] == action.key else None
            actions.append(
                {
                    "action": action,
                    "form": form[1] if form else action.form(request.user, task),
                    "error": error if form else None,
                    "open": form is not None,
                    "url": reverse("cases:task_action", args=[task.pk, action.key]),
                }
            )
    return {
        "task": task,
        "case": case,
        "applicant_id": mask_identity_number(case.applicant.identifier),
        "materials": list(case.materials.select_related("record", "upload").order_by("id")),
        "notices": list(task.notices.all()),
        "suspensions": list(task.suspensions.all()),
        "answers": form_answers(
            case, [t.version for t in case.tasks.select_related("version").order_by("position")]
        ),
        "reviewer": reviewer,
        "actions": actions,
        "notice": notice,
        "error": error if bound is None else None,
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def task_page(request, pk: int):
    """A task: the application as the department sees it, and the reviewer's actions."""
    return render(request, "cases/task.html", _task_context(request, pk))


@login_required
@require_POST
def task_action(request, pk: int, action: str):
    """Carry out one reviewer action on the task."""
    task = _task_or_404(request.user, pk)
    spec = ACTIONS.get(action)
    if spec is None or not holds_role_in(request.user, REVIEWERS, task.organization_id):
        raise Http404("No such action")
    template = "cases/_task_panel.html" if request.htmx else "cases/task.html"
    form = spec.form(request.user, task, request.POST)
    if not form.is_valid():
        context = _task_context(request, pk, bound=(action, form))
        return render(request, template, context, status=400)
    try:
        spec.run(request.user, task, form)
    except DomainError as exc:
        context = _task_context(request, pk, bound=(action, form), error=exc.message)
        if spec.key not in {a["action"].key for a in context["actions"]}:
            context["error"] = exc.message  # the action no longer applies: say it above
        return render(request, template, context, status=page_status(exc))
    if request.htmx:
        context = _task_context(request, pk, notice=str(spec.done))
        return render(request, template, context)
    messages.success(request, str(spec.done))
    return redirect_to(request, reverse("cases:task", args=[pk]))
