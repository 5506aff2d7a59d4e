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

from onevisit.catalog.choices import MaterialSource
from onevisit.catalog.models import Bundle, ServiceItem
from onevisit.core import calendar
from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.core.hotpath import select_one
from onevisit.core.models import Role, User
from onevisit.core.scoping import Scope, _scope, assignments_of, has_role, organizations_of
from onevisit.orgs.models import Organization
from onevisit.regions import selectors as region_selectors
from onevisit.regions.models import Region

from .choices import STOPPED_STATES, CaseState, MaterialState, TaskState
from .models import (
    Applicant,
    Case,
    CaseMaterial,
    Record,
    Rectification,
    SupplementNotice,
    Task,
    Upload,
)

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
    # On every online submission: SQL compiled once (core.hotpath), the region joined.
    return select_one(Applicant, "t.user_id = %s", [user.pk], related="region")


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


# --- what the pages read beside the lists ------------------------------------------------
def _in_visible_cases(qs: QuerySet, user, case_field: str = "case") -> QuerySet:
    """`qs` narrowed to rows of the cases the user may see."""
    if task_scope(user).everything:
        return qs
    return qs.filter(**{f"{case_field}__in": cases_visible_to(user).values("pk")})


def open_notices_by_task(*, user, tasks) -> dict[int, list[dict]]:
    """{task id: the rows of its open notice} for the tasks waiting for a supplement,
    among the cases the user may see."""
    waiting = [t.pk for t in tasks if t.state == TaskState.SUPPLEMENT]
    if not waiting:
        return {}
    notices = _in_visible_cases(
        SupplementNotice.objects.filter(task_id__in=waiting, answered_at__isnull=True),
        user,
        "task__case",
    )
    found: dict[int, list[dict]] = {}
    for notice in notices.order_by("task_id", "number"):
        found[notice.task_id] = list(notice.missing)
    return found


def promised_materials(*, user, case_ids) -> dict[int, list[CaseMaterial]]:
    """{case id: its materials promised for later (容缺) or missing}, among the cases the
    user may see."""
    if not case_ids:
        return {}
    rows = _in_visible_cases(
        CaseMaterial.objects.filter(
            case_id__in=list(case_ids),
            state__in=[MaterialState.SHORTFALL, MaterialState.MISSING],
        ),
        user,
    )
    found: dict[int, list[CaseMaterial]] = {}
    for m in rows.order_by("case_id", "id"):
        found.setdefault(m.case_id, []).append(m)
    return found


def uploads_of(*, user, ids) -> dict[int, Upload]:
    """The user's own uploads among `ids` (form fields carry them between attempts); ids
    that are not numbers, or not the user's, are left out."""
    wanted = set()
    for value in ids:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            continue
    if not wanted or user is None or not user.is_authenticated:
        return {}
    return {u.pk: u for u in Upload.objects.filter(pk__in=wanted, uploaded_by=user)}


