"""`python manage.py verify_audit`: check the audit trail's hash chain."""

from django.core.management.base import BaseCommand, CommandError

from onevisit.core.audit import verify_chain
from onevisit.core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit non-zero at the first broken entry."

    def handle(self, *args, **options):
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit trail broken at {broken}")
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {count} entries verified."))
