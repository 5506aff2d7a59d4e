"""Rebuild the catalog part of the portal's search index (nightly from cron: versions come
into force by date)."""

from django.core.management.base import BaseCommand

from onevisit.portal import indexing


class Command(BaseCommand):
    help = "Rebuild the portal's search index from the catalog."

    def handle(self, *args, **options):
        count = indexing.rebuild()
        self.stdout.write(f"search index: {count} entries")