def upload_same(*, user, sha256: str, name: str) -> Upload | None:
    """The user's latest upload of this very file under this name (a double click, a
    retry sends it again)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Upload.objects.filter(uploaded_by=user, sha256=sha256, original_name=name)
        .order_by("-pk")
        .first()
    )


def works_at_window(user) -> bool:
    """A window clerk (or the administrator), who checks the identity document of the
    applicant present before reading anything about them."""
    return bool(window_ids(user)) or task_scope(user).everything


def applicant_find(*, user, kind: str, identifier: str) -> Applicant | None:
    """The registered applicant with this identity number or credit code, for a window
    clerk who has the applicant in front of them; None for anyone else, or when nobody is
    registered under the number. A malformed number is a `ValidationFailed`."""
    from .services.applicants import normalize_identifier

    if not works_at_window(user):
        return None
    identifier = normalize_identifier(kind, identifier)
    return (
        Applicant.objects.filter(kind=kind, identifier=identifier).select_related("region").first()
    )


def applicant_records(*, user, applicant: Applicant | None) -> QuerySet[Record]:
    """The records of an applicant the user may read: their own, or — at a window — those
    of the applicant present (found by `applicant_find`)."""
    if applicant is None or user is None or not user.is_authenticated:
        return Record.objects.none()
    if applicant.user_id != user.pk and not works_at_window(user):
        return Record.objects.none()
    return usable_records(applicant, on=timezone.localdate())


def usable_records(applicant: Applicant, *, on) -> QuerySet[Record]:
    """The applicant's records that can stand for a material on a day: results, and
    electronic licences that are neither revoked nor expired."""
    in_force = Q(licence__state="valid") & (
        Q(licence__valid_until__isnull=True) | Q(licence__valid_until__gte=on)
    )
    return Record.objects.filter(applicant=applicant).filter(Q(licence__isnull=True) | in_force)


#: Material sources the applicant's records can stand for.
RECORD_SOURCES = (MaterialSource.ISSUED_BY_ITEM, MaterialSource.ELECTRONIC_LICENCE)


def record_matches(record: Record, wanted) -> bool:
    """Whether a record can stand for a material of a bundle (an entry of `materials_of`):
    the result of the item that issues it, or a licence of its type."""
    for m in wanted.materials:
        if m.source == MaterialSource.ISSUED_BY_ITEM and record.source_item_id == m.source_item_id:
            return True
        if m.source == MaterialSource.ELECTRONIC_LICENCE and record.licence_type == m.licence_type:
            return True
    return False


def matching_records(*, user, applicant: Applicant | None, materials) -> dict[int, list[Record]]:
    """{material index: the applicant's records that can stand for it} (earlier results,
    electronic licences), within the records the user may read."""
    wanted = [
        (n, m)
        for n, m in enumerate(materials)
        if any(x.source in RECORD_SOURCES for x in m.materials)
    ]
    if applicant is None or not wanted:
        return {}
    records = list(applicant_records(user=user, applicant=applicant).select_related("issued_by"))
    found = {}
    for n, m in wanted:
        matches = [r for r in records if record_matches(r, m)]
        if matches:
            found[n] = matches
    return found


def department_heads(*, user, organization: Organization) -> QuerySet[User]:
    """The heads of a department who may approve an extension, for those who see the
    department's tasks; nobody for anyone else."""
    scope = task_scope(user)
    if not scope.covers(
        region_code=organization.region.code if scope.region_codes else "",
        organization_id=organization.pk,
    ):
        return User.objects.none()
    return (
        User.objects.filter(
            role_assignments__role=Role.DEPARTMENT_HEAD,
            role_assignments__organization=organization,
        )
        .distinct()
        .order_by("display_name", "username")
    )


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


#: Roles that read the figures of their region's subtree, and of their own organization.
RATES_REGION_WIDE = {Role.SUPERVISOR, Role.ESTABLISHMENT_OFFICER}
RATES_ORGANIZATION_BOUND = {Role.DEPARTMENT_REVIEWER, Role.DEPARTMENT_HEAD}


def rates_scope(
    user, region: str | None = None, organization: int | None = None
) -> tuple[str | None, int | None]:
    """Which one-visit figures the user may read, as the (region code, organization id) to
    count: the system administrator any; supervisors and establishment officers their
    region's subtree (the region defaults to theirs); department reviewers and heads their
    own organization (the organization defaults to theirs). A region or organization
    outside that, or a user with none of these roles, is a `NotFound`; a default that is
    ambiguous (several regions or organizations) is a `ValidationFailed`."""
    admin = bool(getattr(user, "is_superuser", False)) or has_role(user, Role.SYSTEM_ADMINISTRATOR)
    if admin:
        return region, organization
    regions = {a.region.code for a in assignments_of(user) if a.role in RATES_REGION_WIDE}
    orgs = {
        a.organization_id
        for a in assignments_of(user)
        if a.role in RATES_ORGANIZATION_BOUND and a.organization_id
    }
    if regions and (region is None or any(region.startswith(r) for r in regions)):
        if region is None:
            roots = {r for r in regions if not any(r != o and r.startswith(o) for o in regions)}
            if len(roots) > 1:
                raise ValidationFailed(
                    _("Choose the region: you see the figures of several."), code="region"
                )
            region = roots.pop()
        return region, organization
    if orgs and (organization is None or organization in orgs):
        if organization is None:
            if len(orgs) > 1:
                raise ValidationFailed(
                    _("Choose the organization: you see the figures of several."),
                    code="organization",
                )
            organization = next(iter(orgs))
        return region, organization
    raise NotFound(_("No one-visit figures that you may see."))


