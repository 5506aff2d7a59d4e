"""API of the service desk (办件): uploads, intake, my cases, a department's tasks and the
reviewer's actions, delivery, evaluation and the one-visit rates.

Scoping follows the selectors: a citizen or enterprise reads the cases they applied for; a
department's reviewers, heads and window clerks read the tasks of their organization (and
the cases those tasks belong to); a window clerk also reads the cases taken in at their
window; a supervisor reads the tasks of their region. Whatever the caller may not see is a
404, and acting on what one may see but not change is a 403. Writes go through the
services; refusals are {"detail", "code"}.

Identity numbers and phone numbers of applicants are masked for everyone but the applicant.

One-visit rates (`GET /api/cases/rates`): the system administrator reads any figures;
supervisors and establishment officers those of their region's subtree (the region
defaults to theirs; a region outside it is a 404); department reviewers and heads those of
their own organization (the organization defaults to theirs; another is a 404); anyone
else gets a 404. The share of materials filled from the licence vault
(`GET /api/cases/vault-fill`) follows the same rule.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Body, Field, File, Header, Path, Query, Router, Schema, Status, UploadedFile

from onevisit.catalog.selectors import item_names
from onevisit.core import calendar
from onevisit.core.errors import Conflict, NotFound, ValidationFailed
from onevisit.core.identifiers import mask_identity_number, mask_phone
from onevisit.core.schemas import ErrorOut
from onevisit.core.scoping import assignments_of
from onevisit.licences.indicators import vault_fill_rates
from onevisit.orgs.schemas import ID_MAX
from onevisit.regions.models import Region

from . import selectors, services
from .choices import ApplicantKind, Channel, RectificationState
from .models import Applicant, Case, CaseMaterial, Rectification, Task
from .schemas import (
    READ_ERRORS,
    UPLOAD_ERRORS,
    WRITE_ERRORS,
    CaseIn,
    CaseListFilters,
    CaseOut,
    CasePage,
    DenyIn,
    DispatchIn,
    EvaluationIn,
    EvaluationOut,
    ExtendIn,
    IntakeOut,
    NoteIn,
    RatesFilters,
    RatesOut,
    ReasonIn,
    SupplementIn,
    SupplementRequestIn,
    SuspendIn,
    TaskDetailOut,
    TaskFilters,
    TaskPage,
    UploadOut,
    VaultFillFilters,
    VaultFillOut,
)
from .services.common import REVIEWERS, clerk_window
from .services.uploads import max_upload_bytes

router = Router(tags=["cases"])

NUMBER = Path(..., max_length=40, pattern=r"^[0-9A-Za-z-]+$", description="Case number")
TASK_ID = Path(..., ge=1, le=ID_MAX, description="Task id")


# --- shaping -----------------------------------------------------------------------------
NOTICE_FIELDS = ("number", "missing", "new_fact", "reason", "issued_at", "answered_at")
SUSPENSION_FIELDS = ("kind", "reason", "started_on", "ended_on")
TASK_FIELDS = ("immediate", "promised_limit", "legal_limit", "accepted_on", "extension_days")
TASK_FIELDS += ("decided_on", "decision_reason", "legal_basis", "result_name")


def _fields(obj, names: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in names}


def _task_brief(task: Task) -> dict:
    return {
        "id": task.pk,
        "item": task.item_id,
        "item_name": task.version.name,
        "organization": task.organization_id,
        "organization_name": task.organization.name,
        "state": task.state,
        "due_date": task.due_date,
        "due_date_provisional": task.is_open and calendar.is_provisional(task.due_date),
    }


def _task(task: Task, number: str) -> dict:
    """A task with its clock, notices and suspension log (prefetched by the caller)."""
    return {
        **_task_brief(task),
        **_fields(task, TASK_FIELDS),
        "case": number,
        "notices": [_fields(n, NOTICE_FIELDS) for n in task.notices.all()],
        "suspensions": [_fields(s, SUSPENSION_FIELDS) for s in task.suspensions.all()],
    }


def _applicant(applicant: Applicant, *, is_applicant: bool) -> dict:
    identifier, phone = applicant.identifier, applicant.phone
    if not is_applicant:
        # A credit code is a public record; a person's identity number is not.
        if applicant.kind == ApplicantKind.PERSON:
            identifier = mask_identity_number(identifier)
        phone = mask_phone(phone)
    return {
        "kind": applicant.kind,
        "name": applicant.name,
        "identifier": identifier,
        "phone": phone,
    }


def _material(m: CaseMaterial) -> dict:
    return {
        "name": m.name,
        "source": m.source,
        "required": m.required,
        "state": m.state,
        "upload": m.upload_id,
        "record": m.record_id,
        "promised_on": m.promised_on,
    }


def _form(case: Case) -> dict:
    """The application form as filled in (keys starting with "_" are the desk's own)."""
    return {k: v for k, v in (case.form_data or {}).items() if not k.startswith("_")}


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _case_detail(user, number: str) -> dict:
    d = selectors.case_detail(user=user, number=number)
    case = d.case
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "channel": case.channel,
        "bundle": _ref(case.bundle),
        "region": case.region.code,
        "window": _ref(case.window),
        "applicant": _applicant(case.applicant, is_applicant=d.is_applicant),
        "submitted_at": case.submitted_at,
        "intake_date": case.intake_date,
        "form": _form(case),
        "delivery_method": case.delivery_method,
        "delivery_address": case.delivery_address,
        "tracking_number": str((case.form_data or {}).get("_tracking_number", "")),
        "decided_at": case.decided_at,
        "delivered_at": case.delivered_at,
        "completed_on": case.completed_on,
        "visits": case.visits,
        "one_visit": case.one_visit,
        "tasks": [_task(t, case.number) for t in d.tasks],
        "materials": [_material(m) for m in d.materials],
        "open_notice_items": selectors.open_notice_items(d.tasks),
        "evaluations": [
            {"organization": e.organization_id, "rating": e.rating, "comment": e.comment}
            for e in d.evaluations
        ],
    }


