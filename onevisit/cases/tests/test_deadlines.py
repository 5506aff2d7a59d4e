"""Deadlines of tasks through the services (issue 5, "Done when" 2).

Every expected date was counted by hand against the State Council's holiday notices (the
same days `core/tests/test_calendar.py` checks): the comment lists the working days after
acceptance in order, (1) being the first; "W" marks a weekend day declared a working day
(调休上班). The day of acceptance never counts; a suspension ``[from, until)`` stops the
clock on its first day and lets it run again on the day it ends.

National Day 2019 and 2024: 1–7 Oct off, Sun 29 Sep and Sat 12 Oct worked.
National Day 2025 (with Mid-Autumn): 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked.
Spring Festival 2026: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb worked.
"""

import datetime
import uuid
from datetime import date

import pytest
from django.utils import timezone

from onevisit.cases import services
from onevisit.cases.choices import SuspensionKind, TaskState
from onevisit.cases.models import Notification, Task
from onevisit.core.audit import verify_chain
from onevisit.core.calendar import working_days_between
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

#: The test organizations' charters start on 1 Jan 2019; the items here are offered from then.
SINCE = date(2019, 1, 1)


def item_since(*, promised: int, legal: int = 20):
    """A county bureau's online item, offered since 2019, with these limits."""
    org = f.organization()
    duty = df.local_item(region=org.region, valid_from=SINCE)
    df.assign(duty, org, valid_from=SINCE)
    item = cf.service_item(duty=duty, organization=org)
    version = cf.draft(
        item, **{**cf.COMPLETE, "promised_limit": promised, "legal_limit": legal, "online": True}
    )
    cf.material(version, "申请表")
    cf.publish(version, valid_from=SINCE)
    return item


def task_filed_on(day: date, item) -> tuple[Task, object]:
    """A citizen applies online on `day`; returns the task and a reviewer of its bureau."""
    user, applicant = kf.citizen_account()
    case = services.case_submit(
        actor=user,
        applicant=applicant,
        submission=services.Submission(
            items=[item.pk],
            materials=[services.MaterialInput(name="申请表", upload=kf.upload(user).pk)],
        ),
        idempotency_key=uuid.uuid4().hex,
        now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30))),
    ).case
    assert case.intake_date == day
    task = case.tasks.get()
    return task, kf.reviewer_of(task.organization)


def accepted_on(day: date, *, promised: int, legal: int = 20):
    task, reviewer = task_filed_on(day, item_since(promised=promised, legal=legal))
    task = services.task_accept(actor=reviewer, task=task, on=day)
    return task, reviewer


def log_of(task: Task) -> list[tuple[str, date, date | None]]:
    return [(s.kind, s.started_on, s.ended_on) for s in task.suspensions.order_by("started_on")]


