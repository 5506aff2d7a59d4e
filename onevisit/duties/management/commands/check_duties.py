"""`python manage.py check_duties [--region CODE] [--as-of DATE] [--json]`: the analyzer's
findings (offside, absence, dislocation) — counts per kind, then each finding."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onevisit.duties.analysis import analyze, summary
from onevisit.regions.models import Region


class Command(BaseCommand):
    help = "Report offside, absence and dislocation in the power and responsibility lists."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="division code, e.g. 330122 (default: everywhere)")
        parser.add_argument("--as-of", dest="as_of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--language", default="zh", choices=["zh", "en"], help="language of the text"
        )

    def handle(self, *args, region=None, as_of=None, json=False, language="zh", **options):
        place = None
        if region:
            place = Region.objects.filter(code=region).first()
            if place is None:
                raise CommandError(f"Unknown region {region}.")
        try:
            date = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"Invalid date {as_of}: use YYYY-MM-DD.")
        found = analyze(region=place, as_of=date)
        counts = summary(found)
        if json:
            self.stdout.write(_dumps(date, region, counts, found))
            return
        where = place.name if place else "all regions"
        self.stdout.write(f"Findings as of {date} ({where}): {len(found)}")
        for kind, n in counts.items():
            self.stdout.write(f"  {kind}: {n}")
        for finding in found:
            mark = " [acknowledged]" if finding.acknowledged else ""
            self.stdout.write(
                f"\n{finding.kind}/{finding.code} ({finding.severity}){mark} {finding.key}\n"
                f"  {finding.explanation(language)}\n"
                f"  → {finding.suggested_fix(language)}"
            )


def _dumps(date, region, counts, found) -> str:
    return json.dumps(
        {
            "as_of": date.isoformat(),
            "region": region or "",
            "counts": counts,
            "findings": [f.as_dict() for f in found],
        },
        ensure_ascii=False,
        indent=2,
        default=str,
    )