def rates_organizations(user) -> list[Organization]:
    """The organizations a department reviewer or head works for (their rates, their
    rectifications)."""
    return organizations_of(user, RATES_ORGANIZATION_BOUND)


@dataclass
class RatesBreakdown:
    """The one-visit figures of a region (and its child regions), by department, service
    item and bundle, the busiest first; optionally of one organization's tasks only."""

    region: Region
    organization: Organization | None
    by_region: list[tuple[Region, VisitRates]]
    by_organization: list[tuple[Organization, VisitRates]]
    by_item: list[tuple[ServiceItem, VisitRates]]
    by_bundle: list[tuple[Bundle, VisitRates]]


def _busiest(
    field: str, *, region_code: str, organization_id: int | None, start, end, limit: int
) -> list[int]:
    """The ids (by `field` of the tasks) with the most cases completed in the period."""
    qs = Task.objects.filter(
        case__state=CaseState.COMPLETED,
        case__region__code__startswith=region_code,
        case__completed_on__gte=start,
        case__completed_on__lte=end,
    )
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    rows = qs.values(field).annotate(n=Count("case_id", distinct=True)).order_by("-n", field)
    return [r[field] for r in rows[:limit] if r[field] is not None]


def rates_breakdown(
    *,
    user,
    region_code: str,
    organization_id: int | None = None,
    start: datetime.date,
    end: datetime.date,
    limit: int = PAGE_SIZE,
) -> RatesBreakdown:
    """The figures of the visit-rates page, within what `rates_scope` lets the user read
    (the same rule as the API): an unknown region, or figures the user may not read, are a
    404."""
    region_code, organization_id = rates_scope(user, region_code, organization_id)
    region = region_selectors.region_get(code=region_code)
    organization = None
    if organization_id is not None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise NotFound(_("No such department."))
    common = {"organization_id": organization_id, "start": start, "end": end}
    regions = [region, *region_selectors.region_children(region=region).order_by("code")[:limit]]
    by_region = [(r, visit_rates(region_code=r.code, **common)) for r in regions]
    busiest = {
        "organization_id": [organization_id]
        if organization_id is not None
        else _busiest(
            "organization_id",
            region_code=region_code,
            organization_id=None,
            start=start,
            end=end,
            limit=limit,
        ),
    }
    for field in ("item_id", "case__bundle_id"):
        busiest[field] = _busiest(
            field,
            region_code=region_code,
            organization_id=organization_id,
            start=start,
            end=end,
            limit=limit,
        )
    period = {"region_code": region_code, "start": start, "end": end}
    orgs = Organization.objects.in_bulk(busiest["organization_id"])
    items = ServiceItem.objects.in_bulk(busiest["item_id"])
    bundles = Bundle.objects.in_bulk(busiest["case__bundle_id"])
    return RatesBreakdown(
        region=region,
        organization=organization,
        by_region=by_region,
        by_organization=[
            (orgs[pk], visit_rates(organization_id=pk, **period))
            for pk in busiest["organization_id"]
            if pk in orgs
        ],
        by_item=[
            (items[pk], visit_rates(organization_id=organization_id, item_id=pk, **period))
            for pk in busiest["item_id"]
            if pk in items
        ],
        by_bundle=[
            (bundles[pk], visit_rates(organization_id=organization_id, bundle_id=pk, **period))
            for pk in busiest["case__bundle_id"]
            if pk in bundles
        ],
    )


def rectifications_of(*, user, organization_id: int) -> QuerySet[Rectification]:
    """A department's rectifications after poor ratings (差评整改), for those who see its tasks."""
    if organization_id not in task_scope(user).organization_ids and not task_scope(user).everything:
        raise NotFound(_("No such department."))
    return Rectification.objects.filter(organization_id=organization_id).select_related(
        "evaluation__case"
    )