def _task_detail(user, pk: int) -> dict:
    task = selectors.task_get(user=user, pk=pk)
    case = task.case
    return {
        **_task(task, case.number),
        "applicant": _applicant(
            case.applicant, is_applicant=case.applicant.user_id == getattr(user, "pk", None)
        ),
        "form": _form(case),
        "materials": [_material(m) for m in case.materials.all()],
    }


def _case_summary(case: Case, tasks: list[Task]) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "delivery_method": case.delivery_method,
        "completed_on": case.completed_on,
        "visits": case.visits,
        "tasks": [_task_brief(t) for t in tasks],
    }


# --- uploads ---------------------------------------------------------------------------------
@router.post("/uploads", response={201: UploadOut, **UPLOAD_ERRORS})
def upload_create(request, file: File[UploadedFile]):
    """Upload a scan (PDF, JPEG or PNG, recognised by its content): 413 when too large, 415
    when of another type, 400 when empty. Refer to it by id in a submission."""
    limit = max_upload_bytes()
    if file.size > limit:  # refused before reading it into memory
        raise ValidationFailed(
            _("The file “%(name)s” is %(size)s MB; at most %(limit)s MB is accepted.")
            % {
                "name": file.name or "",
                "size": f"{file.size / 1048576:.1f}",
                "limit": f"{limit / 1048576:.0f}",
            },
            code="file_too_large",
            status=413,
        )
    upload = services.upload_create(actor=request.user, name=file.name or "", content=file.read())
    return Status(
        201,
        {
            "id": upload.pk,
            "content_type": upload.content_type,
            "size": upload.size,
            "name": upload.original_name,
        },
    )


# --- intake ----------------------------------------------------------------------------------
def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationFailed(_("Unknown region “%(code)s”.") % {"code": code}, code="region")
    return region


def _window_applicant(user, payload: CaseIn) -> Applicant:
    """At the window the clerk finds or registers the applicant whose identity document
    they checked; only a window clerk (or the administrator) takes in applications."""
    window = clerk_window(user)
    given = payload.applicant
    if given is None:
        raise ValidationFailed(
            _("Say who applies: the applicant's kind, name and identity number."),
            code="applicant_required",
        )
    code = given.region or payload.region or (window.region.code if window else None)
    if not code:
        raise ValidationFailed(_("Give the applicant's region."), code="region")
    return services.applicant_register(
        actor=user,
        kind=given.kind,
        name=given.name,
        identifier=given.identifier,
        region=_region(code),
        phone=given.phone,
        email=given.email,
        address=given.address,
    )


