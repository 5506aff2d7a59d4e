"""`python manage.py send_deadline_reminders`: queue the daily deadline reminders.

Cron runs it once a day (for example ``5 7 * * * onevisit send_deadline_reminders``,
every day including weekends, since weekend days may be declared working days); it only
enqueues `onevisit.cases.tasks.send_deadline_reminders`, which the tasks worker
(`manage.py db_worker`) then executes. Each department's reviewers and heads get one notice
listing their overdue and due-soon tasks; a second run on the same day adds nothing.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from onevisit.cases.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Queue today's deadline reminders for the departments' reviewers and heads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Count from this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, **options):
        day = options.get("date")
        if day:
            try:
                day = datetime.date.fromisoformat(day).isoformat()
            except ValueError:
                raise CommandError(f"Not a date: {day!r} (use YYYY-MM-DD).")
        result = send_deadline_reminders.enqueue(today=day or None)
        self.stdout.write(f"Queued deadline reminders: task {result.id} ({result.status}).")
