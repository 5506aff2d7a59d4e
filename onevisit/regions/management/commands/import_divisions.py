"""`python manage.py import_divisions [DIR]`: load China's administrative divisions."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onevisit.core.errors import DomainError
from onevisit.regions.services import regions_import


class Command(BaseCommand):
    help = "Load provinces, cities, counties and Zhejiang's townships from shared/data/divisions."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=None)

    def handle(self, *args, directory=None, **options):
        path = Path(directory) if directory else settings.SHARED_DIR / "data" / "divisions"
        try:
            counts = regions_import(actor=None, directory=path)
        except DomainError as exc:
            raise CommandError(str(exc))
        summary = ", ".join(f"{level}: {n}" for level, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Divisions loaded ({summary})."))
