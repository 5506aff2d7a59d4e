"""Working-day calendar: the one module every deadline in onevisit goes through.

Legal time limits (办理时限) are counted in **working days** under the national holiday
calendar of the People's Republic of China, including the weekend days that the State
Council declares working days (调休上班). The day of acceptance is not counted: a limit
of N working days ends on the N-th working day after it (DOMAIN.md, "Cases")::

    >>> add_working_days(date(2019, 9, 27), 5)  # Sun 29 Sep worked, 1–7 Oct off
    datetime.date(2019, 10, 10)

Source of the calendar
    ``holidays.China`` (category PUBLIC only: the half-day holidays for particular groups,
    such as Women's Day, do not stop the clock). For every year it has the statutory
    holidays; for the years of ``ChinaStaticHolidays.special_public_holidays`` (2001–2026
    in holidays 0.108) it also has the State Council's yearly arrangement: the weekdays
    given off (休息日（由 … 调休）) and the weekend days worked (``weekend_workdays``).
    For a year the library has no arrangement for, :data:`OVERRIDES` may supply one
    (with the State Council notice named); without either, the year is *estimated* from
    the statutory days alone (:func:`is_official_year` tells which).

Speed
    Each year is turned once into a sorted tuple of the ordinals of its working days
    (``functools.lru_cache``); every function then works with ``bisect`` on those
    tuples, so no ``holidays`` object is built per call and a due date costs a few
    binary searches whatever the limit.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import holidays
from django.utils.translation import gettext as _
from holidays.constants import PUBLIC
from holidays.countries.china import ChinaStaticHolidays

from .errors import ValidationFailed

__all__ = [
    "OVERRIDES",
    "CalendarError",
    "YearOverride",
    "add_working_days",
    "clear_cache",
    "due_date",
    "has_open_suspension",
    "is_due_soon",
    "is_official_year",
    "is_working_day",
    "remaining_working_days",
    "working_days_between",
]


class CalendarError(ValidationFailed, ValueError):
    """A deadline that cannot be computed from what was given (400, and a ValueError)."""

    code = "invalid_deadline"


@dataclass(frozen=True)
class YearOverride:
    """The State Council's arrangement for one year the ``holidays`` library lacks.

    ``days_off``: every date of the year given off (statutory holidays and the weekdays
    given off in exchange, 调休); weekends need not be listed. ``weekend_working_days``:
    the Saturdays and Sundays declared working days (上班). ``source``: the notice, by
    title and document number (e.g. 国办发明电〔2025〕NN号), so it can be checked.
    """

    source: str
    days_off: frozenset[date]
    weekend_working_days: frozenset[date]


# Used ONLY for a year absent from the library's yearly arrangements
# (``ChinaStaticHolidays.special_public_holidays``); once the library ships a year, its
# data wins and the entry here should be deleted.
#
# Empty: holidays 0.108 carries every arrangement up to 2026 and each one checked against
# the notices agrees (see tests). The 2027 arrangement is not in holidays 0.108; when the
# General Office of the State Council publishes it (国务院办公厅关于2027年部分节假日安排的
# 通知), add it here with its document number, or upgrade ``holidays``. Until then 2027 is
# estimated from the statutory days (``is_official_year(2027) is False``).
OVERRIDES: dict[int, YearOverride] = {}

_LIBRARY_YEARS = frozenset(ChinaStaticHolidays.special_public_holidays)


class _Year(NamedTuple):
    working: tuple[int, ...]  # ordinals of the working days of the year, ascending
    working_set: frozenset[int]


def is_official_year(year: int) -> bool:
    """True when the calendar for ``year`` follows a State Council arrangement.

    That is, when the library carries that year's arrangement or :data:`OVERRIDES` does.
    Otherwise the year is estimated from the statutory holidays alone (no 调休 days), and
    deadlines that reach into it should be shown as provisional.
    """
    return year in _LIBRARY_YEARS or year in OVERRIDES


@lru_cache(maxsize=256)
def _year(year: int) -> _Year:
    first, last = date(year, 1, 1), date(year, 12, 31)
    if year not in _LIBRARY_YEARS and year in OVERRIDES:
        override = OVERRIDES[year]
        days_off = {d for d in override.days_off if d.year == year}
        weekend_working = {d for d in override.weekend_working_days if d.year == year}
    else:
        # Neighbouring years too: a notice may declare a weekend working day of the year
        # before (e.g. Sat 29 Dec 2001 worked for New Year 2002), and the library only
        # records it when it builds the notice's year.
        cn = holidays.China(years=range(max(year - 1, 1), year + 2), categories=(PUBLIC,))
        days_off = {d for d in cn if d.year == year}
        weekend_working = {d for d in cn.weekend_workdays if d.year == year}
    working: list[int] = []
    day = first
    while day <= last:
        if day.weekday() >= 5:
            if day in weekend_working:
                working.append(day.toordinal())
        elif day not in days_off:
            working.append(day.toordinal())
        day += timedelta(days=1)
    return _Year(tuple(working), frozenset(working))


def clear_cache() -> None:
    """Forget the computed years (after editing :data:`OVERRIDES`, e.g. in tests)."""
    _year.cache_clear()


def is_working_day(day: date) -> bool:
    """True when ``day`` is a working day: a weekday not given off, or a weekend day
    declared a working day (调休上班)."""
    return day.toordinal() in _year(day.year).working_set


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start``; ``start`` itself is not counted.

    ``n == 0`` gives ``start`` when it is a working day, otherwise the next working day
    (a deadline always falls on a working day: an on-the-spot item, 即办件, accepted on a
    working day is due that day). In general the result is the first working day on or
    after ``start`` by which ``n`` working days after ``start`` have passed, so
    ``working_days_between(start, add_working_days(start, n)) == n`` for every ``n >= 1``.

    Raises :class:`CalendarError` (a ``ValueError``) when ``n`` is negative.
    """
    if n < 0:
        raise CalendarError(
            _("A number of working days cannot be negative (got %(n)s).") % {"n": n}
        )
    if n == 0:
        if is_working_day(start):
            return start
        n = 1
    year = start.year
    days = _year(year).working
    i = bisect.bisect_right(days, start.toordinal())  # first working day after start
    while i + n > len(days):
        n -= len(days) - i
        year += 1
        days = _year(year).working
        i = 0
    return date.fromordinal(days[i + n - 1])


