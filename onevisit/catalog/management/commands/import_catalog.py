"""manage.py import_catalog FILE --region CODE [--materials FILE] [--dry-run]

FILE is an .xlsx workbook with an items sheet and a "materials"/"申请材料" sheet, or a CSV
file of items with the materials in a second CSV file (--materials).
Options: --actor USER, --document-number N.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from onevisit.catalog.importers import import_catalog
from onevisit.orgs.management.commands._io import ImportCommand


class Command(ImportCommand):
    help = (
        "Import service items (政务服务事项), one row per version, and their materials from "
        "an .xlsx or CSV file, all rows or none; each version is checked and published."
    )
    importer = staticmethod(import_catalog)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--materials", default="", help="A CSV (or .xlsx) file of materials (申请材料)."
        )

    def importer_options(self, options) -> dict:
        if not options["materials"]:
            return {}
        path = Path(options["materials"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(f"{path} is larger than IMPORT_MAX_BYTES.")
        return {"materials": path.read_bytes(), "materials_filename": path.name}
