"""`python manage.py apply_due_plans`: apply approved plans whose effective date has come."""

from django.core.management.base import BaseCommand

from onevisit.reforms.services import reform_plans_apply_due


class Command(BaseCommand):
    help = "Apply every approved reform plan whose effective date has come (idempotent)."

    def handle(self, *args, **options):
        applied = reform_plans_apply_due()
        self.stdout.write(f"Applied {len(applied)} plan(s): {applied}")
