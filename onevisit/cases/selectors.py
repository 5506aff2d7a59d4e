"""Reads of the service desk, always starting from what the user may see.

- A department's reviewers, heads and window clerks see the tasks of their organization;
  a supervisor sees those of their region; the system administrator sees all.
- A citizen or enterprise sees the cases they applied for (their applicant record).
- A window clerk also sees the cases taken in at their window.
Anything else is a 404. Lists are keyset-paginated, so their query count and cost do not
grow with the number of cases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core import calendar
from onevisit.core.errors import NotFound
from onevisit.core.models import Role
from onevisit.core.scoping import Scope, _scope, assignments_of

from .choices import OPEN_STATES, STOPPED_STATES, CaseState, TaskState
from .models import Applicant, Case, Rectification, Task

PAGE_SIZE = 50


def task_scope(user) -> Scope:
    """Whose tasks a user may read: their organization's, or their region's (supervisor)."""
    return _scope(
        user,
        {Role.SUPERVISOR},
        {Role.DEPARTMENT_REVIEWER, Role.DEPARTMENT_HEAD, Role.WINDOW_CLERK},
    )


def window_ids(user) -> set[int]:
    return {
        a.organization_id
        for a in assignments_of(user)
        if a.role == Role.WINDOW_CLERK and a.organization_id
    }


def applicant_of(user) -> Applicant | None:
    if user is None or not user.is_authenticated:
        return None
    return Applicant.objects.filter(user=user).select_related("region").first()


def tasks_visible_to(user) -> QuerySet[Task]:
    scope = task_scope(user)
    return Task.objects.filter(
        scope.q(region_field="case__region__code", organization_field="organization_id")
    )


def cases_visible_to(user) -> QuerySet[Case]:
    """Own cases, cases with a task the user may see, cases taken in at the user's window."""
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    scope = task_scope(user)
    if scope.everything:
        return Case.objects.all()
    q = Q(applicant__user=user)
    if scope.region_codes or scope.organization_ids:
        q |= Exists(
            Task.objects.filter(
                scope.q(region_field="case__region__code", organization_field="organization_id"),
                case=OuterRef("pk"),
            )
        )
    windows = window_ids(user)
    if windows:
        q |= Q(window_id__in=windows)
    return Case.objects.filter(q)


