"""Reviewer actions on a task (审查): accept, not accept, one complete supplement notice,
suspend and resume, extend, approve, deny; and the hand-over of open tasks in a reform.

Each action writes the new state, its audit entry and its notice to the applicant in one
transaction, under a row lock on the task. The clock is the working-day calendar of
`core.calendar`: a task's due date is recomputed from its suspension log and extension
whenever either changes.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core import calendar
from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, ValidationFailed, required_text

from ..choices import (
    DECIDED_STATES,
    OPEN_STATES,
    CaseState,
    SuspensionKind,
    TaskState,
)
from ..models import Case, Record, SupplementNotice, Suspension, Task
from ..notifications import notify
from .common import ensure_head, ensure_reviewer, task_snapshot


# --- the clock --------------------------------------------------------------------
def suspension_log(task: Task) -> list[tuple[datetime.date, datetime.date | None]]:
    """The task's suspensions in order (sorted here, so that a prefetch serves them)."""
    return sorted(((s.started_on, s.ended_on) for s in task.suspensions.all()), key=lambda p: p[0])


def recompute_due(task: Task, today: datetime.date) -> datetime.date | None:
    """The task's due date from its acceptance, limit, suspension log and extension."""
    if task.accepted_on is None:
        return None
    return calendar.due_date(
        task.accepted_on,
        task.promised_limit,
        suspension_log(task),
        extension=task.extension_days,
        legal_limit=task.legal_limit if task.extension_days else None,
        today=today,
    )


def _locked(task: Task, actor) -> Task:
    """The task's row, locked; the actor is checked again against the row as it now stands
    (a reform may have handed the task to another department since the caller read it)."""
    locked = Task.objects.select_for_update().select_related("case__applicant", "organization")
    locked = locked.get(pk=task.pk)
    if locked.organization_id != task.organization_id:
        ensure_reviewer(actor, locked)
    return locked


def _not_before_intake(task: Task, day: datetime.date) -> None:
    if day < task.case.intake_date:
        raise ValidationFailed(
            _("%(day)s is before the application was received (%(intake)s).")
            % {"day": day, "intake": task.case.intake_date},
            code="date_before_intake",
        )


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _require(task: Task, *states: str) -> None:
    if task.state not in states:
        raise Conflict(
            _("The task is %(state)s; this action is not possible now.")
            % {"state": task.get_state_display()},
            code="task_state",
        )


def _save(task: Task, actor, action: str, before: dict, **extra) -> None:
    task.save()
    audit_record(
        actor=actor,
        action=action,
        obj=task,
        object_repr=f"{task.case.number} · {task.version.name}",
        before=before,
        after={**task_snapshot(task), **extra},
        legal_basis=extra.get("legal_basis", ""),
    )


def _tell(task: Task, subject: str, body: str) -> None:
    notify(applicant=task.case.applicant, case=task.case, subject=subject, body=body)


# --- acceptance -------------------------------------------------------------------
def task_accept(*, actor, task: Task, on: datetime.date | None = None) -> Task:
    """Accept the application for this item (受理): the clock starts."""
    ensure_reviewer(actor, task)
    day = _today(on)
    with transaction.atomic():
        task = _locked(task, actor)
        _not_before_intake(task, day)
        _require(task, TaskState.SUBMITTED)
        before = task_snapshot(task)
        task.state = TaskState.ACCEPTED
        task.accepted_on = day
        task.due_date = recompute_due(task, day)
        _save(task, actor, "task.accept", before)
        _tell(
            task,
            _("%(item)s accepted") % {"item": task.version.name},
            _("%(org)s accepted it on %(day)s; it is due by %(due)s.")
            % {"org": task.organization.name, "day": day, "due": task.due_date},
        )
        _refresh_case(task.case)
    return task


def task_not_accept(*, actor, task: Task, reason: str, on: datetime.date | None = None) -> Task:
    """Refuse to accept (不予受理), with the reason."""
    ensure_reviewer(actor, task)
    reason = required_text(reason, _("A reason"))
    return _decide(actor, task, TaskState.NOT_ACCEPTED, (TaskState.SUBMITTED,), reason, "", on)


# --- one complete notice ------------------------------------------------------------
def _clean_missing(missing) -> list[dict]:
    rows = []
    for entry in missing or []:
        if isinstance(entry, str):
            entry = {"name": entry, "note": ""}
        name = str(entry.get("name", "")).strip() if isinstance(entry, dict) else ""
        if name:
            rows.append({"name": name, "note": str(entry.get("note", "")).strip()})
    if not rows:
        raise ValidationFailed(
            _("List everything that is missing in the notice."), code="notice_empty"
        )
    return rows


