"""manage.py export_duties --region CODE --format csv|xlsx -o FILE [--headers zh|en]"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from onevisit.duties import exporters
from onevisit.regions.models import Region


class Command(BaseCommand):
    help = "Export a region's power and responsibility list, with the columns of the import."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Division code, e.g. 330122.")
        parser.add_argument("--format", choices=exporters.FORMATS, default="xlsx")
        parser.add_argument("--output", "-o", default="-", help="A file path, or - for stdout.")
        parser.add_argument("--headers", choices=["en", "zh"], default="zh")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Unknown region {options['region']}.")
        started = time.monotonic()
        kwargs = {"user": None, "region": region, "lang": options["headers"]}
        if options["output"] == "-":
            count = exporters.export(options["format"], out=sys.stdout.buffer, **kwargs)
        else:
            with open(options["output"], "wb") as out:
                count = exporters.export(options["format"], out=out, **kwargs)
        self.stderr.write(f"Exported {count} rows in {time.monotonic() - started:.1f} s.")
