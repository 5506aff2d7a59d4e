"""Case numbers (办件编号) from a database sequence: never reused, no lock held.

PostgreSQL: a real sequence (`nextval` is outside transactions, so concurrent submissions
never wait on one another; a rolled-back submission leaves a gap, never a reuse).
SQLite: an AUTOINCREMENT table; SQLite serializes writers anyway. A submission that
rolls back there returns its serial (the counter rolls back with it), which was never
given to anyone: no committed number is ever repeated on either database.
The number reads region, year and serial: ``330122-2026-00001234``.
"""

from __future__ import annotations

import datetime

from django.db import connection

SEQUENCE = "cases_case_serial"
#: SQLite: drop the used rows of the counter table every this many numbers.
PRUNE_EVERY = 1000

CREATE_SQL = {
    "postgresql": f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
    "sqlite": f"CREATE TABLE IF NOT EXISTS {SEQUENCE} (id INTEGER PRIMARY KEY AUTOINCREMENT)",
}
DROP_SQL = {
    "postgresql": f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
    "sqlite": f"DROP TABLE IF EXISTS {SEQUENCE}",
}


def next_serial() -> int:
    """The next serial; call inside the submission's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
            return cursor.fetchone()[0]
        cursor.execute(f"INSERT INTO {SEQUENCE} DEFAULT VALUES")  # noqa: S608
        serial = cursor.lastrowid
        if serial % PRUNE_EVERY == 0:  # the counter lives in sqlite_sequence; rows can go
            cursor.execute(f"DELETE FROM {SEQUENCE} WHERE id < %s", [serial])  # noqa: S608
        return serial


def case_number(region_code: str, day: datetime.date, serial: int) -> str:
    return f"{region_code}-{day.year}-{serial:08d}"