def _online_applicant(user, payload: CaseIn) -> Applicant:
    if payload.applicant is not None:
        raise ValidationFailed(
            _("Online you apply as yourself; an applicant is given only at a window."),
            code="applicant_not_allowed",
        )
    applicant = selectors.applicant_of(user)
    if applicant is None:
        raise NotFound(_("Your account has no applicant record; register as an applicant."))
    return applicant


@router.post("/cases", response={200: IntakeOut, 201: IntakeOut, **WRITE_ERRORS})
def case_submit(
    request,
    payload: CaseIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="The key, when the body does not carry it."
    ),
):
    """Apply once (受理), for items or a "one thing" bundle: 201 with the case number, its
    check code (shown once) and one task per item. A retry with the same idempotency key
    and the same body answers 200 with the same case; a different body under a used key is
    409 `idempotency_key_reused`. Everything missing or wrong is listed in one 400."""
    user = request.user
    if payload.channel == Channel.WINDOW:
        applicant = _window_applicant(user, payload)
    else:
        applicant = _online_applicant(user, payload)
    key = payload.idempotency_key or idempotency_key  # the body's key wins
    submission = services.Submission(
        items=list(payload.items),
        bundle=payload.bundle,
        region=payload.region or "",
        form=payload.form,
        materials=[services.MaterialInput(**m.dict()) for m in payload.materials],
        delivery_method=payload.delivery_method,
        delivery_address=payload.delivery_address,
    )
    intake = services.case_submit(
        actor=user,
        applicant=applicant,
        submission=submission,
        idempotency_key=key or "",
        channel=payload.channel,
    )
    case = intake.case
    if not intake.created and case.applicant_id != applicant.pk:
        # The digest covers the submission, not who applies at the window.
        raise Conflict(
            _("This idempotency key was used for a different submission."),
            code="idempotency_key_reused",
        )
    tasks = intake.tasks or case.tasks.select_related("organization", "version")
    body = {
        "number": case.number,
        "check_code": intake.check_code,
        "state": case.state,
        "tasks": [_task_brief(t) for t in tasks],
    }
    return Status(201 if intake.created else 200, body)


# --- cases -----------------------------------------------------------------------------------
@router.get("/cases", response={200: CasePage, **READ_ERRORS})
def case_list(request, filters: Query[CaseListFilters]):
    """My cases, newest first (`scope=mine`), or a window clerk's cases taken in at their
    window (`scope=window`); pages by `before`, a case id."""
    user = request.user
    if filters.scope == "mine":
        cases = selectors.my_cases(user=user, before=filters.before, limit=filters.limit)
        rows = [(c, c.task_list) for c in cases]
    else:
        windows = selectors.window_ids(user)
        qs = Case.objects.filter(window_id__in=windows).order_by("-id")
        if filters.before is not None:
            qs = qs.filter(id__lt=filters.before)
        qs = qs.prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("organization", "version"))
        )
        rows = [(c, list(c.tasks.all())) for c in qs[: filters.limit]] if windows else []
    return {
        "items": [_case_summary(c, tasks) for c, tasks in rows],
        "next_before": rows[-1][0].pk if len(rows) == filters.limit else None,
    }


@router.get("/cases/rates", response={200: RatesOut, 400: ErrorOut, **READ_ERRORS})
def case_rates(request, filters: Query[RatesFilters]):
    """One-visit and zero-visit rates of the cases completed between `start` and `end`,
    by region, organization, item or bundle, within what the caller may see (module doc;
    `selectors.rates_scope`, the same rule as the visit-rates page)."""
    region, organization = selectors.rates_scope(request.user, filters.region, filters.organization)
    rates = selectors.visit_rates(
        region_code=region,
        organization_id=organization,
        item_id=filters.item,
        bundle_id=filters.bundle,
        start=filters.start,
        end=filters.end,
    )
    return {name: getattr(rates, name) for name in RatesOut.model_fields}


