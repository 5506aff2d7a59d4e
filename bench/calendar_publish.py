"""Publishing a holiday arrangement that moves many open deadlines, at scale.

    python bench/calendar_publish.py [--scale 1m]
    DATABASE_URL=postgres://... python bench/calendar_publish.py     # on PostgreSQL

On a dataset of bench/cases_generate.py, in-process, a system administrator publishes a
test arrangement for the year after the dataset's last due date that also gives a weekday
of the December before off (as a notice may), so that every open deadline from that day
on moves. Twice in the same run, each time inside a transaction that is rolled back (the
dataset is left as it was):

  batched   the service as it is: one `audit_many` per batch of moved rows
  per row   the same with one `audit_record` per moved row (three statements each)

Reports the deadlines moved, the time and the statements of each, and their ratio. Writes
the `calendar-publish` section of bench/RESULTS.md (`-postgres` on PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cases_generate as gen  # noqa: E402


class RolledBack(Exception):
    pass


def arrangement(year: int) -> dict:
    """A test fixture (not a State Council notice): the statutory holidays of `year`, and
    the first Monday of the December before given off."""
    from onevisit.core import calendar

    monday = datetime.date(year - 1, 12, 1)
    while monday.weekday() != 0:
        monday += datetime.timedelta(days=1)
    off = sorted({*calendar.statutory_holidays(year), monday})
    return {
        "year": year,
        "source": f"benchmark fixture for {year}, not a notice",
        "days_off": [d.isoformat() for d in off],
        "weekend_working_days": [],
        "day_off_in_december": monday,
    }


def publish_once(admin, fixture: dict, *, per_row: bool) -> dict:
    from django.db import connection, transaction

    from onevisit.cases.services import deadlines
    from onevisit.core.audit import audit_record
    from onevisit.core.services import holiday_arrangement_publish

    def one_by_one(*, actor, action, changes, legal_basis=""):
        return [
            audit_record(
                actor=actor, action=action, obj=obj, before=before, after=after,
                legal_basis=legal_basis,
            )
            for obj, before, after in changes
        ]  # fmt: skip

    original = deadlines.audit_many
    if per_row:
        deadlines.audit_many = one_by_one
    out: dict = {}
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(count):
            try:
                with transaction.atomic():
                    started = time.perf_counter()
                    _arrangement, moved = holiday_arrangement_publish(
                        actor=admin,
                        **{k: v for k, v in fixture.items() if k != "day_off_in_december"},
                    )
                    out["seconds"] = time.perf_counter() - started
                    out["moved"] = sum(moved.values())
                    raise RolledBack
            except RolledBack:
                pass
        out["statements"] = statements[0]
    finally:
        deadlines.audit_many = original
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(gen.SCALES), default="1m")
    args = parser.parse_args()
    gen.setup_django(args.scale)
    info = gen.load_info(args.scale)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)  # a dataset made before the arrangements' table
    from django.db.models import Max

    from bench import run
    from bench.results import write_section
    from onevisit.cases.choices import OPEN_STATES
    from onevisit.cases.models import Task
    from onevisit.core.models import Role, RoleAssignment, User
    from onevisit.regions.models import Region

    last_due = Task.objects.aggregate(m=Max("due_date"))["m"]
    fixture = arrangement(last_due.year + 1)
    admin, _ = User.objects.get_or_create(username="bench-calendar-admin")
    RoleAssignment.objects.get_or_create(
        user=admin, role=Role.SYSTEM_ADMINISTRATOR, region=Region.objects.get(code="33")
    )
    candidates = Task.objects.filter(
        state__in=OPEN_STATES,
        accepted_on__isnull=False,
        due_date__gte=fixture["day_off_in_december"],
    ).count()
    runs = {}
    for label, per_row in (("batched", False), ("per row", True), ("batched again", False)):
        runs[label] = publish_once(admin, fixture, per_row=per_row)
        r = runs[label]
        print(
            f"{label:14} moved {r['moved']:6}  {r['seconds']:7.2f} s  {r['statements']} statements"
        )
    batched = min(runs["batched"]["seconds"], runs["batched again"]["seconds"])
    ratio = batched / runs["per row"]["seconds"]
    host = run.machine()
    pg = connection.vendor == "postgresql"
    now = datetime.datetime.now().astimezone()
    rows = "\n".join(
        f"| {label} | {r['moved']:,} | {r['seconds']:.2f} | {r['statements']:,} |"
        for label, r in runs.items()
    )
    text = f"""## Publishing a holiday arrangement at scale{" on PostgreSQL" if pg else ""}

Measured {now:%Y-%m-%d %H:%M %Z} by `python bench/calendar_publish.py`, in-process on the
{info["counts"]["cases"]:,}-case dataset of `bench/cases_generate.py`. {host["cpu"]},
{host["memory"]}; Python {host["python"]}, Django {host["django"]}; {host["database"]}.

A test arrangement for {fixture["year"]} (its statutory holidays, and Monday
{fixture["day_off_in_december"]} given off, as a notice may name days of the December
before) moves every open deadline from that day on: {candidates:,} open accepted tasks are
due then or later. Each publication runs in a transaction rolled back afterwards.

| run | deadlines moved | seconds | statements |
|---|---:|---:|---:|
{rows}

**Batched / per row: {ratio:.2f}** (time, the better batched run): one `audit_many` per
batch of 500 moved rows against one `audit_record` (3 statements) per moved row.
"""
    write_section("calendar-publish" + ("-postgres" if pg else ""), text)
    print(f"batched / per row: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
