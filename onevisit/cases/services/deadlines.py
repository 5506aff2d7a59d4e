"""Deadlines moved by a holiday arrangement (节假日安排调整后的期限重算).

When a system administrator publishes a year's arrangement (`core.services.
holiday_arrangement_publish`), the working days of that year change, and with them the due
dates already stored: open tasks' (recomputed from acceptance, limit, suspension log and
extension, as every reviewer action does) and open rectifications' (15 working days after
opening). Each moved date is audited with the notice as its basis, in the publication's
transaction. A task whose clock is stopped now keeps its date: it is recomputed when the
clock resumes, under the new calendar.

Every row that may move is locked before anything is written, so that the locks are taken
in the order reviewer actions take them (the row, then the audit chain's head) and the two
never wait for each other in a circle.
"""

from __future__ import annotations

import datetime

from onevisit.core.arrangements import register_deadline_hook
from onevisit.core.audit import audit_many

from ..choices import OPEN_STATES, RectificationState
from ..models import Rectification, Suspension, Task
from .evaluation import rectification_due
from .review import recompute_due

#: Rows read and written at a time.
BATCH = 500


@register_deadline_hook("cases")
def deadlines_recompute(*, actor, year: int, source: str, today: datetime.date) -> int:
    """Recompute the stored due dates an arrangement for `year` can move (those from 1
    December of the year before on); returns how many moved."""
    since = datetime.date(year - 1, 12, 1)
    running = Suspension.objects.filter(ended_on__isnull=True).values("task_id")
    tasks = _locked(
        Task.objects.filter(
            state__in=OPEN_STATES, accepted_on__isnull=False, due_date__gte=since
        ).exclude(pk__in=running)
    )
    rectifications = _locked(
        Rectification.objects.filter(state=RectificationState.OPEN, due_date__gte=since)
    )
    moved = 0
    for start in range(0, len(tasks), BATCH):
        batch = Task.objects.filter(pk__in=tasks[start : start + BATCH]).prefetch_related(
            "suspensions"
        )
        moved += _move(
            actor, year, source, "task.due_recomputed", batch, lambda t: recompute_due(t, today)
        )
    for start in range(0, len(rectifications), BATCH):
        batch = Rectification.objects.filter(pk__in=rectifications[start : start + BATCH])
        moved += _move(
            actor, year, source, "rectification.due_recomputed", batch,
            lambda r: rectification_due(r.opened_on),
        )  # fmt: skip
    return moved


def _locked(queryset) -> list[int]:
    """The rows' keys, every row locked until commit (on SQLite the write lock does it)."""
    return list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))


def _move(actor, year: int, source: str, action: str, rows, due_of) -> int:
    """Set each row's recomputed due date where it changed; one audit entry per moved row."""
    changes = []
    for row in rows:
        due = due_of(row)
        if due != row.due_date:
            after = {"due_date": due, "holiday_arrangement": year}
            changes.append((row, {"due_date": row.due_date}, after))
            row.due_date = due
    if changes:
        type(changes[0][0]).objects.bulk_update([c[0] for c in changes], ["due_date"])
        audit_many(actor=actor, action=action, changes=changes, legal_basis=source[:200])
    return len(changes)
