"""Tracking a case without logging in (办件查询): the case number and the check code given
at intake show where the case stands and what comes next, and nothing personal. Wrong
codes are counted per case number and hour; after `MAX_FAILURES` the number answers
"locked" until the hour ends."""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.cases.choices import OPEN_STATES, CaseState, TaskState
from onevisit.cases.models import Case
from onevisit.cases.services import check_code_digest
from onevisit.core.errors import DomainError, NotFound, ValidationFailed

from .models import TrackingLock

MAX_FAILURES = 10


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


@dataclass
class TrackedTask:
    item: str
    department: str
    state: str
    state_label: str
    due_date: datetime.date | None
    missing: list[str]

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass
class Tracked:
    """What anyone holding the number and the code may read."""

    number: str
    title: str
    state: str
    state_label: str
    submitted_on: datetime.date
    completed_on: datetime.date | None
    next_step: str
    tasks: list[TrackedTask]


def _hour(now: datetime.datetime) -> datetime.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _failures(number: str, now) -> int:
    lock = TrackingLock.objects.filter(case_number=number, hour=_hour(now)).first()
    return lock.failures if lock else 0


def _fail(number: str, now) -> None:
    with transaction.atomic():
        lock, _created = TrackingLock.objects.get_or_create(case_number=number, hour=_hour(now))
        TrackingLock.objects.filter(pk=lock.pk).update(failures=F("failures") + 1)


def _next_step(case: Case, tasks) -> str:
    if case.state == CaseState.NEEDS_SUPPLEMENT:
        return _("Supply what is missing (listed below) online or at the window.")
    if case.state == CaseState.DECIDED:
        return _("The decisions are made; the results are on their way to you.")
    if case.state == CaseState.COMPLETED:
        return _("The case is completed. You can rate the service under My cases.")
    waiting = [t for t in tasks if t.state == TaskState.SUBMITTED]
    if waiting:
        return _("The departments are checking the application; nothing is needed from you.")
    return _("The departments are reviewing it; nothing is needed from you.")


def track(*, number: str, code: str, now: datetime.datetime | None = None) -> Tracked:
    """The public view of a case, for its number and check code."""
    now = now or timezone.now()
    number, code = (number or "").strip()[:32], (code or "").strip()[:32]
    if not number or not code:
        raise ValidationFailed(_("Enter the case number and the check code."), code="tracking")
    if _failures(number, now) >= MAX_FAILURES:
        raise TooManyAttempts(
            _("Too many wrong check codes for this case number: try again in an hour.")
        )
    case = Case.objects.filter(number=number).first()
    expected = case.check_code_digest if case else ""
    if (
        case is None
        or not expected
        or not hmac.compare_digest(expected, check_code_digest(number, code))
    ):
        _fail(number, now)
        raise NotFound(_("No case with this number and check code."))
    tasks = list(case.tasks.select_related("version", "organization").prefetch_related("notices"))
    rows = []
    for task in tasks:
        missing = []
        if task.state == TaskState.SUPPLEMENT:
            for notice in task.notices.all():
                if notice.answered_at is None:  # names only: a note may be personal
                    missing.extend(m["name"] for m in notice.missing)
        rows.append(
            TrackedTask(
                item=task.version.name,
                department=task.organization.name,
                state=task.state,
                state_label=task.get_state_display(),
                due_date=task.due_date,
                missing=missing,
            )
        )
    return Tracked(
        number=case.number,
        title=case.title,
        state=case.state,
        state_label=case.get_state_display(),
        submitted_on=case.intake_date,
        completed_on=case.completed_on,
        next_step=_next_step(case, tasks),
        tasks=rows,
    )
