"""Publishing a holiday arrangement moves the open deadlines it touches
(`cases.services.deadlines.deadlines_recompute`, the cases hook of
`core.services.holiday_arrangement_publish`), each audited with the notice as its basis, in
the publication's transaction.

FIXTURE is a test fixture for 2027, NOT the State Council's 2027 notice. It differs from
the estimate of 2027 (statutory holidays and the library's 补假, no 调休) on purpose.

The estimated 2027, as `calendar.statutory_holidays(2027)` and holidays 0.108 give it:
weekdays off Fri 1 Jan; Fri 5 Feb (除夕), Mon 8 Feb (春节), Tue 9 and Wed 10 Feb (补假 for
Sat 6 and Sun 7); Mon 5 Apr; Mon 3 and Tue 4 May (补假); Wed 9 Jun; Wed 15 Sep; Fri 1,
Mon 4 and Tue 5 Oct. No weekend day is worked. 31 December 2026 (Thursday) is worked.

The fixture: off Thu 31 Dec 2026 and Fri 1 Jan; Fri 5 - Fri 12 Feb; 5 Apr; 1-5 May; 9 Jun;
15 Sep; 1-7 Oct; worked Sun 31 Jan, Sat 20 Feb, Sun 26 Sep, Sat 9 Oct.

As in test_deadlines.py, each comment lists the working days after acceptance in order,
(1) being the first; "W" marks a weekend day worked.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onevisit.cases import services
from onevisit.cases.choices import Rating, RectificationState, SuspensionKind, TaskState
from onevisit.cases.models import Rectification, Task
from onevisit.core import arrangements, calendar
from onevisit.core.audit import verify_chain
from onevisit.core.models import AuditEntry, User
from onevisit.core.services import holiday_arrangement_publish
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


SOURCE = "测试用2027年安排（test fixture, not the State Council's notice）"
FIXTURE_OFF = (
    "2026-12-31\n2027-01-01\n2027-02-05..2027-02-12\n2027-04-05\n2027-05-01..2027-05-05\n"
    "2027-06-09\n2027-09-15\n2027-10-01..2027-10-07"
)
FIXTURE_WORKED = "2027-01-31, 2027-02-20, 2027-09-26, 2027-10-09"
#: The fixture amended: Friday 12 February 2027 is worked again.
AMENDED_OFF = FIXTURE_OFF.replace("2027-02-05..2027-02-12", "2027-02-05..2027-02-11")
TODAY = date(2026, 11, 29)  # the day of publication


class Desk:
    """A bureau with items of several promised limits, a reviewer, a head, a citizen."""

    def __init__(self):
        self.org = f.organization(name="桐庐县测试局")
        self.reviewer = kf.reviewer_of(self.org)
        self.head = kf.reviewer_of(self.org, head=True)
        self.citizen, self.applicant = kf.citizen_account()
        self._items = {}

    def item(self, limit: int):
        if limit not in self._items:
            self._items[limit] = kf.online_item(organization=self.org, promised_limit=limit)
        return self._items[limit]

    def filed(self, limit: int) -> Task:
        # Received early (kf.EARLY, 2020), so that any later day may be acted on.
        intake = kf.submit(self.citizen, self.applicant, items=[self.item(limit)], now=kf.EARLY)
        return intake.case.tasks.get()

    def accepted(self, day: date, limit: int) -> Task:
        task = services.task_accept(actor=self.reviewer, task=self.filed(limit), on=day)
        task.refresh_from_db()
        return task


@pytest.fixture
def desk():
    return Desk()


def publish(admin, days_off: str = FIXTURE_OFF) -> dict[str, int]:
    # A fresh user object each time: no roles cached from an earlier call.
    _arrangement, moved = holiday_arrangement_publish(
        actor=User.objects.get(pk=admin.pk),
        year=2027,
        source=SOURCE,
        days_off=days_off,
        weekend_working_days=FIXTURE_WORKED,
        today=TODAY,
    )
    return moved


def due(obj) -> date:
    return type(obj).objects.values_list("due_date", flat=True).get(pk=obj.pk)


def entries(action: str, obj=None):
    qs = AuditEntry.objects.filter(action=action)
    return qs.filter(object_id=str(obj.pk)) if obj is not None else qs


# --- what moves ------------------------------------------------------------------------
def test_the_estimate_is_what_the_hand_counts_say():
    # The hand counts below rest on this estimate of 2027; check it first.
    assert not calendar.is_official_year(2027)
    off, worked = calendar.exceptions(2027)
    assert calendar.as_ranges(off) == [
        "2027-01-01",
        "2027-02-05",
        "2027-02-08..2027-02-10",
        "2027-04-05",
        "2027-05-03..2027-05-04",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
        "2027-10-04..2027-10-05",
    ]
    assert worked == []
    assert calendar.is_working_day(date(2026, 12, 31))


def test_an_open_task_across_the_spring_festival_moves_and_is_audited(desk, admin):
    task = desk.accepted(date(2027, 1, 25), 10)
    # Estimated, from Mon 25 Jan 2027: 26 (1), 27 (2), 28 (3), 29 (4), Mon 1 Feb (5), 2 (6),
    # 3 (7), 4 (8), [Fri 5 off, weekend, Mon 8 - Wed 10 off], Thu 11 (9), Fri 12 Feb (10).
    assert task.due_date == date(2027, 2, 12)

    assert publish(admin) == {"cases": 1}

    # The fixture: 26 (1), 27 (2), 28 (3), 29 (4), Sun 31 Jan W (5), 1 Feb (6), 2 (7), 3 (8),
    # 4 (9), [5 - 12 Feb off, Sat 13 and Sun 14], Mon 15 Feb (10).
    assert due(task) == date(2027, 2, 15)
    entry = entries("task.due_recomputed", task).get()
    assert entry.object_type == "cases.task"
    assert entry.actor_id == admin.pk
    assert entry.before == {"due_date": "2027-02-12"}
    assert entry.after == {"due_date": "2027-02-15", "holiday_arrangement": 2027}
    assert entry.legal_basis == SOURCE
    # The publication's own entry comes last, in the same transaction, with the count (its
    # rows are locked before any entry is written: reviewer actions lock a row, then the
    # chain's head).
    publication = entries("calendar.arrangement_publish").get()
    assert publication.seq > entry.seq
    assert publication.after["moved"] == {"cases": 1}
    assert verify_chain() is None


def test_a_december_deadline_moves_with_the_next_years_notice(desk, admin):
    task = desk.accepted(date(2026, 12, 24), 5)
    # The 2026 notice (library), from Thu 24 Dec 2026: Fri 25 (1), Mon 28 (2), 29 (3),
    # 30 (4), Thu 31 Dec (5).
    assert task.due_date == date(2026, 12, 31)
    assert publish(admin) == {"cases": 1}
    # The fixture also gives Thu 31 Dec 2026 off: 25 (1), 28 (2), 29 (3), 30 (4),
    # [31 Dec and Fri 1 Jan off, weekend], Mon 4 Jan 2027 (5).
    assert due(task) == date(2027, 1, 4)
    assert entries("task.due_recomputed", task).get().before == {"due_date": "2026-12-31"}


def test_an_open_rectification_moves_a_closed_one_does_not(desk, admin):
    # A case decided on Fri 22 Jan 2027 and rated poorly on Mon 25 Jan, for the case and for
    # the bureau: two rectifications, each due 15 working days after 25 January.
    task = desk.accepted(date(2027, 1, 22), 10)
    services.task_approve(actor=desk.reviewer, task=task, on=date(2027, 1, 22))
    task.case.refresh_from_db()
    services.case_evaluate(
        actor=desk.citizen,
        case=task.case,
        rating=Rating.VERY_DISSATISFIED,
        departments={desk.org.pk: Rating.DISSATISFIED},
        on=date(2027, 1, 25),
    )
    still_open, closed = Rectification.objects.order_by("pk")
    # Estimated: 26 (1), 27 (2), 28 (3), 29 (4), 1 Feb (5), 2 (6), 3 (7), 4 (8),
    # [5, 8, 9, 10 off], 11 (9), 12 (10), 15 (11), 16 (12), 17 (13), 18 (14), Fri 19 Feb (15).
    assert still_open.due_date == closed.due_date == date(2027, 2, 19)
    services.rectification_record_measures(
        actor=desk.reviewer, rectification=closed, measures="增开窗口", on=date(2027, 1, 26)
    )
    services.rectification_callback(
        actor=desk.head,
        rectification=closed,
        note="满意",
        satisfied=True,
        on=date(2027, 1, 27),
    )
    assert Rectification.objects.get(pk=closed.pk).state == RectificationState.CLOSED

    # The decided task does not move either (see below); only the open rectification does.
    assert publish(admin) == {"cases": 1}

    # The fixture: 26 (1), 27 (2), 28 (3), 29 (4), Sun 31 Jan W (5), 1 Feb (6), 2 (7),
    # 3 (8), 4 (9), [5 - 12 Feb off], 15 (10), 16 (11), 17 (12), 18 (13), 19 (14),
    # Sat 20 Feb W (15).
    assert due(still_open) == date(2027, 2, 20)
    entry = entries("rectification.due_recomputed", still_open).get()
    assert entry.object_type == "cases.rectification"
    assert entry.before == {"due_date": "2027-02-19"}
    assert entry.after == {"due_date": "2027-02-20", "holiday_arrangement": 2027}
    assert entry.legal_basis == SOURCE
    assert due(closed) == date(2027, 2, 19)
    assert not entries("rectification.due_recomputed", closed).exists()


# --- what does not move ------------------------------------------------------------------
def test_what_the_arrangement_leaves_alone(desk, admin):
    # Decided: accepted Fri 22 Jan 2027, estimated 25 (1), 26 (2), 27 (3), 28 (4), 29 (5),
    # 1 Feb (6), 2 (7), 3 (8), 4 (9), [5, 8, 9, 10 off], Thu 11 Feb (10). (Open, the fixture
    # would move it to Thu 4 Feb: Sun 31 Jan W is the 6th working day.)
    decided = desk.accepted(date(2027, 1, 22), 10)
    assert decided.due_date == date(2027, 2, 11)
    services.task_approve(actor=desk.reviewer, task=decided, on=date(2027, 1, 22))

    # Due before 1 December 2026: Mon 2 Nov 2026 + 5 = 3 (1), 4 (2), 5 (3), 6 (4), Mon 9 Nov
    # (5). To show that the date filter (and not the arithmetic) leaves it alone, the
    # stored date is made one a recomputation would correct (test set-up only).
    old = desk.accepted(date(2026, 11, 2), 5)
    assert old.due_date == date(2026, 11, 9)
    Task.objects.filter(pk=old.pk).update(due_date=date(2026, 11, 10))

    # Suspended (running): accepted Mon 25 Jan 2027, due Fri 12 Feb (estimated, as above),
    # suspended on Wed 27 Jan for an expert review.
    suspended = desk.accepted(date(2027, 1, 25), 10)
    services.task_suspend(
        actor=desk.reviewer,
        task=suspended,
        kind=SuspensionKind.EXPERT_REVIEW,
        reason="专家评审",
        on=date(2027, 1, 27),
    )
    # Waiting for a supplement (a running suspension too), from Tue 26 Jan.
    supplement = desk.accepted(date(2027, 1, 25), 10)
    services.task_request_supplement(
        actor=desk.reviewer, task=supplement, missing=["户口簿"], on=date(2027, 1, 26)
    )
    # Open but untouched by the change: Mon 4 Jan 2027 + 3 = 5 (1), 6 (2), Thu 7 Jan (3).
    early = desk.accepted(date(2027, 1, 4), 3)
    assert early.due_date == date(2027, 1, 7)
    # Not accepted yet: no clock.
    waiting = desk.filed(10)

    before = {t.pk: due(t) for t in (decided, old, suspended, supplement, early, waiting)}
    assert before[suspended.pk] == before[supplement.pk] == date(2027, 2, 12)
    assert Task.objects.get(pk=suspended.pk).state == TaskState.SUSPENDED

    assert publish(admin) == {"cases": 0}

    assert {t.pk: due(t) for t in (decided, old, suspended, supplement, early, waiting)} == before
    assert not entries("task.due_recomputed").exists()

    # The suspended task is recomputed when its clock resumes, under the new calendar:
    # [Wed 27 Jan, Mon 1 Feb) stopped; Tue 26 Jan (1), Mon 1 Feb (2), 2 (3), 3 (4), 4 (5),
    # [5 - 12 Feb off], 15 (6), 16 (7), 17 (8), 18 (9), Fri 19 Feb (10).
    # (Under the estimate it would be Wed 17 Feb.)
    services.task_resume(actor=desk.reviewer, task=suspended, on=date(2027, 2, 1))
    assert due(suspended) == date(2027, 2, 19)


def test_a_failing_hook_rolls_the_moved_deadlines_back(desk, admin, monkeypatch):
    task = desk.accepted(date(2027, 1, 25), 10)

    def boom(**kwargs):
        raise RuntimeError("another app failed")

    monkeypatch.setitem(arrangements._hooks, "zzz-boom", boom)  # runs after "cases"
    with pytest.raises(RuntimeError):
        publish(admin)
    assert due(task) == date(2027, 2, 12)
    assert not entries("task.due_recomputed").exists()
    assert not entries("calendar.arrangement_publish").exists()
    assert not calendar.is_official_year(2027)


def test_an_amendment_moves_the_deadlines_again(desk, admin):
    task = desk.accepted(date(2027, 1, 25), 10)
    assert publish(admin) == {"cases": 1}
    assert due(task) == date(2027, 2, 15)
    # Amended: Fri 12 Feb worked. 26 (1), 27 (2), 28 (3), 29 (4), Sun 31 W (5), 1 Feb (6),
    # 2 (7), 3 (8), 4 (9), Fri 12 Feb (10).
    assert publish(admin, AMENDED_OFF) == {"cases": 1}
    assert due(task) == date(2027, 2, 12)
    first, second = entries("task.due_recomputed", task).order_by("seq")
    assert (first.before, first.after["due_date"]) == ({"due_date": "2027-02-12"}, "2027-02-15")
    assert (second.before, second.after["due_date"]) == ({"due_date": "2027-02-15"}, "2027-02-12")
    assert verify_chain() is None


# --- cost --------------------------------------------------------------------------------
def test_recomputing_does_not_query_per_task(desk, admin):
    """The statements of a publication do not grow with the tasks it moves (within a
    batch): the suspension logs come with one prefetch, the dates are written with one
    bulk update and their audit entries with one insert (`audit_many`)."""

    for _ in range(2):
        desk.accepted(date(2027, 1, 25), 10)  # Fri 12 Feb, estimated
    with CaptureQueriesContext(connection) as two:
        assert publish(admin) == {"cases": 2}  # each to Mon 15 Feb
    for _ in range(5):
        desk.accepted(date(2027, 1, 25), 10)  # Mon 15 Feb, under the fixture
    with CaptureQueriesContext(connection) as seven:
        assert publish(admin, AMENDED_OFF) == {"cases": 7}  # each back to Fri 12 Feb
    assert set(Task.objects.values_list("due_date", flat=True)) == {date(2027, 2, 12)}

    # Five more moved rows cost no statement more (one per task for its suspensions or
    # its audit entry would add five); and the whole publication is small.
    assert len(seven) <= len(two), (len(two), len(seven))
    assert len(two) <= 25, [q["sql"] for q in two.captured_queries]


# --- the calendar of a publication in a threaded server -----------------------------------
def test_a_read_by_another_thread_does_not_change_the_recomputation(
    desk, admin, monkeypatch, caplog
):
    task = desk.accepted(date(2027, 1, 25), 10)  # Fri 12 Feb 2027, estimated
    assert task.due_date == date(2027, 2, 12)

    def another_request(**kwargs):
        # Stands for another request of the same process (gunicorn gthread workers), which
        # reads the calendar while the publication's transaction is open, at the moment
        # the publication has just forgotten the arrangements. Its own connection sees
        # only what is committed. Run here, before the cases hook, to fix the interleaving.
        def read():
            try:
                calendar.is_working_day(date(2027, 1, 31))
            finally:
                connection.close()

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        return 0

    monkeypatch.setattr(arrangements, "_hooks", {"another": another_request, **arrangements._hooks})
    moved = publish(admin)
    assert "not read" not in caplog.text  # the other thread did read the database
    # As in test_an_open_task_across_the_spring_festival_moves_and_is_audited: Mon 15 Feb.
    assert (moved, due(task)) == ({"another": 0, "cases": 1}, date(2027, 2, 15))


# --- the second pass -------------------------------------------------------------------
def test_the_publication_schedules_a_second_pass_after_commit(
    desk, admin, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from onevisit.core.services import SETTLE_AFTER

    with django_capture_on_commit_callbacks(execute=True):
        publish(admin)
    (result,) = DBTaskResult.objects.filter(task_path__endswith="settle_holiday_arrangement")
    assert result.args_kwargs["args"] == [2027, 1, admin.pk]  # year, revision, actor
    assert result.run_after is not None
    assert result.run_after - result.enqueued_at >= SETTLE_AFTER * 0.9


def test_the_second_pass_moves_a_deadline_set_under_the_old_calendar(desk, admin):
    from onevisit.core.tasks import settle_holiday_arrangement

    publish(admin)
    # Another process accepted a task while the publication ran, under the old calendar
    # (no service sets a stale date: written as that process would have stored it).
    task = desk.accepted(date(2027, 1, 25), 10)
    assert task.due_date == date(2027, 2, 15)  # already the fixture's date, here
    Task.objects.filter(pk=task.pk).update(due_date=date(2027, 2, 12))  # the estimate's
    assert settle_holiday_arrangement.call(2027, 1, admin.pk) == {"cases": 1}
    assert due(task) == date(2027, 2, 15)
    entry = entries("task.due_recomputed", task).get()
    assert entry.actor_id == admin.pk and entry.legal_basis == SOURCE
    # Nothing more to move: a second run changes nothing and writes no entry.
    assert settle_holiday_arrangement.call(2027, 1, admin.pk) == {"cases": 0}
    # The pass of an older revision does nothing once the year is published again.
    Task.objects.filter(pk=task.pk).update(due_date=date(2027, 2, 12))
    assert settle_holiday_arrangement.call(2027, 0, admin.pk) == {}
    assert due(task) == date(2027, 2, 12)
    assert entries("task.due_recomputed").count() == 1
    assert verify_chain() is None


def test_the_second_pass_does_nothing_without_an_arrangement(desk):
    from onevisit.core.services import holiday_arrangement_settle

    task = desk.accepted(date(2027, 1, 25), 10)
    assert holiday_arrangement_settle(year=2027) == {}
    assert due(task) == task.due_date
    assert not entries("task.due_recomputed").exists()
