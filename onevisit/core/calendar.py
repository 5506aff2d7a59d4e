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

Published arrangements (节假日安排)
    Each November the General Office of the State Council publishes the next year's
    arrangement; a system administrator publishes it in onevisit as data
    (``core.HolidayArrangement``, through ``core.services.holiday_arrangement_publish``),
    with no software upgrade. A published arrangement wins over the library for its year
    (an amended notice, as in 2020, replaces the library's). The calendar reads the
    published arrangements through a loader (set by the core app: one small query) at
    most once a second per process (:data:`PUBLISHED_TTL`); the publishing process
    forgets them at once. Without a library or published arrangement a year is
    *estimated* from the statutory holidays alone (:func:`is_official_year` tells which).

Speed
    Each year is turned once into a sorted tuple of the ordinals of its working days
    (kept per process until the arrangements change); every function then works with
    ``bisect`` on those tuples, so no ``holidays`` object is built per call and a due date
    costs a few binary searches whatever the limit.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import holidays
from django.utils.translation import gettext as _
from holidays.constants import PUBLIC
from holidays.countries.china import ChinaStaticHolidays

from .errors import ValidationFailed

__all__ = [
    "PUBLISHED_TTL",
    "CalendarError",
    "YearArrangement",
    "add_working_days",
    "as_ranges",
    "clear_cache",
    "due_date",
    "exceptions",
    "forget_published",
    "has_open_suspension",
    "is_due_soon",
    "is_official_year",
    "is_provisional",
    "is_working_day",
    "published_years",
    "remaining_working_days",
    "set_loader",
    "reset",
    "statutory_holidays",
    "using",
    "working_days_between",
]

log = logging.getLogger(__name__)


class CalendarError(ValidationFailed, ValueError):
    """A deadline that cannot be computed from what was given (400, and a ValueError)."""

    code = "invalid_deadline"


@dataclass(frozen=True)
class YearArrangement:
    """The State Council's arrangement for one year, as published (节假日安排).

    ``days_off``: every date given off (statutory holidays and the weekdays given off in
    exchange, 调休); weekends need not be listed. ``weekend_working_days``: the Saturdays
    and Sundays declared working days (上班). A notice may name days of the December
    before its year (the 2019 notice gave 30–31 December 2018 off and had Saturday 29
    December 2018 worked); they count in that year. ``source``: the notice, by title and
    document number (e.g. 国办发明电〔2025〕NN号), so it can be checked. ``revision``
    moves at every publication of the year.
    """

    source: str
    days_off: frozenset[date]
    weekend_working_days: frozenset[date]
    revision: int = 1


#: Years whose arrangement the ``holidays`` library carries (2001–2026 in 0.108).
_LIBRARY_YEARS = frozenset(ChinaStaticHolidays.special_public_holidays)

#: How long a process trusts the published arrangements it read last (seconds).
PUBLISHED_TTL = 1.0
Loader = Callable[[], Mapping[int, YearArrangement]]
_published: dict = {"snapshot": ((), {}), "at": None, "loader": None}
_published_lock = threading.Lock()


_local = threading.local()


@contextmanager
def using(arrangements: Mapping[int, YearArrangement]):
    """Compute with these arrangements in this thread only, reading and changing nothing the
    other threads use: a publication recomputes its deadlines under the arrangements of its
    own, uncommitted transaction while the others go on with the committed ones."""
    previous = getattr(_local, "override", None)
    years = dict(arrangements)
    _local.override = ((tuple(sorted(years.items())), years), {})
    try:
        yield
    finally:
        _local.override = previous


def set_loader(loader: Loader | None) -> None:
    """Where the published arrangements come from (the core app sets a database read)."""
    with _published_lock:
        _published["loader"] = loader
        _published["at"] = None


def forget_published() -> None:
    """Read the published arrangements afresh at the next use (after a publication)."""
    _published["at"] = None


def reset() -> None:
    """Forget every arrangement read and every year built (between tests: a read that then
    fails would otherwise keep what a rolled-back test published)."""
    with _published_lock:
        _published.update(snapshot=((), {}), at=None)
        _years.clear()


def _arrangements() -> Mapping[int, YearArrangement]:
    return _snapshot()[1]


def _snapshot() -> tuple[tuple, Mapping[int, YearArrangement]]:
    """(key, arrangements): the published arrangements, read at most once per
    :data:`PUBLISHED_TTL`, with a key that changes with their content. One object, read
    once, so that a year is never built from one reading and kept under another's key.
    When the read fails (the database is away), the last ones read stay in use."""
    override = getattr(_local, "override", None)
    if override is not None:
        return override[0]
    now = time.monotonic()
    at = _published["at"]
    if at is not None and now - at < PUBLISHED_TTL:
        return _published["snapshot"]
    with _published_lock:
        loader = _published["loader"]
        snapshot = _published["snapshot"]
        if loader is not None:
            try:
                years = dict(loader())
            except Exception as exc:  # noqa: BLE001 - keep computing deadlines
                log.warning("holiday arrangements not read, the last ones kept: %s", exc)
            else:
                key = tuple(sorted(years.items()))  # the arrangements' content
                if key != snapshot[0]:
                    snapshot = (key, years)
        _published["snapshot"] = snapshot
        _published["at"] = now
        return snapshot


def published_years() -> Mapping[int, YearArrangement]:
    """The arrangements published in onevisit, by year."""
    return _arrangements()


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays of ``year`` (法定节假日, by the national holiday rules in force
    that year), without any 调休: what every arrangement of the year must give off."""
    cn = holidays.China(years=year, categories=(PUBLIC,), observed=False)
    return {d: name for d, name in cn.items() if d.year == year and not name.startswith("休息日")}


class _Year(NamedTuple):
    working: tuple[int, ...]  # ordinals of the working days of the year, ascending
    working_set: frozenset[int]


def is_official_year(year: int) -> bool:
    """True when the calendar for ``year`` follows a State Council arrangement.

    That is, when the library carries that year's arrangement or one was published.
    Otherwise the year is estimated from the statutory holidays alone (no 调休 days), and
    deadlines that reach into it are provisional.
    """
    return year in _LIBRARY_YEARS or year in _arrangements()


def _year(year: int) -> _Year:
    override = getattr(_local, "override", None)
    kept_years = override[1] if override is not None else _years
    key, published = _snapshot()
    kept = kept_years.get(year)
    if kept is None or kept[0] != key:
        built = _build_year(year, published.get(year), published.get(year + 1))
        kept = kept_years[year] = (key, built)
    return kept[1]


#: Each year turned once into its working days, with the arrangements' key it was built
#: under (a year built under other arrangements is built again).
_years: dict[int, tuple[tuple, _Year]] = {}


def _library_year(year: int) -> tuple[set[date], set[date], set[date], set[date]]:
    """The library's days of ``year``: (days off, weekend days worked) of its own notice,
    and (days off, weekend days worked) of its December. December has no statutory holiday,
    so whatever the library marks there comes from the next year's notice (New Year)."""
    # Neighbouring years too: the library records a notice's days of the December before
    # (e.g. Sat 29 Dec 2001 worked for New Year 2002) only when it builds the notice's year.
    cn = holidays.China(years=range(max(year - 1, 1), year + 2), categories=(PUBLIC,))
    off = {d for d in cn if d.year == year}
    worked = {d for d in cn.weekend_workdays if d.year == year}
    december_off = {d for d in off if d.month == 12}
    december_worked = {d for d in worked if d.month == 12}
    return off - december_off, worked - december_worked, december_off, december_worked


def _build_year(year: int, own: YearArrangement | None, following: YearArrangement | None):
    """The working days of ``year``: its own notice (published, else the library's), then
    the days of its December that the next year's notice names (published, else the
    library's), which win."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    library = _library_year(year) if own is None or following is None else None
    if own is not None:
        days_off = {d for d in own.days_off if d.year == year}
        weekend_working = {d for d in own.weekend_working_days if d.year == year}
    else:
        days_off, weekend_working = set(library[0]), set(library[1])
    if following is not None:
        off = {d for d in following.days_off if d.year == year}
        worked = {d for d in following.weekend_working_days if d.year == year}
    else:
        off, worked = library[2], library[3]
    days_off = (days_off - worked) | off
    weekend_working = (weekend_working - off) | worked
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
    """Forget the computed years (they are rebuilt from the arrangements at the next use)."""
    _years.clear()


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


def is_provisional(day: date | None) -> bool:
    """True for a due date that may still move with a holiday arrangement not published yet:
    in a year without one (counted from the statutory holidays alone), or in a December
    whose next year has none (a notice may name days of the December before it)."""
    if not isinstance(day, date):
        return False
    return not is_official_year(day.year) or (
        day.month == 12 and not is_official_year(day.year + 1)
    )


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


def exceptions(year: int) -> tuple[list[date], list[date]]:
    """The weekdays given off and the weekend days worked in ``year``, as the calendar now
    has them."""
    working = _year(year).working_set
    off, worked = [], []
    day = date(year, 1, 1)
    while day.year == year:
        is_working = day.toordinal() in working
        if day.weekday() < 5 and not is_working:
            off.append(day)
        elif day.weekday() >= 5 and is_working:
            worked.append(day)
        day += timedelta(days=1)
    return off, worked


def as_ranges(days: Sequence[date]) -> list[str]:
    """Sorted days written compactly: consecutive ones as ``first..last``."""
    out: list[str] = []
    start = prev = None
    for day in sorted(days):
        if prev is not None and day == prev + timedelta(days=1):
            prev = day
            continue
        if start is not None:
            out.append(start.isoformat() if start == prev else f"{start}..{prev}")
        start = prev = day
    if start is not None:
        out.append(start.isoformat() if start == prev else f"{start}..{prev}")
    return out