# --- due dates across the holidays ------------------------------------------------------
@pytest.mark.parametrize(
    ("accepted", "limit", "due"),
    [
        # Fri 27 Sep 2019: Sun 29 W (1), Mon 30 (2), 1–7 Oct off, 8 (3), 9 (4), Thu 10 Oct (5).
        (date(2019, 9, 27), 5, date(2019, 10, 10)),
        # Accepted on Sun 29 Sep 2019, a working day: Mon 30 (1), 8 Oct (2), Wed 9 Oct (3).
        (date(2019, 9, 29), 3, date(2019, 10, 9)),
        # Mon 30 Sep 2019: 8 (1), 9 (2), 10 (3), 11 (4), Sat 12 Oct W (5).
        (date(2019, 9, 30), 5, date(2019, 10, 12)),
        # Accepted on Sat 12 Oct 2019, a working day: Mon 14 (1), Tue 15 Oct (2).
        (date(2019, 10, 12), 2, date(2019, 10, 15)),
        # Fri 27 Sep 2024: Sun 29 W (1), 30 (2), 8 (3), 9 (4), 10 (5), 11 (6), Sat 12 Oct W (7).
        (date(2024, 9, 27), 7, date(2024, 10, 12)),
        # Accepted on Sun 29 Sep 2024, a working day: Mon 30 Sep (1).
        (date(2024, 9, 29), 1, date(2024, 9, 30)),
        # Mon 30 Sep 2024: 1–7 Oct off, 8 (1), 9 (2), Thu 10 Oct (3).
        (date(2024, 9, 30), 3, date(2024, 10, 10)),
        # Fri 26 Sep 2025: Sun 28 W (1), 29 (2), 30 (3), 1–8 Oct off, 9 (4), 10 (5), Sat 11 W (6).
        (date(2025, 9, 26), 6, date(2025, 10, 11)),
        # Accepted on Sun 28 Sep 2025, a working day: 29 (1), 30 (2), 9 Oct (3), 10 (4),
        # Sat 11 W (5), 13 (6), 14 (7), 15 (8), 16 (9), Fri 17 Oct (10).
        (date(2025, 9, 28), 10, date(2025, 10, 17)),
        # Tue 30 Sep 2025: 1–8 Oct off, Thu 9 (1), Fri 10 Oct (2).
        (date(2025, 9, 30), 2, date(2025, 10, 10)),
        # Thu 12 Feb 2026: Fri 13 (1), Sat 14 W (2), 15–23 Feb off, Tue 24 Feb (3).
        (date(2026, 2, 12), 3, date(2026, 2, 24)),
        # Accepted on Sat 14 Feb 2026, a working day: 15–23 off, Tue 24 Feb (1).
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        # Fri 13 Feb 2026: Sat 14 W (1), 24 (2), 25 (3), 26 (4), 27 (5), Sat 28 Feb W (6).
        (date(2026, 2, 13), 6, date(2026, 2, 28)),
    ],
)
def test_due_date_counts_working_days_across_the_holidays(accepted, limit, due):
    task, _reviewer = accepted_on(accepted, promised=limit)
    task.refresh_from_db()
    assert (task.state, task.accepted_on, task.due_date) == (TaskState.ACCEPTED, accepted, due)
    entry = AuditEntry.objects.filter(action="task.accept", object_id=str(task.pk)).get()
    assert entry.after["due_date"] == due.isoformat()
    assert entry.before["due_date"] is None
    # The applicant is told the date in the same transaction.
    notice = Notification.objects.filter(case=task.case, subject__contains="accepted").get()
    assert due.isoformat() in notice.body


def test_a_task_not_yet_accepted_has_no_clock():
    task, _reviewer = task_filed_on(date(2019, 9, 27), item_since(promised=5))
    assert (task.accepted_on, task.due_date) == (None, None)