def _fill_rate(rate) -> dict:
    return {"required": rate.required, "from_vault": rate.from_vault, "share": rate.share}


@router.get("/cases/vault-fill", response={200: VaultFillOut, 400: ErrorOut, **READ_ERRORS})
def case_vault_fill(request, filters: Query[VaultFillFilters]):
    """The share of required materials filled from the licence vault (电子证照免提交), per
    item and per bundle, over the cases submitted between `start` and `end`, within what
    the caller may see (the rule of `/api/cases/rates`)."""
    fill = vault_fill_rates(
        user=request.user,
        since=filters.start,
        until=filters.end,
        region=filters.region,
        organization=filters.organization,
    )
    names = item_names(item for item, _rate in fill.by_item)
    return {
        "region": fill.region_code,
        "organization": fill.organization_id,
        "start": fill.since,
        "end": fill.until,
        "total": _fill_rate(fill.total),
        "items": [
            {"item": i.pk, "item_name": names[i.pk], **_fill_rate(rate)} for i, rate in fill.by_item
        ],
        "bundles": [
            {"bundle": b.pk, "bundle_name": b.name, **_fill_rate(rate)}
            for b, rate in fill.by_bundle
        ],
    }


@router.get("/cases/{number}", response={200: CaseOut, **READ_ERRORS})
def case_detail(request, number: str = NUMBER):
    """A case with its tasks and their clocks, its materials, what the open notices ask
    for, its visits and its ratings."""
    return _case_detail(request.user, number)


@router.post("/cases/{number}/supplement", response={200: CaseOut, **WRITE_ERRORS})
def case_supplement(request, payload: SupplementIn, number: str = NUMBER):
    """Supply everything the open notices ask for, at once: online by the applicant, or in
    person at a window (`in_person`, recorded by a clerk as one visit)."""
    case = selectors.case_get(user=request.user, number=number)
    services.case_supplement(
        actor=request.user, case=case, uploads=dict(payload.uploads), in_person=payload.in_person
    )
    return _case_detail(request.user, number)


@router.post("/cases/{number}/pickup", response={200: CaseOut, **WRITE_ERRORS})
def case_pickup(request, number: str = NUMBER):
    """The applicant picked up the results at the window (a window clerk records it; one
    visit)."""
    case = selectors.case_get(user=request.user, number=number)
    services.case_pickup(actor=request.user, case=case)
    return _case_detail(request.user, number)


@router.post("/cases/{number}/dispatch", response={200: CaseOut, **WRITE_ERRORS})
def case_dispatch(request, payload: DispatchIn, number: str = NUMBER):
    """The results were sent by express mail (a window clerk records the tracking number)."""
    case = selectors.case_get(user=request.user, number=number)
    services.case_dispatch(actor=request.user, case=case, tracking_number=payload.tracking_number)
    return _case_detail(request.user, number)


@router.post("/cases/{number}/evaluation", response={201: list[EvaluationOut], **WRITE_ERRORS})
def case_evaluate(request, payload: EvaluationIn, number: str = NUMBER):
    """Rate a completed case (好差评) and, optionally, each department that handled it; a
    poor rating of a department opens a rectification due in 15 working days."""
    case = selectors.case_get(user=request.user, number=number)
    rows = services.case_evaluate(
        actor=request.user,
        case=case,
        rating=payload.rating,
        comment=payload.comment,
        departments=dict(payload.departments),
    )
    rectified = {e.pk: getattr(e, "rectification", None) for e in rows if e.organization_id}
    return Status(
        201,
        [
            {
                "organization": e.organization_id,
                "rating": e.rating,
                "comment": e.comment,
                "rectification_due": getattr(rectified.get(e.pk), "due_date", None),
            }
            for e in rows
        ],
    )


