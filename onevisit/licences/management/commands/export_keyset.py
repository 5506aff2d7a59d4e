"""`python manage.py export_keyset [--output FILE]`: write the published key set (the same as
`GET /api/licences/keys`: the public keys and the revocation list) for offline verification
with `manage.py verify_licence --keyset`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...selectors import keyset


class Command(BaseCommand):
    help = gettext_lazy("Write the published key set and revocation list as JSON.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help=_("Write to this file instead of the standard output.")
        )

    def handle(self, *args, **options):
        text = json.dumps(keyset(), ensure_ascii=False, indent=2)
        path = options.get("output")
        if not path:
            self.stdout.write(text)
            return
        try:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
            )
        self.stderr.write(_("Key set written to %(path)s.") % {"path": path})