def task_request_supplement(
    *,
    actor,
    task: Task,
    missing: list,
    new_fact: str = "",
    reason: str = "",
    on: datetime.date | None = None,
) -> SupplementNotice:
    """Ask for everything missing in one complete notice (一次性告知). A second notice on the
    same task needs a new fact and a reason. An accepted task's clock stops until the
    applicant supplies what is asked."""
    ensure_reviewer(actor, task)
    day = _today(on)
    rows = _clean_missing(missing)
    with transaction.atomic():
        task = _locked(task, actor)
        _not_before_intake(task, day)
        _require(task, TaskState.SUBMITTED, TaskState.ACCEPTED)
        count = task.notices.count()
        if count and not (new_fact.strip() and reason.strip()):
            raise Conflict(
                _(
                    "A complete notice was already issued for this task; a second one needs "
                    "a new fact and a reason."
                ),
                code="second_notice",
            )
        before = task_snapshot(task)
        notice = SupplementNotice.objects.create(
            task=task,
            number=count + 1,
            missing=rows,
            new_fact=new_fact.strip(),
            reason=reason.strip(),
            issued_at=timezone.now(),
            issued_by=actor,
        )
        if task.accepted_on is not None:
            Suspension.objects.create(
                task=task,
                kind=SuspensionKind.SUPPLEMENT,
                reason=_("Supplement notice %(n)s") % {"n": notice.number},
                started_on=day,
                started_by=actor,
            )
        task.state = TaskState.SUPPLEMENT
        _save(task, actor, "task.request_supplement", before, missing=[r["name"] for r in rows])
        _tell(
            task,
            _("Please supplement your application %(number)s") % {"number": task.case.number},
            _("%(org)s needs, in one notice: %(list)s")
            % {
                "org": task.organization.name,
                "list": "; ".join(f"{r['name']} {r['note']}".strip() for r in rows),
            },
        )
        _refresh_case(task.case)
    return notice


def supplement_received(*, actor, task: Task, day: datetime.date, in_person: bool) -> None:
    """The applicant supplied what the open notice asked (called by `case_supplement`)."""
    before = task_snapshot(task)
    open_notice = task.notices.filter(answered_at__isnull=True).order_by("-number").first()
    if open_notice is not None:
        open_notice.answered_at = timezone.now()
        open_notice.answered_in_person = in_person
        open_notice.save(update_fields=["answered_at", "answered_in_person"])
    suspension = task.suspensions.filter(ended_on__isnull=True).first()
    if suspension is not None:
        suspension.ended_on = max(day, suspension.started_on)
        suspension.save(update_fields=["ended_on"])
    task.state = TaskState.ACCEPTED if task.accepted_on else TaskState.SUBMITTED
    task.due_date = recompute_due(task, day)
    _save(task, actor, "task.supplement_received", before)


# --- suspension and extension --------------------------------------------------------
def task_suspend(
    *, actor, task: Task, kind: str, reason: str, on: datetime.date | None = None
) -> Suspension:
    """Stop the clock for expert review, public notice, a hearing or an inspection."""
    ensure_reviewer(actor, task)
    if kind not in SuspensionKind.values or kind == SuspensionKind.SUPPLEMENT:
        raise ValidationFailed(_("Choose why the task is suspended."), code="suspension_kind")
    reason = required_text(reason, _("A reason"))
    day = _today(on)
    with transaction.atomic():
        task = _locked(task, actor)
        _not_before_intake(task, day)
        _require(task, TaskState.ACCEPTED)
        before = task_snapshot(task)
        suspension = Suspension.objects.create(
            task=task, kind=kind, reason=reason, started_on=day, started_by=actor
        )
        task.state = TaskState.SUSPENDED
        _save(task, actor, "task.suspend", before, kind=kind, reason=reason)
        _tell(
            task,
            _("%(item)s: the time limit is paused") % {"item": task.version.name},
            _("Reason: %(kind)s. %(reason)s")
            % {"kind": SuspensionKind(kind).label, "reason": reason},
        )
    return suspension


def task_resume(*, actor, task: Task, on: datetime.date | None = None) -> Task:
    """Restart the clock after a suspension; the due date moves by the stopped days."""
    ensure_reviewer(actor, task)
    day = _today(on)
    with transaction.atomic():
        task = _locked(task, actor)
        _require(task, TaskState.SUSPENDED)
        before = task_snapshot(task)
        suspension = task.suspensions.get(ended_on__isnull=True)
        suspension.ended_on = max(day, suspension.started_on)
        suspension.save(update_fields=["ended_on"])
        task.state = TaskState.ACCEPTED
        task.due_date = recompute_due(task, day)
        _save(task, actor, "task.resume", before)
        _tell(
            task,
            _("%(item)s: the time limit runs again") % {"item": task.version.name},
            _("It is now due by %(due)s.") % {"due": task.due_date},
        )
    return task