def working_days_between(start: date, end: date) -> int:
    """The number of working days in ``(start, end]`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    s, e = start.toordinal(), end.toordinal()
    if start.year == end.year:
        days = _year(start.year).working
        return bisect.bisect_right(days, e) - bisect.bisect_right(days, s)
    first = _year(start.year).working
    count = len(first) - bisect.bisect_right(first, s)
    for year in range(start.year + 1, end.year):
        count += len(_year(year).working)
    return count + bisect.bisect_right(_year(end.year).working, e)


def has_open_suspension(suspensions: Sequence[tuple[date, date | None]]) -> bool:
    """True when a suspension is still running: the due date is then provisional."""
    return any(end is None for _start, end in suspensions)


def _stopped_periods(
    accepted_on: date,
    suspensions: Sequence[tuple[date, date | None]],
    today: date | None,
) -> list[tuple[date, date]]:
    """The suspensions as sorted, merged half-open periods ``[start, end)`` after acceptance."""
    periods: list[tuple[date, date]] = []
    for start, end in suspensions:
        if end is None:
            if today is None:
                raise CalendarError(
                    _("A suspension still running (no end date) needs today's date.")
                )
            end = today + timedelta(days=1)  # stopped up to and including today
        elif end < start:
            raise CalendarError(
                _("A suspension cannot end (%(end)s) before it starts (%(start)s).")
                % {"start": start.isoformat(), "end": end.isoformat()}
            )
        start = max(start, accepted_on + timedelta(days=1))  # acceptance day never counts
        if end > start:
            periods.append((start, end))
    periods.sort()
    merged: list[tuple[date, date]] = []
    for start, end in periods:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def due_date(
    accepted_on: date,
    limit: int,
    suspensions: Sequence[tuple[date, date | None]] = (),
    extension: int = 0,
    legal_limit: int | None = None,
    today: date | None = None,
) -> date:
    """The due date of a task: ``limit + extension`` working days after ``accepted_on``,
    with the clock stopped during each suspension.

    ``suspensions``: periods ``(start, end)``, read as ``[start, end)``: the clock stops
    on ``start`` (that day does not count) and resumes on ``end`` (that day counts if it
    is a working day). ``end=None`` is a suspension still running: it stops the clock up
    to and including ``today`` (required then), and the due date is provisional
    (:func:`has_open_suspension`). Overlapping periods count once; a suspension that
    begins after the time limit has already run out moves nothing (a task cannot be
    rescued from being overdue by suspending it).

    ``extension``: working days granted on top of ``limit`` (延期). ``legal_limit``: the
    most the law allows for ``limit + extension``; more is refused.

    A zero total (即办件) is due on the day of acceptance (or the next working day) and
    is not moved by suspensions.

    Raises :class:`CalendarError` (a ``ValueError``) for a negative limit or extension,
    an extension beyond the legal limit, a suspension ending before it starts, or a
    running suspension without ``today``.
    """
    if limit < 0:
        raise CalendarError(_("A time limit cannot be negative (got %(n)s).") % {"n": limit})
    if extension < 0:
        raise CalendarError(_("An extension cannot be negative (got %(n)s).") % {"n": extension})
    total = limit + extension
    if legal_limit is not None and total > legal_limit:
        raise CalendarError(
            _(
                "An extension of %(extension)s working days would bring the time limit to "
                "%(total)s working days, beyond the legal limit of %(legal)s; at most "
                "%(allowed)s more working days can be granted."
            )
            % {
                "extension": extension,
                "total": total,
                "legal": legal_limit,
                "allowed": max(legal_limit - limit, 0),
            }
        )
    periods = _stopped_periods(accepted_on, suspensions, today)
    if total == 0:
        return add_working_days(accepted_on, 0)
    cursor, remaining = accepted_on, total  # `remaining` working days to go after `cursor`
    for start, end in periods:
        candidate = add_working_days(cursor, remaining)
        if candidate < start:
            return candidate  # runs out before this (and every later) suspension
        # Count the working days before the clock stops, then skip [start, end).
        remaining -= working_days_between(cursor, start - timedelta(days=1))
        cursor = end - timedelta(days=1)
    return add_working_days(cursor, remaining)


def remaining_working_days(due: date, today: date) -> int:
    """Working days left: those in ``(today, due]``; 0 on the due day itself.

    Negative once overdue: minus the working days in ``(due, today]``, and at least -1
    for any day after ``due`` (a task due on Friday is overdue on Saturday).
    """
    if today <= due:
        return working_days_between(today, due)
    return -max(1, working_days_between(due, today))


def is_due_soon(due: date, today: date, within: int = 3) -> bool:
    """True when the task is not yet overdue and at most ``within`` working days remain."""
    if within < 0:
        raise CalendarError(_("'within' cannot be negative (got %(n)s).") % {"n": within})
    return 0 <= remaining_working_days(due, today) <= within