# --- tasks -----------------------------------------------------------------------------------
@router.get("/tasks", response={200: TaskPage, **READ_ERRORS}, tags=["tasks"])
def task_list(request, filters: Query[TaskFilters]):
    """One page of a department's tasks: to accept, in review, waiting (supplement or
    suspended), due soon, overdue, decided; pages by `after`, a task id."""
    tasks = selectors.task_queue(
        user=request.user,
        organization_id=filters.organization,
        queue=filters.queue,
        after=filters.after,
        limit=filters.limit,
    )
    return {
        "items": [
            {
                **_task_brief(t),
                "case": t.case.number,
                "applicant_name": t.case.applicant.name,
                "immediate": t.immediate,
                "accepted_on": t.accepted_on,
            }
            for t in tasks
        ],
        "next_after": tasks[-1].pk if len(tasks) == filters.limit else None,
    }


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **READ_ERRORS}, tags=["tasks"])
def task_detail(request, task_id: int = TASK_ID):
    """A task with its clock, notices, suspension log, the case's form and materials."""
    return _task_detail(request.user, task_id)


def _acted(request, task_id: int, action) -> dict:
    """Run `action(task)` on a task the caller may see, and answer the updated task."""
    action(selectors.task_get(user=request.user, pk=task_id))
    return _task_detail(request.user, task_id)


TASK_WRITE = {"response": {200: TaskDetailOut, **WRITE_ERRORS}, "tags": ["tasks"]}


@router.post("/tasks/{task_id}/accept", **TASK_WRITE)
def task_accept(request, task_id: int = TASK_ID):
    """Accept the application for this item (受理): the clock starts."""
    return _acted(request, task_id, lambda t: services.task_accept(actor=request.user, task=t))


@router.post("/tasks/{task_id}/not-accept", **TASK_WRITE)
def task_not_accept(request, payload: ReasonIn, task_id: int = TASK_ID):
    """Refuse to accept (不予受理), with the reason."""
    return _acted(
        request,
        task_id,
        lambda t: services.task_not_accept(actor=request.user, task=t, reason=payload.reason),
    )


@router.post("/tasks/{task_id}/request-supplement", **TASK_WRITE)
def task_request_supplement(request, payload: SupplementRequestIn, task_id: int = TASK_ID):
    """Ask for everything missing in one complete notice (一次性告知); a second notice on
    the same task needs a new fact and a reason (409 `second_notice` otherwise)."""
    return _acted(
        request,
        task_id,
        lambda t: services.task_request_supplement(
            actor=request.user,
            task=t,
            missing=[m.dict() for m in payload.missing],
            new_fact=payload.new_fact,
            reason=payload.reason,
        ),
    )


@router.post("/tasks/{task_id}/suspend", **TASK_WRITE)
def task_suspend(request, payload: SuspendIn, task_id: int = TASK_ID):
    """Stop the clock for expert review, public notice, a hearing or an inspection."""
    return _acted(
        request,
        task_id,
        lambda t: services.task_suspend(
            actor=request.user, task=t, kind=payload.kind, reason=payload.reason
        ),
    )


@router.post("/tasks/{task_id}/resume", **TASK_WRITE)
def task_resume(request, task_id: int = TASK_ID):
    """Restart the clock; the due date moves by the working days it stood still."""
    return _acted(request, task_id, lambda t: services.task_resume(actor=request.user, task=t))


@router.post("/tasks/{task_id}/extend", **TASK_WRITE)
def task_extend(request, payload: ExtendIn, task_id: int = TASK_ID):
    """Extend the time limit (延期) with a reason and the approval of a head of the
    department; beyond the legal limit is 409 `extension_beyond_legal_limit`."""
    # An unknown approver is refused by the service like any user who is not a head.
    approver = get_user_model().objects.filter(pk=payload.approved_by, is_active=True).first()
    return _acted(
        request,
        task_id,
        lambda t: services.task_extend(
            actor=request.user,
            task=t,
            days=payload.days,
            reason=payload.reason,
            approved_by=approver,
        ),
    )


@router.post("/tasks/{task_id}/approve", **TASK_WRITE)
def task_approve(request, payload: Body[NoteIn | None] = None, task_id: int = TASK_ID):
    """Approve (准予); the item's result goes to the applicant's records."""
    return _acted(
        request,
        task_id,
        lambda t: services.task_approve(
            actor=request.user, task=t, note=payload.note if payload else ""
        ),
    )


