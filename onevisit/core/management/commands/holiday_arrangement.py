"""Publish or show a year's holiday arrangement (节假日安排) of the working-day calendar.

    manage.py holiday_arrangement publish 2027.json --actor admin
    manage.py holiday_arrangement show 2027

The file is JSON: {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知
（国办发明电〔2026〕N号）", "days_off": ["2027-10-01..2027-10-07", ...],
"weekend_working_days": ["2027-09-26", ...]}, dates and ranges as on the page.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from onevisit.core import calendar
from onevisit.core.errors import DomainError
from onevisit.core.models import User
from onevisit.core.services import holiday_arrangement_publish

FIELDS = ("year", "source", "days_off", "weekend_working_days")


class Command(BaseCommand):
    help = "Publish a year's holiday arrangement from a JSON file, or show a year's calendar."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish", help="Publish the arrangement in FILE.")
        publish.add_argument("file")
        publish.add_argument("--actor", required=True, help="A system administrator's username.")
        show = sub.add_parser("show", help="The days off and weekend days worked of YEAR.")
        show.add_argument("year", type=int)

    def handle(self, *args, action: str, **options):
        if action == "show":
            return self._show(options["year"])
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user named {options['actor']!r}.")
        data = self._read(options["file"])
        try:
            arrangement, moved = holiday_arrangement_publish(
                actor=actor, **{k: data[k] for k in FIELDS}
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            f"Published the {arrangement.year} arrangement (revision {arrangement.revision}); "
            f"deadlines moved: {sum(moved.values())} "
            f"({', '.join(f'{k} {v}' for k, v in moved.items()) or 'none'})."
        )

    def _read(self, path: str) -> dict:
        try:
            with open(path, encoding="utf-8-sig") as handle:  # a BOM too (Notepad)
                data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: not JSON ({exc}).")
        if not isinstance(data, dict):
            raise CommandError(f"{path}: expected a JSON object with {', '.join(FIELDS)}.")
        missing = [k for k in FIELDS if k not in data]
        if missing:
            raise CommandError(f"{path}: missing {', '.join(missing)}.")
        if not isinstance(data["days_off"], list | str) or not isinstance(
            data["weekend_working_days"], list | str
        ):
            raise CommandError(f"{path}: days_off and weekend_working_days are lists of dates.")
        return data

    def _show(self, year: int) -> None:
        if not 1 <= year <= 9998:
            raise CommandError(f"Not a year: {year}.")
        published = calendar.published_years().get(year)
        if published is not None:
            status = f"published: {published.source} (revision {published.revision})"
        elif calendar.is_official_year(year):
            status = "the holidays library's State Council arrangement"
        else:
            status = "ESTIMATED from the statutory holidays: no arrangement published"
        self.stdout.write(f"{year}: {status}")
        off, worked = calendar.exceptions(year)
        self.stdout.write(f"weekdays off: {', '.join(calendar.as_ranges(off)) or '-'}")
        self.stdout.write(f"weekend days worked: {', '.join(calendar.as_ranges(worked)) or '-'}")
