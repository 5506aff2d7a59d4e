"""Background work of the service desk, run by the tasks worker (`manage.py db_worker`).

`send_deadline_reminders` runs once a day: cron enqueues it with
`manage.py send_deadline_reminders`, and a worker executes it. Every department with
accepted tasks overdue or due within three working days gets one reminder per reviewer and
head, listing the counts and the case numbers. The notices are written in one transaction
per department and sent by email after its commit (`notifications.notify`); a second run on
the same day sends nothing new.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core import calendar
from onevisit.core.models import Role, RoleAssignment
from onevisit.orgs.models import Organization

from .choices import TaskState
from .models import Notification, Task
from .notifications import notify

#: A task is due soon when at most this many working days are left (the due day included).
DUE_SOON_WORKING_DAYS = 3
#: Case numbers listed per heading in one reminder; the rest are counted.
LISTED = 50
#: Who is reminded of a department's deadlines.
RECIPIENT_ROLES = (Role.DEPARTMENT_REVIEWER, Role.DEPARTMENT_HEAD)


def _day(today: datetime.date | str | None) -> datetime.date:
    if today is None:
        return timezone.localdate()
    if isinstance(today, datetime.date):
        return today
    return datetime.date.fromisoformat(today)


def _numbers(rows: list[tuple[str, datetime.date]]) -> str:
    shown = [f"{number} ({due.isoformat()})" for number, due in rows[:LISTED]]
    if len(rows) > LISTED:
        shown.append(_("and %(n)s more") % {"n": len(rows) - LISTED})
    return "; ".join(shown)


def reminder_subject(organization: Organization, day: datetime.date) -> str:
    """The subject of a department's reminder for a day (one per recipient and day)."""
    return _("Deadline reminder for %(org)s, %(day)s") % {
        "org": organization.name,
        "day": day.isoformat(),
    }


@task()
def send_deadline_reminders(today: str | None = None) -> int:
    """Remind each department's reviewers and heads of its overdue and due-soon tasks.

    `today` (an ISO date; default the local date) fixes the day counted from. Returns the
    number of reminders written."""
    day = _day(today)
    horizon = calendar.add_working_days(day, DUE_SOON_WORKING_DAYS)
    rows = (
        Task.objects.filter(state=TaskState.ACCEPTED, due_date__lte=horizon)
        .values_list("organization_id", "case__number", "due_date")
        .order_by("organization_id", "due_date", "case__number")
    )
    overdue: dict[int, list] = defaultdict(list)
    soon: dict[int, list] = defaultdict(list)
    for org_id, number, due in rows:
        (overdue if due < day else soon)[org_id].append((number, due))
    org_ids = set(overdue) | set(soon)
    if not org_ids:
        return 0
    orgs = Organization.objects.in_bulk(org_ids)
    recipients: dict[int, dict[int, object]] = defaultdict(dict)
    for a in RoleAssignment.objects.filter(
        role__in=RECIPIENT_ROLES, organization_id__in=org_ids, user__is_active=True
    ).select_related("user"):
        recipients[a.organization_id][a.user_id] = a.user
    subjects = {org_id: reminder_subject(orgs[org_id], day) for org_id in org_ids}
    already = set(
        Notification.objects.filter(
            subject__in=set(subjects.values()), user_id__isnull=False
        ).values_list("user_id", "subject")
    )
    written = 0
    for org_id in sorted(org_ids):
        users = [u for u in recipients[org_id].values() if (u.pk, subjects[org_id]) not in already]
        if not users:
            continue
        lines = [
            _("%(overdue)s overdue and %(soon)s due within %(days)s working days.")
            % {
                "overdue": len(overdue[org_id]),
                "soon": len(soon[org_id]),
                "days": DUE_SOON_WORKING_DAYS,
            }
        ]
        if overdue[org_id]:
            lines.append(_("Overdue: %(cases)s") % {"cases": _numbers(overdue[org_id])})
        if soon[org_id]:
            lines.append(_("Due soon: %(cases)s") % {"cases": _numbers(soon[org_id])})
        body = "\n".join(lines)
        with transaction.atomic():
            for user in users:
                notify(user=user, subject=subjects[org_id], body=body)
                written += 1
    return written