# --- a suspension log of two periods ----------------------------------------------------
def test_supplement_then_expert_review_move_the_due_date_by_the_stopped_working_days():
    # Accepted Fri 27 Sep 2019 with 10 working days. Without stops:
    # Sun 29 W (1), 30 (2), 8 Oct (3), 9 (4), 10 (5), 11 (6), Sat 12 W (7), 14 (8), 15 (9),
    # Wed 16 Oct (10).
    task, reviewer = accepted_on(date(2019, 9, 27), promised=10)
    assert task.due_date == date(2019, 10, 16)
    case = task.case
    citizen = case.applicant.user

    # Period 1, [Mon 30 Sep, Wed 9 Oct): a supplement notice, answered online on 9 Oct.
    # Working days stopped: 30 Sep and 8 Oct (1–7 Oct were off anyway) = 2.
    services.task_request_supplement(
        actor=reviewer,
        task=task,
        missing=[{"name": "户口簿", "note": "首页"}],
        on=date(2019, 9, 30),
    )
    task.refresh_from_db()
    assert task.state == TaskState.SUPPLEMENT
    services.case_supplement(
        actor=citizen, case=case, uploads={"户口簿": kf.upload(citizen).pk}, on=date(2019, 10, 9)
    )
    task.refresh_from_db()
    # Sun 29 W (1), [stopped], Wed 9 (2), 10 (3), 11 (4), Sat 12 W (5), 14 (6), 15 (7),
    # 16 (8), 17 (9), Fri 18 Oct (10).
    assert (task.state, task.due_date) == (TaskState.ACCEPTED, date(2019, 10, 18))

    # Period 2, [Mon 14 Oct, Thu 17 Oct): an expert review. Stopped: 14, 15, 16 = 3.
    services.task_suspend(
        actor=reviewer,
        task=task,
        kind=SuspensionKind.EXPERT_REVIEW,
        reason="组织专家评审",
        on=date(2019, 10, 14),
    )
    task.refresh_from_db()
    assert task.state == TaskState.SUSPENDED
    services.task_resume(actor=reviewer, task=task, on=date(2019, 10, 17))
    task.refresh_from_db()
    # 29 Sep (1), 9 Oct (2), 10 (3), 11 (4), Sat 12 W (5), [stopped], Thu 17 (6), 18 (7),
    # 21 (8), 22 (9), Wed 23 Oct (10).
    assert (task.state, task.due_date) == (TaskState.ACCEPTED, date(2019, 10, 23))
    assert log_of(task) == [
        (SuspensionKind.SUPPLEMENT, date(2019, 9, 30), date(2019, 10, 9)),
        (SuspensionKind.EXPERT_REVIEW, date(2019, 10, 14), date(2019, 10, 17)),
    ]
    # Exactly the 2 + 3 stopped working days later than without the log.
    assert working_days_between(date(2019, 10, 16), task.due_date) == 5
    actions = list(
        AuditEntry.objects.filter(object_type="cases.task", object_id=str(task.pk))
        .order_by("seq")
        .values_list("action", "after__due_date")
    )
    assert actions == [
        ("task.accept", "2019-10-16"),
        ("task.request_supplement", "2019-10-16"),
        ("task.supplement_received", "2019-10-18"),
        ("task.suspend", "2019-10-18"),
        ("task.resume", "2019-10-23"),
    ]
    assert verify_chain() is None


def test_a_suspension_over_the_spring_festival_stops_only_working_days():
    # Accepted Mon 9 Feb 2026 with 5 working days: 10 (1), 11 (2), 12 (3), 13 (4),
    # Sat 14 W (5).
    task, reviewer = accepted_on(date(2026, 2, 9), promised=5)
    assert task.due_date == date(2026, 2, 14)
    # Public notice [Thu 12 Feb, Wed 25 Feb): stopped 12, 13, Sat 14 W and Tue 24 = 4
    # working days (15–23 Feb were off anyway).
    services.task_suspend(
        actor=reviewer,
        task=task,
        kind=SuspensionKind.PUBLIC_NOTICE,
        reason="公示",
        on=date(2026, 2, 12),
    )
    services.task_resume(actor=reviewer, task=task, on=date(2026, 2, 25))
    task.refresh_from_db()
    # 10 (1), 11 (2), [stopped], Wed 25 (3), Thu 26 (4), Fri 27 Feb (5).
    assert task.due_date == date(2026, 2, 27)
    assert working_days_between(date(2026, 2, 14), task.due_date) == 4


def test_resume_needs_a_suspended_task():
    task, reviewer = accepted_on(date(2024, 9, 27), promised=5)
    with pytest.raises(Conflict) as refused:
        services.task_resume(actor=reviewer, task=task, on=date(2024, 10, 8))
    assert refused.value.code == "task_state"


# --- extensions -------------------------------------------------------------------------
def _row(task: Task) -> dict:
    return Task.objects.filter(pk=task.pk).values().get()


