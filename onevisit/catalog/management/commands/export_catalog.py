"""manage.py export_catalog --region CODE --format xlsx|csv -o FILE [--materials-output FILE]
[--headers zh|en]"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from onevisit.catalog import exporters
from onevisit.regions.models import Region


class Command(BaseCommand):
    help = (
        "Export a region's service catalog, with the columns of the import: XLSX with an items "
        "and a materials sheet, or CSV (items; materials with --materials-output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Division code, e.g. 330122.")
        parser.add_argument("--format", choices=exporters.FORMATS, default="xlsx")
        parser.add_argument("--output", "-o", default="-", help="A file path, or - for stdout.")
        parser.add_argument(
            "--materials-output", default="", help="With CSV: where to write the materials."
        )
        parser.add_argument("--headers", choices=["en", "zh"], default="zh")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Unknown region {options['region']}.")
        started = time.monotonic()
        kwargs = {"user": None, "region": region, "lang": options["headers"]}
        materials_out = None
        try:
            if options["materials_output"] and options["format"] == "csv":
                materials_out = open(options["materials_output"], "wb")  # noqa: SIM115
            if options["output"] == "-":
                count = exporters.export(
                    options["format"], out=sys.stdout.buffer, materials_out=materials_out, **kwargs
                )
            else:
                with open(options["output"], "wb") as out:
                    count = exporters.export(
                        options["format"], out=out, materials_out=materials_out, **kwargs
                    )
        finally:
            if materials_out is not None:
                materials_out.close()
        self.stderr.write(f"Exported {count} versions in {time.monotonic() - started:.1f} s.")
