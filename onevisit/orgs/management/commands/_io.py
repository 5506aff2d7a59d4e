"""What the import commands share: arguments, the acting user, progress, the report."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from onevisit.core.errors import DomainError
from onevisit.regions.models import Region


class ImportCommand(BaseCommand):
    """Imports FILE into --region; prints every bad row, exits 1 if the file is refused."""

    importer = None  # set by subclasses: a function of orgs.importers
    noun = "rows"

    def add_arguments(self, parser):
        parser.add_argument("file", help="An .xlsx workbook or a CSV file (UTF-8 or GB18030).")
        parser.add_argument(
            "--region", required=True, help="Division code of the region to import into."
        )
        parser.add_argument(
            "--actor",
            default="",
            help="Username of the establishment officer importing (default: the system).",
        )
        parser.add_argument(
            "--document-number", default="", help="Approving document for rows that give none."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def importer_options(self, options) -> dict:
        """Keyword arguments for the importer beyond the common ones (for subclasses)."""
        return {}

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(
                f"{path} is {path.stat().st_size} bytes; IMPORT_MAX_BYTES is "
                f"{settings.IMPORT_MAX_BYTES}."
            )
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Unknown region {options['region']}.")
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"Unknown user {options['actor']}.")
        started = time.monotonic()

        def progress(done: int, total: int, what: str) -> None:
            percent = 100 * done // max(total, 1)
            self.stderr.write(f"{what} {done}/{total} {self.noun} ({percent}%)")
            self.stderr.flush()

        try:
            result = type(self).importer(
                path.read_bytes(),
                actor=actor,
                region=region,
                filename=path.name,
                document_number=options["document_number"],
                progress=progress,
                dry_run=options["dry_run"],
                **self.importer_options(options),
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        elapsed = time.monotonic() - started
        if result.errors:
            for error in result.errors:
                self.stdout.write(f"{error.row}\t{error.column}\t{error.message}")
            raise CommandError(
                f"Refused: {len(result.errors)} problem(s) in {result.rows} {self.noun}; "
                "nothing was imported."
            )
        counts = ", ".join(f"{k}: {v}" for k, v in result.created.items())
        if options["dry_run"]:
            self.stdout.write(
                f"All {result.rows} {self.noun} are correct (dry run, nothing written)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {result.rows} {self.noun} in {elapsed:.1f} s ({counts})."
                )
            )