@router.post("/tasks/{task_id}/deny", **TASK_WRITE)
def task_deny(request, payload: DenyIn, task_id: int = TASK_ID):
    """Deny (不予许可), with the reason and its legal basis (400 without either)."""
    return _acted(
        request,
        task_id,
        lambda t: services.task_deny(
            actor=request.user, task=t, reason=payload.reason, legal_basis=payload.legal_basis
        ),
    )


# --- rectifications (差评整改) ----------------------------------------------------------------
RECTIFICATION_ID = Path(..., ge=1, le=ID_MAX, description="Rectification id")


class RectificationFilters(Schema):
    organization: int | None = Field(
        None, ge=1, le=ID_MAX, description="The department (default: the caller's first)."
    )


class RectificationOut(Schema):
    id: int
    organization: int
    state: str
    case: str
    rating: int
    comment: str
    opened_on: datetime.date
    due_date: datetime.date
    measures: str
    rectified_on: datetime.date | None
    callback_on: datetime.date | None
    callback_note: str
    callback_satisfied: bool | None


class MeasuresIn(Schema):
    measures: str = Field(..., max_length=4000, pattern=r"^[^\x00]*$")


class CallbackIn(Schema):
    note: str = Field(..., max_length=4000, pattern=r"^[^\x00]*$")
    satisfied: bool


def _rectification(r) -> dict:
    return {
        **_fields(r, ("id", "state", "opened_on", "due_date", "measures", "rectified_on")),
        **_fields(r, ("callback_on", "callback_note", "callback_satisfied")),
        "organization": r.organization_id,
        "case": r.evaluation.case.number,
        "rating": r.evaluation.rating,
        "comment": r.evaluation.comment,
    }


def _rectification_get(user, pk: int):
    """The rectification if the caller may see it (through its department's list)."""
    org = Rectification.objects.filter(pk=pk).values_list("organization_id", flat=True).first()
    if org is None:
        raise NotFound(_("No such rectification."))
    found = selectors.rectifications_of(user=user, organization_id=org).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such rectification."))
    return found


@router.get(
    "/rectifications",
    response={200: list[RectificationOut], **READ_ERRORS},
    tags=["rectifications"],
)
def rectification_list(request, filters: Query[RectificationFilters]):
    """A department's rectifications after poor ratings, open first, by due date; another
    department's list is a 404."""
    org = filters.organization
    if org is None:
        org = next(
            (
                a.organization_id
                for a in assignments_of(request.user)
                if a.role in REVIEWERS and a.organization_id
            ),
            None,
        )
        if org is None:
            raise NotFound(_("No such department."))
    rows = list(selectors.rectifications_of(user=request.user, organization_id=org))
    order = {RectificationState.OPEN: 0, RectificationState.RECTIFIED: 1}
    rows.sort(key=lambda r: (order.get(r.state, 2), r.due_date, r.pk))
    return [_rectification(r) for r in rows]


RECTIFICATION_WRITE = {
    "response": {200: RectificationOut, **WRITE_ERRORS},
    "tags": ["rectifications"],
}


@router.post("/rectifications/{rectification_id}/measures", **RECTIFICATION_WRITE)
def rectification_measures(request, payload: MeasuresIn, rectification_id: int = RECTIFICATION_ID):
    """Record the measures taken (整改措施) by a reviewer or head of the department: the
    rectification waits for the call-back (409 `rectification_state` if not open)."""
    r = _rectification_get(request.user, rectification_id)
    services.rectification_record_measures(
        actor=request.user, rectification=r, measures=payload.measures
    )
    return _rectification(_rectification_get(request.user, rectification_id))


@router.post("/rectifications/{rectification_id}/callback", **RECTIFICATION_WRITE)
def rectification_callback(request, payload: CallbackIn, rectification_id: int = RECTIFICATION_ID):
    """Record the call-back to the applicant (回访), by a head of the department (403 for a
    reviewer): the rectification is closed."""
    r = _rectification_get(request.user, rectification_id)
    services.rectification_callback(
        actor=request.user, rectification=r, note=payload.note, satisfied=payload.satisfied
    )
    return _rectification(_rectification_get(request.user, rectification_id))
