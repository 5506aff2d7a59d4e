"""Holiday arrangements as data (节假日安排): reading a notice's days, checking them, loading
the published ones into the working-day calendar, and telling the apps whose deadlines
depend on them.

A notice lists its days as ranges ("10月1日至7日放假调休"); an administrator types them the
same way, one date or range per line or separated by commas::

    2027-10-01..2027-10-07
    2027-02-05 至 2027-02-11, 2027-01-01

The apps with working-day deadlines register a hook from their AppConfig.ready(); the
publishing service calls every hook inside its transaction, with the year published:

    @register_deadline_hook("cases")
    def recompute(*, actor, year, source, today) -> int: ...   # deadlines moved
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext

from django.db import connection, transaction
from django.utils.translation import gettext as _

from . import calendar
from .errors import ValidationFailed

#: Separators between the entries of a list of days.
_SPLIT = re.compile(r"[\n,;，、；]+")
#: Between the two ends of a range.
_RANGE = re.compile(r"\s*(?:\.\.|~|～|至|到|—|\bto\b)\s*")
#: The longest range accepted in one entry (the longest holiday block is 8 days).
MAX_RANGE_DAYS = 31


def parse_days(text: str | Iterable[str], *, what: str) -> list[datetime.date]:
    """The dates written in `text` (ISO dates and ranges of them, both ends included),
    sorted and each once; `what` names the list in the error."""
    entries = _SPLIT.split(text) if isinstance(text, str) else [str(e) for e in text]
    days: set[datetime.date] = set()
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        ends = _RANGE.split(entry)
        if len(ends) > 2:
            raise ValidationFailed(
                _("%(what)s: “%(entry)s” is not a date or a range of two dates.")
                % {"what": what, "entry": entry},
                code="invalid_days",
            )
        first, last = (_date(e, entry, what) for e in (ends[0], ends[-1]))
        if last < first:
            raise ValidationFailed(
                _("%(what)s: the range “%(entry)s” ends before it starts.")
                % {"what": what, "entry": entry},
                code="invalid_days",
            )
        if (last - first).days >= MAX_RANGE_DAYS:
            raise ValidationFailed(
                _("%(what)s: the range “%(entry)s” is longer than %(n)s days.")
                % {"what": what, "entry": entry, "n": MAX_RANGE_DAYS},
                code="invalid_days",
            )
        days.update(first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(days)


def _date(text: str, entry: str, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            _("%(what)s: “%(entry)s” is not a date written as YYYY-MM-DD.")
            % {"what": what, "entry": entry},
            code="invalid_days",
        ) from None


def check(
    year: int, days_off: list[datetime.date], weekend_working_days: list[datetime.date]
) -> None:
    """Refuse an arrangement that cannot be the year's notice: a day outside the year (or
    the December before it), a "weekend day worked" that is a weekday, a day both off and
    worked, or a statutory holiday neither given off nor on a weekend."""
    first, last = datetime.date(year - 1, 12, 1), datetime.date(year, 12, 31)
    for day in [*days_off, *weekend_working_days]:
        if not first <= day <= last:
            raise ValidationFailed(
                _(
                    "%(day)s is outside the arrangement for %(year)s (from 1 December of the "
                    "year before to 31 December)."
                )
                % {"day": day.isoformat(), "year": year},
                code="day_outside_year",
            )
    for day in weekend_working_days:
        if day.weekday() < 5:
            raise ValidationFailed(
                _("%(day)s is a weekday: only a Saturday or a Sunday can be declared worked.")
                % {"day": day.isoformat()},
                code="weekday_declared_worked",
            )
    both = sorted(set(days_off) & set(weekend_working_days))
    if both:
        raise ValidationFailed(
            _("%(day)s is both given off and worked.") % {"day": both[0].isoformat()},
            code="day_off_and_worked",
        )
    off = set(days_off)
    for day, name in sorted(calendar.statutory_holidays(year).items()):
        if day not in off and day.weekday() < 5:
            raise ValidationFailed(
                _("%(day)s (%(name)s) is a statutory holiday: the arrangement must give it off.")
                % {"day": day.isoformat(), "name": name},
                code="statutory_holiday_missing",
            )


# --- the calendar's loader ----------------------------------------------------------------
def load_published() -> dict[int, calendar.YearArrangement]:
    """Every published arrangement (one small query: a row per year). Inside a transaction
    it reads in a savepoint: a failed read (the table not migrated yet) must not abort the
    caller's transaction on PostgreSQL."""
    from .models import HolidayArrangement

    fields = ("year", "source", "days_off", "weekend_working_days", "revision")
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        rows = list(HolidayArrangement.objects.values_list(*fields))
    return {
        year: calendar.YearArrangement(
            source=source,
            days_off=frozenset(map(datetime.date.fromisoformat, days_off)),
            weekend_working_days=frozenset(map(datetime.date.fromisoformat, worked)),
            revision=revision,
        )
        for year, source, days_off, worked, revision in rows
    }


# --- hooks of the apps with working-day deadlines -------------------------------------
DeadlineHook = Callable[..., int]
_hooks: dict[str, DeadlineHook] = {}


def register_deadline_hook(name: str) -> Callable[[DeadlineHook], DeadlineHook]:
    """Decorator: recompute the app's open deadlines when an arrangement is published."""

    def decorator(func: DeadlineHook) -> DeadlineHook:
        _hooks[name] = func
        return func

    return decorator


def arrangement_published(*, actor, year: int, source: str, today) -> Mapping[str, int]:
    """Run every hook; how many deadlines each app moved."""
    return {
        name: hook(actor=actor, year=year, source=source, today=today)
        for name, hook in _hooks.items()
    }
