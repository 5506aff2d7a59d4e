"""Deadlines moved by a holiday arrangement (节假日安排调整后的期限重算).

When a system administrator publishes a year's arrangement (`core.services.
holiday_arrangement_publish`), the working days of that year change, and with them the due
dates already stored: open tasks' (recomputed from acceptance, limit, suspension log and
extension, as every reviewer action does) and open rectifications' (15 working days after
opening). Each moved date is audited with the notice as its basis, in the publication's
transaction. A task whose clock is stopped now keeps its date: it is recomputed when the
clock resumes, under the new calendar.
"""

from __future__ import annotations

import datetime

from onevisit.core.arrangements import register_deadline_hook
from onevisit.core.audit import audit_record
from onevisit.core.calendar import add_working_days

from ..choices import OPEN_STATES, RectificationState
from ..models import Rectification, Suspension, Task
from .evaluation import RECTIFICATION_WORKING_DAYS
from .review import recompute_due

#: Rows read and written at a time.
BATCH = 500


@register_deadline_hook("cases")
def deadlines_recompute(*, actor, year: int, source: str, today: datetime.date) -> int:
    """Recompute the stored due dates an arrangement for `year` can move (those from 1
    December of the year before on); returns how many moved."""
    since = datetime.date(year - 1, 12, 1)
    basis = source[:200]
    running = Suspension.objects.filter(ended_on__isnull=True).values("task_id")
    tasks = (
        Task.objects.select_for_update()
        .filter(state__in=OPEN_STATES, accepted_on__isnull=False, due_date__gte=since)
        .exclude(pk__in=running)
        .order_by("pk")
    )
    moved = 0
    for batch in _batches(tasks):
        changed = []
        for task in batch:
            due = recompute_due(task, today)
            if due != task.due_date:
                _audit(actor, task, "task.due_recomputed", task.due_date, due, year, basis)
                task.due_date = due
                changed.append(task)
        Task.objects.bulk_update(changed, ["due_date"])
        moved += len(changed)
    rectifications = (
        Rectification.objects.select_for_update()
        .filter(state=RectificationState.OPEN, due_date__gte=since)
        .order_by("pk")
    )
    for batch in _batches(rectifications, prefetch=False):
        changed = []
        for r in batch:
            due = add_working_days(r.opened_on, RECTIFICATION_WORKING_DAYS)
            if due != r.due_date:
                _audit(actor, r, "rectification.due_recomputed", r.due_date, due, year, basis)
                r.due_date = due
                changed.append(r)
        Rectification.objects.bulk_update(changed, ["due_date"])
        moved += len(changed)
    return moved


def _batches(queryset, *, prefetch: bool = True):
    """The rows in primary-key order, `BATCH` at a time (tasks with their suspensions)."""
    last = 0
    while True:
        page = queryset.filter(pk__gt=last)[:BATCH]
        rows = list(page.prefetch_related("suspensions") if prefetch else page)
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _audit(actor, obj, action: str, before, after, year: int, basis: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        before={"due_date": before},
        after={"due_date": after, "holiday_arrangement": year},
        legal_basis=basis,
    )
