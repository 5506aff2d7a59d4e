"""manage.py export_registry KIND --region CODE --format xlsx|csv --output PATH"""

import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from onevisit.orgs.importers import exporters
from onevisit.regions.models import Region


class Command(BaseCommand):
    help = "Export a region's organizations, quotas or staff, with the columns of the imports."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=exporters.KINDS)
        parser.add_argument("--region", required=True, help="Division code, e.g. 330122.")
        parser.add_argument("--format", choices=exporters.FORMATS, default="xlsx")
        parser.add_argument("--output", "-o", default="-", help="A file path, or - for stdout.")
        parser.add_argument("--headers", choices=["en", "zh"], default="zh")
        parser.add_argument(
            "--as",
            dest="as_user",
            default="",
            help="Export what this user may read, masked as they see it (default: everything).",
        )
        parser.add_argument(
            "--show-identity-numbers",
            action="store_true",
            help="Without --as: write identity numbers in full (they are masked by default).",
        )

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Unknown region {options['region']}.")
        user = None
        if options["as_user"]:
            user = get_user_model().objects.filter(username=options["as_user"]).first()
            if user is None:
                raise CommandError(f"Unknown user {options['as_user']}.")
        started = time.monotonic()
        kwargs = {
            "user": user,
            "region": region,
            "lang": options["headers"],
            "show_identity_numbers": options["show_identity_numbers"],
        }
        if options["output"] == "-":
            count = exporters.export(
                options["kind"], options["format"], out=sys.stdout.buffer, **kwargs
            )
        else:
            with open(options["output"], "wb") as out:
                count = exporters.export(options["kind"], options["format"], out=out, **kwargs)
        self.stderr.write(f"Exported {count} rows in {time.monotonic() - started:.1f} s.")