# --- lists ----------------------------------------------------------------------------
QUEUES = {
    "to_accept": _("To accept"),
    "in_review": _("In review"),
    "waiting": _("Waiting (supplement or suspended)"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "decided": _("Decided"),
}


def task_queue(
    *,
    user,
    organization_id: int | None = None,
    queue: str = "to_accept",
    after: int | None = None,
    today: datetime.date | None = None,
    within: int = 3,
    limit: int = PAGE_SIZE,
) -> list[Task]:
    """One page of a department's tasks. Overdue and due-soon are the running tasks past or
    near their due date; pages follow the index (organization, state, due date)."""
    today = today or timezone.localdate()
    qs = tasks_visible_to(user)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if queue == "to_accept":
        qs = qs.filter(state=TaskState.SUBMITTED).order_by("-id")
    elif queue == "in_review":
        qs = qs.filter(state=TaskState.ACCEPTED).order_by("due_date", "id")
    elif queue == "waiting":
        qs = qs.filter(state__in=STOPPED_STATES).order_by("-id")
    elif queue == "due_soon":
        horizon = calendar.add_working_days(today, within)
        qs = qs.filter(
            state=TaskState.ACCEPTED, due_date__gte=today, due_date__lte=horizon
        ).order_by("due_date", "id")
    elif queue == "overdue":
        qs = qs.filter(state=TaskState.ACCEPTED, due_date__lt=today).order_by("due_date", "id")
    elif queue == "decided":
        qs = qs.filter(state__in=[TaskState.APPROVED, TaskState.DENIED, TaskState.NOT_ACCEPTED])
        qs = qs.order_by("-id")
    else:
        raise NotFound(_("No such list."))
    if after is not None:
        qs = _after(qs, after)
    return list(
        qs.select_related("case__applicant", "version", "organization")[: max(1, min(limit, 200))]
    )


def _after(qs: QuerySet[Task], after: int) -> QuerySet[Task]:
    """Keyset pagination: rows after the task `after` in the queryset's order."""
    order = qs.query.order_by
    if order and order[0] == "-id":
        return qs.filter(id__lt=after)
    anchor = Task.objects.filter(pk=after).values_list("due_date", flat=True).first()
    if anchor is None:
        return qs
    return qs.filter(Q(due_date__gt=anchor) | Q(due_date=anchor, id__gt=after))


def my_cases(*, user, before: int | None = None, limit: int = PAGE_SIZE) -> list[Case]:
    """The user's own cases, newest first, one page."""
    applicant = applicant_of(user)
    if applicant is None:
        return []
    qs = Case.objects.filter(applicant=applicant)
    if before is not None:
        qs = qs.filter(id__lt=before)
    cases = list(qs.order_by("-id")[: max(1, min(limit, 200))])
    tasks: dict[int, list[Task]] = {}
    if cases:
        rows = Task.objects.filter(case__in=[c.pk for c in cases]).select_related(
            "organization", "version"
        )
        for task in rows:
            tasks.setdefault(task.case_id, []).append(task)
    for case in cases:
        case.task_list = tasks.get(case.pk, [])
    return cases


def case_get(*, user, number: str) -> Case:
    case = (
        cases_visible_to(user)
        .filter(number=number)
        .select_related("applicant", "bundle", "region", "window")
        .first()
    )
    if case is None:
        raise NotFound(_("No such case."))
    return case


def task_get(*, user, pk: int) -> Task:
    task = (
        tasks_visible_to(user)
        .filter(pk=pk)
        .select_related("case__applicant", "version", "organization", "item")
        .first()
    )
    if task is None:
        raise NotFound(_("No such task."))
    return task


@dataclass
class CaseDetail:
    case: Case
    tasks: list[Task]
    materials: list
    visits: list
    evaluations: list
    is_applicant: bool


def case_detail(*, user, number: str) -> CaseDetail:
    case = case_get(user=user, number=number)
    tasks = list(
        case.tasks.select_related("organization", "version").prefetch_related(
            "notices", "suspensions"
        )
    )
    return CaseDetail(
        case=case,
        tasks=tasks,
        materials=list(case.materials.select_related("record")),
        visits=list(case.visit_log.all()),
        evaluations=list(case.evaluations.all()),
        is_applicant=case.applicant.user_id == getattr(user, "pk", None),
    )


def open_notice_items(tasks: list[Task]) -> list[str]:
    """Everything the open notices of a case's tasks ask for, each name once."""
    names: list[str] = []
    for task in tasks:
        if task.state != TaskState.SUPPLEMENT:
            continue
        notices = [n for n in task.notices.all() if n.answered_at is None]
        for notice in notices[-1:]:
            names += [row["name"] for row in notice.missing]
    return list(dict.fromkeys(names))


# --- rates ----------------------------------------------------------------------------
@dataclass
class VisitRates:
    completed: int
    one_visit: int
    zero_visit: int

    @property
    def one_visit_rate(self) -> float | None:
        return self.one_visit / self.completed if self.completed else None

    @property
    def zero_visit_rate(self) -> float | None:
        return self.zero_visit / self.completed if self.completed else None


def visit_rates(
    *,
    region_code: str | None = None,
    organization_id: int | None = None,
    item_id: int | None = None,
    bundle_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> VisitRates:
    """One-visit and zero-visit rates of the cases completed in ``[start, end]``, filtered by
    region, the department or item of any task, or bundle; counted in one query."""
    qs = Case.objects.filter(state=CaseState.COMPLETED)
    if region_code:
        qs = qs.filter(region__code__startswith=region_code)
    if start:
        qs = qs.filter(completed_on__gte=start)
    if end:
        qs = qs.filter(completed_on__lte=end)
    if bundle_id:
        qs = qs.filter(bundle_id=bundle_id)
    if organization_id or item_id:
        tasks = Task.objects.filter(case=OuterRef("pk"))
        if organization_id:
            tasks = tasks.filter(organization_id=organization_id)
        if item_id:
            tasks = tasks.filter(item_id=item_id)
        qs = qs.filter(Exists(tasks))
    row = qs.aggregate(
        completed=Count("pk"),
        one_visit=Count("pk", filter=Q(visits__lte=1)),
        zero_visit=Count("pk", filter=Q(visits=0)),
    )
    return VisitRates(**row)


def rectifications_of(*, user, organization_id: int) -> QuerySet[Rectification]:
    if organization_id not in task_scope(user).organization_ids and not task_scope(user).everything:
        raise NotFound(_("No such department."))
    return Rectification.objects.filter(organization_id=organization_id).select_related(
        "evaluation__case"
    )


def open_task_count(organization_id: int) -> int:
    return Task.objects.filter(organization_id=organization_id, state__in=OPEN_STATES).count()