def test_extension_approved_by_a_head_moves_the_due_date_within_the_legal_limit():
    # Accepted Fri 27 Sep 2024, promised 5, legal 8 working days:
    # Sun 29 W (1), 30 (2), 8 Oct (3), 9 (4), Thu 10 Oct (5).
    task, reviewer = accepted_on(date(2024, 9, 27), promised=5, legal=8)
    assert task.due_date == date(2024, 10, 10)
    head = kf.reviewer_of(task.organization, head=True)

    services.task_extend(
        actor=reviewer,
        task=task,
        days=3,
        reason="需现场核查",
        approved_by=head,
        on=date(2024, 10, 8),
    )
    task.refresh_from_db()
    # ... Fri 11 (6), Sat 12 W (7), Mon 14 Oct (8): the legal limit exactly.
    assert task.due_date == date(2024, 10, 14)
    assert (task.extension_days, task.extension_reason) == (3, "需现场核查")
    assert task.extension_approved_by == head
    entry = AuditEntry.objects.filter(action="task.extend", object_id=str(task.pk)).get()
    assert entry.before["due_date"] == "2024-10-10"
    assert entry.after["due_date"] == "2024-10-14"
    assert entry.after["approved_by"] == head.pk

    # One more working day would pass the legal limit: refused, and nothing changes.
    row, audit, notices = _row(task), AuditEntry.objects.count(), Notification.objects.count()
    with pytest.raises(Conflict) as refused:
        services.task_extend(
            actor=reviewer,
            task=task,
            days=1,
            reason="再延一天",
            approved_by=head,
            on=date(2024, 10, 9),
        )
    assert (refused.value.status, refused.value.code) == (409, "extension_beyond_legal_limit")
    assert "legal limit of 8" in refused.value.message
    assert _row(task) == row
    assert AuditEntry.objects.count() == audit
    assert Notification.objects.count() == notices
    assert verify_chain() is None


def test_an_extension_beyond_the_legal_limit_at_once_is_refused():
    task, reviewer = accepted_on(date(2025, 9, 26), promised=5, legal=8)
    head = kf.reviewer_of(task.organization, head=True)
    row, audit = _row(task), AuditEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        services.task_extend(actor=reviewer, task=task, days=4, reason="专家论证", approved_by=head)
    assert refused.value.status == 409
    assert "at most 3 more working days" in refused.value.message
    assert (_row(task), AuditEntry.objects.count()) == (row, audit)


def test_extension_needs_a_head_of_the_department_and_a_reason():
    task, reviewer = accepted_on(date(2026, 2, 12), promised=3, legal=10)
    row = _row(task)
    with pytest.raises(Forbidden):
        services.task_extend(actor=reviewer, task=task, days=1, reason="x", approved_by=reviewer)
    other_head = kf.reviewer_of(f.organization(), head=True)
    with pytest.raises(Forbidden):
        services.task_extend(actor=reviewer, task=task, days=1, reason="x", approved_by=other_head)
    head = kf.reviewer_of(task.organization, head=True)
    with pytest.raises(ValidationFailed) as no_reason:
        services.task_extend(actor=reviewer, task=task, days=1, reason="  ", approved_by=head)
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as no_days:
        services.task_extend(actor=reviewer, task=task, days=0, reason="x", approved_by=head)
    assert no_days.value.code == "extension_days"
    assert _row(task) == row


def test_an_extension_keeps_counting_the_suspension_log():
    # Accepted Thu 12 Feb 2026, promised 3, legal 5: Fri 13 (1), Sat 14 W (2), Tue 24 (3).
    task, reviewer = accepted_on(date(2026, 2, 12), promised=3, legal=5)
    assert task.due_date == date(2026, 2, 24)
    # Hearing [Fri 13, Wed 25): stopped 13, Sat 14 W, 24 = 3 working days.
    services.task_suspend(
        actor=reviewer, task=task, kind=SuspensionKind.HEARING, reason="听证", on=date(2026, 2, 13)
    )
    services.task_resume(actor=reviewer, task=task, on=date(2026, 2, 25))
    head = kf.reviewer_of(task.organization, head=True)
    services.task_extend(
        actor=reviewer,
        task=task,
        days=2,
        reason="听证后补充调查",
        approved_by=head,
        on=date(2026, 2, 25),
    )
    task.refresh_from_db()
    # 5 working days, 13 Feb–24 Feb stopped: [stopped], Wed 25 (1), 26 (2), 27 (3),
    # Sat 28 W (4), Mon 2 Mar (5).
    assert task.due_date == date(2026, 3, 2)