def task_extend(
    *,
    actor,
    task: Task,
    days: int,
    reason: str,
    approved_by,
    on: datetime.date | None = None,
) -> Task:
    """Extend the time limit (延期) with a reason and a head's approval, never beyond the
    legal limit."""
    ensure_reviewer(actor, task)
    ensure_head(approved_by, task.organization_id)
    reason = required_text(reason, _("A reason for the extension"))
    if not isinstance(days, int) or days < 1:
        raise ValidationFailed(_("Extend by at least one working day."), code="extension_days")
    day = _today(on)
    with transaction.atomic():
        task = _locked(task, actor)
        ensure_head(approved_by, task.organization_id)
        _require(task, TaskState.ACCEPTED, TaskState.SUSPENDED, TaskState.SUPPLEMENT)
        if task.accepted_on is None:
            raise Conflict(_("Only an accepted task can be extended."), code="task_state")
        before = task_snapshot(task)
        task.extension_days += days
        try:
            task.due_date = recompute_due(task, day)
        except calendar.CalendarError as exc:
            raise Conflict(exc.message, code="extension_beyond_legal_limit")
        task.extension_reason = "\n".join(filter(None, [task.extension_reason, reason]))
        task.extension_approved_by = approved_by
        _save(task, actor, "task.extend", before, reason=reason, approved_by=approved_by.pk)
        _tell(
            task,
            _("%(item)s: time limit extended") % {"item": task.version.name},
            _("Extended by %(days)s working days: %(reason)s. Now due by %(due)s.")
            % {"days": days, "reason": reason, "due": task.due_date},
        )
    return task


# --- decisions --------------------------------------------------------------------
def _record_decision(
    task: Task, actor, state: str, day, reason: str, legal_basis: str, before=None, **extra
):
    """Write a decision on a locked task with its audit entry; an approval issues the
    item's result to the applicant's records (the material of later applications)."""
    before = before or task_snapshot(task)
    task.state = state
    task.decided_at = timezone.now()
    task.decided_on = day
    task.decided_by = actor
    task.decision_reason = reason
    task.legal_basis = legal_basis
    _save(task, actor, f"task.{state}", before, reason=reason, legal_basis=legal_basis, **extra)
    if state == TaskState.APPROVED and task.result_name:
        record = Record.objects.create(
            applicant=task.case.applicant,
            title=task.result_name,
            source_item=task.item,
            issued_by=task.organization,
            issued_on=day,
            task=task,
            data={"case": task.case.number},
        )
        from onevisit.licences.services import issue_for_task  # the vault builds on cases

        issue_for_task(actor=actor, task=task, record=record, day=day)


def _decide(actor, task, state, allowed, reason, legal_basis, on) -> Task:
    day = _today(on)
    with transaction.atomic():
        task = _locked(task, actor)
        _not_before_intake(task, day)
        _require(task, *allowed)
        _record_decision(task, actor, state, day, reason, legal_basis)
        _tell(
            task,
            _("%(item)s: %(state)s")
            % {"item": task.version.name, "state": task.get_state_display()},
            reason or _("Decided by %(org)s.") % {"org": task.organization.name},
        )
        _refresh_case(task.case, actor=actor)
    return task


def task_approve(*, actor, task: Task, note: str = "", on: datetime.date | None = None) -> Task:
    """Approve (准予), issuing the item's result to the applicant's records."""
    ensure_reviewer(actor, task)
    return _decide(actor, task, TaskState.APPROVED, (TaskState.ACCEPTED,), note.strip(), "", on)


def task_deny(
    *, actor, task: Task, reason: str, legal_basis: str, on: datetime.date | None = None
) -> Task:
    """Deny (不予许可), with the reason and its legal basis."""
    ensure_reviewer(actor, task)
    reason = required_text(reason, _("A reason"))
    legal_basis = required_text(legal_basis, _("The legal basis"))
    return _decide(actor, task, TaskState.DENIED, (TaskState.ACCEPTED,), reason, legal_basis, on)


def complete_immediate_tasks(*, actor, case: Case, tasks: list[Task], day) -> None:
    """At the window, immediate items (即办件) are accepted and decided on the spot."""
    for task in tasks:
        if task.immediate:
            before = task_snapshot(task)
            task.accepted_on = task.due_date = day
            _record_decision(
                task, actor, TaskState.APPROVED, day, "", "", before=before, immediate=True
            )
    if any(t.immediate for t in tasks):
        _refresh_case(case, actor=actor)


# --- reforms ------------------------------------------------------------------------
def task_transfer(*, actor, task: Task, to_organization, legal_basis: str) -> Task:
    """Hand an open task to the organization that took over its duty (移交); its clock and
    due date do not change."""
    if task.state not in OPEN_STATES:
        raise Conflict(_("Only an open task moves."), code="task_state")
    before = task_snapshot(task)
    task.organization = to_organization
    task.save(update_fields=["organization"])
    audit_record(
        actor=actor,
        action="task.transfer",
        obj=task,
        before=before,
        after=task_snapshot(task),
        legal_basis=legal_basis,
    )
    return task


# --- the case -----------------------------------------------------------------------
def _refresh_case(case: Case, actor=None) -> None:
    """Derive the case's state from its tasks; deliver online results when all are decided."""
    from .delivery import deliver_if_online

    states = list(Task.objects.filter(case=case).values_list("state", flat=True))
    before = case.state
    if all(s in DECIDED_STATES for s in states):
        if case.decided_at is None:
            case.decided_at = timezone.now()
            case.state = CaseState.DECIDED
            case.save(update_fields=["decided_at", "state"])
            deliver_if_online(actor=actor, case=case)
        return
    state = CaseState.NEEDS_SUPPLEMENT if TaskState.SUPPLEMENT in states else CaseState.IN_PROGRESS
    if state != before:
        case.state = state
        case.save(update_fields=["state"])
