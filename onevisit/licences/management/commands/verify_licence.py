"""`python manage.py verify_licence FILE [--keyset KEYSET.json] [--date YYYY-MM-DD]`: verify an
exported licence (核验电子证照).

With `--keyset`, a key set downloaded from `GET /api/licences/keys` (or written by
`manage.py export_keyset`), the check is offline: the database is not touched at all. Without
it, the key set is read from this platform's key and revocation tables.

Prints the verdict, its reason and what a verifier is shown of the licence (the holder's
identity number masked). Exit status: 0 genuine; 1 revoked, expired or tampered; 2 when the
licence file or the key set cannot be read.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from onevisit.core.errors import ValidationFailed
from onevisit.core.management.arguments import iso_date

from ...choices import Verdict
from ...selectors import keyset as published_keyset
from ...selectors import public_summary
from ...services import licence_document
from ...signing import verify_document

#: Exit statuses.
NOT_GENUINE = 1
UNREADABLE = 2


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(
            _("Cannot read the %(what)s %(path)s: %(error)s")
            % {"what": what, "path": path, "error": exc.strerror or exc},
            returncode=UNREADABLE,
        )


def _keyset_from(path: str) -> dict:
    """A key set file as published: {"keys": [JWK, …], "revoked": [number, …]}."""
    try:
        keyset = json.loads(_read(path, _("key set")))
    except (ValueError, UnicodeDecodeError, RecursionError):
        keyset = None
    if (
        not isinstance(keyset, dict)
        or not isinstance(keyset.get("keys"), list)
        or not all(isinstance(k, dict) for k in keyset["keys"])
        or not isinstance(keyset.get("revoked", []), list)
        or not all(isinstance(n, str) for n in keyset.get("revoked", []))
    ):
        raise CommandError(
            _("%(path)s is not a key set (download it from /api/licences/keys).") % {"path": path},
            returncode=UNREADABLE,
        )
    return keyset


class Command(BaseCommand):
    help = gettext_lazy(
        "Verify an exported licence: exit 0 if genuine, 1 if revoked, expired or tampered, "
        "2 if the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The exported licence (a .json file)."))
        parser.add_argument(
            "--keyset",
            help=_(
                "The published key set (from /api/licences/keys): verify offline, without the "
                "database."
            ),
        )
        parser.add_argument(
            "--date", type=iso_date, help=_("Verify as of this day (YYYY-MM-DD) instead of today.")
        )

    def handle(self, *args, **options):
        try:
            document = licence_document(_read(options["file"], _("licence file")))
        except ValidationFailed as exc:
            raise CommandError(f"{options['file']}: {exc.message}", returncode=UNREADABLE)
        # Offline from the given file, or from the key and revocation tables.
        path = options.get("keyset")
        keyset = _keyset_from(path) if path else published_keyset()
        today = options.get("date") or timezone.localdate()
        summary = public_summary(verify_document(document, keyset, today=today))
        verdict = summary["verdict"]
        self.stdout.write(
            _("Verdict: %(verdict)s (%(label)s)")
            % {"verdict": verdict, "label": Verdict(verdict).label}
        )
        self.stdout.write(_("Reason: %(reason)s") % {"reason": summary["reason"]})
        labels = {
            "number": pgettext("licence number", "Number"),
            "type": _("Type"),
            "issuer": _("Issuer"),
            "issued_on": _("Issued on"),
            "valid_until": _("Valid until"),
            "holder": _("Holder"),
            "holder_id": _("Holder's identity number"),
        }
        for key, label in labels.items():
            if summary.get(key):
                self.stdout.write(f"{label}: {summary[key]}")
        if verdict != Verdict.GENUINE:
            raise CommandError(
                _("The licence is not genuine: %(verdict)s.") % {"verdict": verdict},
                returncode=NOT_GENUINE,
            )
