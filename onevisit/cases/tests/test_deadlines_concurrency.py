"""A publication of a holiday arrangement beside other writers: a reviewer action holding a
task the publication moves, a double-click on Publish, and the second pass of an earlier
revision. On PostgreSQL each interleaving is forced by waiting until the other connection
is blocked on a row or advisory lock (pg_stat_activity). SQLite takes its one write lock
when a transaction begins, so there the second writer simply waits for the first; the
outcome asserted is the same."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction

from onevisit.cases.models import Task
from onevisit.core import arrangements
from onevisit.core.audit import audit_record, verify_chain
from onevisit.core.errors import Conflict
from onevisit.core.models import AuditEntry, HolidayArrangement
from onevisit.core.services import holiday_arrangement_settle

from .test_deadlines_recompute import AMENDED_OFF, Desk, publish

pytestmark = pytest.mark.django_db(transaction=True)


def blocked_on_a_lock(timeout: float = 20.0) -> None:
    """Return once another connection waits for a lock (or fail after `timeout`). On SQLite
    the other writer cannot get past BEGIN before the one holding the lock commits, so
    there is nothing to wait for."""
    if connection.vendor == "sqlite":
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND pid <> pg_backend_pid() AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("no connection ever waited for a lock")


def in_thread(fn, errors, name=""):
    def run():
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append((name, exc))
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def test_a_reviewer_action_on_a_moving_task_and_a_publication_both_commit(admin):
    desk = Desk()
    task = desk.accepted(date(2027, 1, 25), 10)  # Fri 12 Feb estimated, Mon 15 Feb after
    errors, locked, go_on = [], threading.Event(), threading.Event()

    def reviewer():
        with transaction.atomic():  # as a reviewer action: the task row, then the audit head
            row = Task.objects.select_for_update().get(pk=task.pk)
            locked.set()
            go_on.wait(20)
            audit_record(actor=desk.reviewer, action="task.note", obj=row)

    a = in_thread(reviewer, errors, "reviewer")
    locked.wait(20)
    b = in_thread(lambda: publish(admin), errors, "publisher")
    blocked_on_a_lock()  # the publication waits for the task (before any audit entry)
    go_on.set()
    a.join(30)
    b.join(30)
    assert errors == []
    assert Task.objects.get(pk=task.pk).due_date == date(2027, 2, 15)
    assert AuditEntry.objects.filter(action="task.due_recomputed").count() == 1
    assert verify_chain() is None


def test_a_double_click_on_publish_is_a_conflict_not_an_error(admin, monkeypatch):
    desk = Desk()
    desk.accepted(date(2027, 1, 25), 10)
    errors, inside, go_on = [], threading.Event(), threading.Event()
    real = arrangements.arrangement_published

    def held(**kwargs):
        if threading.current_thread().name == "first":
            inside.set()
            go_on.wait(20)
        return real(**kwargs)

    monkeypatch.setattr(arrangements, "arrangement_published", held)
    first = in_thread(lambda: publish(admin), errors, "first")
    inside.wait(20)
    second = in_thread(lambda: publish(admin), errors, "second")
    blocked_on_a_lock()
    go_on.set()
    first.join(30)
    second.join(30)
    assert [(name, type(exc)) for name, exc in errors] == [("second", Conflict)]
    assert HolidayArrangement.objects.get().revision == 1


def test_the_second_pass_of_an_older_revision_waits_and_then_does_nothing(admin, monkeypatch):
    desk = Desk()
    task = desk.accepted(date(2027, 1, 25), 10)
    publish(admin)  # revision 1: Mon 15 Feb; its second pass is due 10 s later
    assert Task.objects.get(pk=task.pk).due_date == date(2027, 2, 15)
    errors, inside, go_on = [], threading.Event(), threading.Event()
    real = arrangements.arrangement_published

    def held(**kwargs):
        out = real(**kwargs)
        if threading.current_thread().name == "amendment":
            inside.set()
            go_on.wait(20)
        return out

    monkeypatch.setattr(arrangements, "arrangement_published", held)
    amendment = in_thread(lambda: publish(admin, AMENDED_OFF), errors, "amendment")
    inside.wait(20)  # revision 2 moved the task back to Fri 12 Feb, not committed yet
    settle = in_thread(lambda: holiday_arrangement_settle(year=2027, revision=1), errors, "pass")
    blocked_on_a_lock()
    go_on.set()
    amendment.join(30)
    settle.join(30)
    assert errors == []
    assert HolidayArrangement.objects.get().revision == 2
    assert Task.objects.get(pk=task.pk).due_date == date(2027, 2, 12)  # revision 2's
    moves = AuditEntry.objects.filter(action="task.due_recomputed").order_by("seq")
    assert [m.after["due_date"] for m in moves] == ["2027-02-15", "2027-02-12"]
