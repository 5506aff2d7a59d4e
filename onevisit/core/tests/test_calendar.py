"""Acceptance tests for the working-day calendar (service-desk deadlines).

Every expected date below was counted by hand against the State Council notice for the
year; the comment under each lists the working days in order: (1) is the first working
day after acceptance, and so on. "W" marks a weekend day declared a working day (调休).
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from onevisit.core import calendar
from onevisit.core.calendar import (
    CalendarError,
    YearArrangement,
    add_working_days,
    due_date,
    has_open_suspension,
    is_due_soon,
    is_official_year,
    is_working_day,
    remaining_working_days,
    working_days_between,
)
from onevisit.core.errors import ValidationFailed


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


# --- what the calendar says, year by year -------------------------------------------


def test_national_day_2019():
    # The 2019 arrangement: 1–7 Oct off; Sun 29 Sep and Sat 12 Oct worked.
    assert is_working_day(date(2019, 9, 29))  # Sunday, worked
    assert is_working_day(date(2019, 10, 12))  # Saturday, worked
    assert not any(is_working_day(d) for d in days(date(2019, 10, 1), date(2019, 10, 7)))
    assert not is_working_day(date(2019, 9, 28))  # an ordinary Saturday
    assert is_working_day(date(2019, 10, 8))


def test_national_day_2024():
    # 1–7 Oct off; Sun 29 Sep and Sat 12 Oct worked (same pattern as 2019).
    assert is_working_day(date(2024, 9, 29))
    assert is_working_day(date(2024, 10, 12))
    assert not any(is_working_day(d) for d in days(date(2024, 10, 1), date(2024, 10, 7)))
    assert is_working_day(date(2024, 10, 8))


def test_national_day_and_mid_autumn_2025():
    # 1–8 Oct off (National Day + Mid-Autumn on Mon 6 Oct); Sun 28 Sep and Sat 11 Oct worked.
    assert is_working_day(date(2025, 9, 28))
    assert is_working_day(date(2025, 10, 11))
    assert not any(is_working_day(d) for d in days(date(2025, 10, 1), date(2025, 10, 8)))
    assert is_working_day(date(2025, 10, 9))


def test_spring_festival_2026():
    # 国务院办公厅关于2026年部分节假日安排的通知 (4 Nov 2025): 15–23 Feb off;
    # Sat 14 Feb and Sat 28 Feb worked. holidays 0.108 has it; no override needed.
    assert is_working_day(date(2026, 2, 14))
    assert is_working_day(date(2026, 2, 28))
    assert not any(is_working_day(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 24))


def test_half_day_holidays_do_not_stop_the_clock():
    # Women's Day (8 Mar) is a half day off for women only: a Friday in 2024, worked.
    assert is_working_day(date(2024, 3, 8))


def test_which_years_follow_a_notice():
    assert is_official_year(2019) and is_official_year(2026)
    # holidays 0.108 has no 2027 arrangement and OVERRIDES has none: estimated.
    assert not is_official_year(2027)


# --- add_working_days ---------------------------------------------------------------


def test_domain_example_national_day_2019():
    # Accepted Fri 27 Sep 2019, 5 working days:
    # Sat 28 off, Sun 29 W (1), Mon 30 (2), 1–7 Oct off, Tue 8 (3), Wed 9 (4), Thu 10 (5).
    assert add_working_days(date(2019, 9, 27), 5) == date(2019, 10, 10)


def test_saturday_working_day_counts_2019():
    # Continuing the count above: Fri 11 Oct (6), Sat 12 Oct W (7).
    assert add_working_days(date(2019, 9, 27), 7) == date(2019, 10, 12)


def test_national_day_2024_deadline():
    # Accepted Fri 27 Sep 2024, 5 working days:
    # Sun 29 W (1), Mon 30 (2), 1–7 Oct off, Tue 8 (3), Wed 9 (4), Thu 10 (5).
    assert add_working_days(date(2024, 9, 27), 5) == date(2024, 10, 10)
    # ... Fri 11 (6), Sat 12 W (7).
    assert add_working_days(date(2024, 9, 27), 7) == date(2024, 10, 12)


def test_national_day_2025_eight_day_holiday():
    # Accepted Fri 26 Sep 2025, 5 working days:
    # Sat 27 off, Sun 28 W (1), Mon 29 (2), Tue 30 (3), 1–8 Oct off, Thu 9 (4), Fri 10 (5).
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)
    # ... Sat 11 Oct W (6).
    assert add_working_days(date(2025, 9, 26), 6) == date(2025, 10, 11)


def test_spring_festival_2026_deadline():
    # Accepted Thu 12 Feb 2026, 3 working days:
    # Fri 13 (1), Sat 14 W (2), 15–23 Feb off, Tue 24 (3).
    assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)
    # ... Wed 25 (4), Thu 26 (5), Fri 27 (6), Sat 28 W (7).
    assert add_working_days(date(2026, 2, 12), 7) == date(2026, 2, 28)


def test_year_boundary_2024_to_2025():
    # Accepted Fri 27 Dec 2024, 5 working days: Sat 28, Sun 29 off, Mon 30 (1), Tue 31 (2),
    # Wed 1 Jan 2025 off (New Year), Thu 2 (3), Fri 3 (4), Sat 4, Sun 5 off, Mon 6 (5).
    assert add_working_days(date(2024, 12, 27), 5) == date(2025, 1, 6)


def test_year_boundary_2025_to_2026_with_sunday_working_day():
    # Accepted Wed 31 Dec 2025, 2 working days: 1–3 Jan 2026 off (New Year),
    # Sun 4 Jan W (1), Mon 5 Jan (2).
    assert add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)


def test_zero_days():
    # A working day: that day itself (on-the-spot item, 即办件).
    assert add_working_days(date(2019, 9, 27), 0) == date(2019, 9, 27)
    # A day off (National Day 2019): the next working day, Tue 8 Oct.
    assert add_working_days(date(2019, 10, 1), 0) == date(2019, 10, 8)
    # A Saturday before a Sunday working day: Sun 29 Sep 2019.
    assert add_working_days(date(2019, 9, 28), 0) == date(2019, 9, 29)


def test_negative_days_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2019, 9, 27), -1)


def test_long_limit_across_several_years():
    # From Sun 31 Dec 2023, the last working day of 2024 (Tue 31 Dec) is reached after
    # exactly as many working days as 2024 has; one more is Thu 2 Jan 2025 (1 Jan off).
    in_2024 = working_days_between(date(2023, 12, 31), date(2024, 12, 31))
    assert add_working_days(date(2023, 12, 31), in_2024) == date(2024, 12, 31)
    assert add_working_days(date(2023, 12, 31), in_2024 + 1) == date(2025, 1, 2)


# --- working_days_between -----------------------------------------------------------


def test_working_days_between_domain_example():
    # (Fri 27 Sep, Thu 10 Oct 2019]: 29 Sep, 30 Sep, 8, 9, 10 Oct.
    assert working_days_between(date(2019, 9, 27), date(2019, 10, 10)) == 5
    # (30 Sep, 7 Oct]: the holiday only.
    assert working_days_between(date(2019, 9, 30), date(2019, 10, 7)) == 0
    assert working_days_between(date(2019, 10, 10), date(2019, 9, 27)) == 0
    assert working_days_between(date(2019, 10, 10), date(2019, 10, 10)) == 0


def test_working_days_between_across_years():
    # (Fri 27 Dec 2024, Mon 6 Jan 2025]: 30, 31 Dec, 2, 3, 6 Jan.
    assert working_days_between(date(2024, 12, 27), date(2025, 1, 6)) == 5


@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 6, 30)),
    n=st.integers(min_value=1, max_value=400),
)
def test_add_and_between_agree(start, n):
    due = add_working_days(start, n)
    assert is_working_day(due)
    assert working_days_between(start, due) == n
    assert working_days_between(start, due - timedelta(days=1)) == n - 1


@given(day=st.dates(min_value=date(2001, 1, 1), max_value=date(2027, 12, 31)))
def test_is_working_day_agrees_with_the_library(day):
    cn = holidays.China(years=range(day.year - 1, day.year + 2))
    assert is_working_day(day) == cn.is_working_day(day)


# --- due_date -----------------------------------------------------------------------


def test_due_date_without_suspension_is_add_working_days():
    assert due_date(date(2019, 9, 27), 5) == date(2019, 10, 10)


def test_two_suspension_periods_move_the_due_date():
    # Accepted Mon 4 Mar 2024, 10 working days. Without suspension:
    # 5 (1), 6, 7, 8, 11, 12, 13, 14, 15, Mon 18 Mar (10).
    assert due_date(date(2024, 3, 4), 10) == date(2024, 3, 18)
    # Stopped [6, 8) and [12, 14): 6, 7, 12, 13 do not count.
    # 5 (1), 8 (2), 11 (3), 14 (4), 15 (5), 18 (6), 19 (7), 20 (8), 21 (9), Fri 22 (10).
    log = [(date(2024, 3, 6), date(2024, 3, 8)), (date(2024, 3, 12), date(2024, 3, 14))]
    assert due_date(date(2024, 3, 4), 10, suspensions=log) == date(2024, 3, 22)
    # Order of the log does not matter; an overlapping duplicate counts once.
    assert due_date(date(2024, 3, 4), 10, suspensions=log[::-1] + log[:1]) == date(2024, 3, 22)


def test_suspension_over_a_holiday_only_moves_by_its_working_days():
    # Accepted Fri 27 Sep 2019, 5 working days, stopped [30 Sep, 9 Oct):
    # 30 Sep, 8 Oct are the working days stopped (1–7 Oct were off anyway).
    # Sun 29 W (1), Wed 9 (2), Thu 10 (3), Fri 11 (4), Sat 12 W (5).
    log = [(date(2019, 9, 30), date(2019, 10, 9))]
    assert due_date(date(2019, 9, 27), 5, suspensions=log) == date(2019, 10, 12)


def test_open_suspension_counts_up_to_today_and_is_provisional():
    # Accepted Mon 4 Mar 2024, 10 working days; suspended since Mon 11 Mar, still open
    # on Wed 13 Mar: 11, 12, 13 stopped, clock assumed to resume Thu 14.
    # 5, 6, 7, 8 (4), 14 (5), 15 (6), 18 (7), 19 (8), 20 (9), Thu 21 (10).
    log = [(date(2024, 3, 11), None)]
    assert due_date(date(2024, 3, 4), 10, suspensions=log, today=date(2024, 3, 13)) == date(
        2024, 3, 21
    )
    assert has_open_suspension(log)
    # A day later the provisional due date moves a working day later: Fri 22.
    assert due_date(date(2024, 3, 4), 10, suspensions=log, today=date(2024, 3, 14)) == date(
        2024, 3, 22
    )
    with pytest.raises(ValueError, match="today"):
        due_date(date(2024, 3, 4), 10, suspensions=log)


def test_suspension_after_the_limit_ran_out_moves_nothing():
    log = [(date(2024, 3, 19), date(2024, 3, 25))]
    assert due_date(date(2024, 3, 4), 10, suspensions=log) == date(2024, 3, 18)


def test_suspension_starting_on_the_due_day_stops_it():
    # Stopped [Mon 18, Tue 19): 18 does not count; Tue 19 becomes the 10th working day.
    log = [(date(2024, 3, 18), date(2024, 3, 19))]
    assert due_date(date(2024, 3, 4), 10, suspensions=log) == date(2024, 3, 19)


def test_suspension_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        due_date(date(2024, 3, 4), 10, suspensions=[(date(2024, 3, 8), date(2024, 3, 6))])


def test_extension_up_to_the_legal_limit():
    # Accepted Mon 4 Mar 2024, 20 + 10 = 30 working days (legal limit 30):
    # Mar 5–8 (4), 11–15 (9), 18–22 (14), 25–29 (19), Apr 1–3 (22), Qingming 4–6 Apr off,
    # Sun 7 Apr W (23), 8–12 Apr (28), Mon 15 (29), Tue 16 Apr (30).
    assert due_date(date(2024, 3, 4), 20, extension=10, legal_limit=30) == date(2024, 4, 16)


def test_extension_beyond_the_legal_limit_refused():
    with pytest.raises(CalendarError) as exc:
        due_date(date(2024, 3, 4), 20, extension=11, legal_limit=30)
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, ValidationFailed)
    assert "legal limit of 30" in str(exc.value)
    assert "at most 10" in str(exc.value)


def test_negative_limit_or_extension_refused():
    with pytest.raises(ValueError):
        due_date(date(2024, 3, 4), -1)
    with pytest.raises(ValueError):
        due_date(date(2024, 3, 4), 5, extension=-1)


def test_zero_limit_due_on_acceptance():
    assert due_date(date(2024, 3, 4), 0) == date(2024, 3, 4)


# --- remaining days -----------------------------------------------------------------


def test_remaining_working_days():
    due = date(2019, 10, 10)
    # (30 Sep, 10 Oct]: 8, 9, 10 Oct.
    assert remaining_working_days(due, date(2019, 9, 30)) == 3
    assert remaining_working_days(due, date(2019, 10, 10)) == 0
    assert remaining_working_days(due, date(2019, 10, 11)) == -1
    # (10 Oct, Sat 12 Oct]: 11, 12 (W).
    assert remaining_working_days(due, date(2019, 10, 12)) == -2
    assert remaining_working_days(due, date(2019, 10, 13)) == -2


def test_overdue_on_the_weekend_after_a_friday_deadline():
    assert remaining_working_days(date(2024, 3, 8), date(2024, 3, 9)) == -1


def test_is_due_soon():
    due = date(2019, 10, 10)
    assert is_due_soon(due, date(2019, 9, 30))  # 3 left, across the holiday
    assert not is_due_soon(due, date(2019, 9, 27))  # 5 left
    assert is_due_soon(due, date(2019, 10, 10))  # due today
    assert not is_due_soon(due, date(2019, 10, 11))  # overdue: not "soon" any more
    assert is_due_soon(due, date(2019, 9, 27), within=5)


# --- published arrangements --------------------------------------------------------


@pytest.fixture
def published(monkeypatch):
    """Publish arrangements to the calendar through its loader, as the database would."""

    def publish(mapping):
        monkeypatch.setattr(calendar, "_published", {**calendar._published, "at": None})
        calendar.set_loader(lambda: mapping)

    yield publish
    monkeypatch.undo()
    calendar.forget_published()
    calendar.clear_cache()


def test_a_published_arrangement_rules_its_year(published):
    fake = YearArrangement(
        source="test fixture, not a notice",
        days_off=frozenset({date(2027, 10, 1), date(2027, 10, 4)}),
        weekend_working_days=frozenset({date(2027, 10, 9)}),
    )
    assert not is_official_year(2027)
    assert not is_working_day(date(2027, 10, 5))  # estimated: 补假 after the weekend
    published({2027: fake})
    assert is_official_year(2027)
    assert not is_working_day(date(2027, 10, 4))
    assert is_working_day(date(2027, 10, 5))  # the arrangement does not give it off
    assert is_working_day(date(2027, 10, 9))  # a Saturday, declared worked
    # A published arrangement wins over the library's for its year (an amended notice).
    published({2019: fake})
    assert is_working_day(date(2019, 9, 30)) and not is_working_day(date(2019, 9, 29))


def test_the_next_years_notice_rules_the_december_days_it_names(published):
    # As the 2019 notice gave 30-31 December 2018 off and had Saturday 29 December worked.
    nxt = YearArrangement(
        source="fixture",
        days_off=frozenset({date(2027, 12, 31), date(2028, 1, 3)}),
        weekend_working_days=frozenset({date(2027, 12, 25)}),
    )
    assert is_working_day(date(2027, 12, 31)) and not is_working_day(date(2027, 12, 25))
    published({2028: nxt})
    assert not is_working_day(date(2027, 12, 31))
    assert is_working_day(date(2027, 12, 25))
    assert not is_working_day(date(2028, 1, 3))


def test_a_published_year_keeps_the_december_days_of_the_next_notice(published):
    # The library's 2019 notice gave Mon 31 Dec 2018 off and had Sat 29 Dec 2018 worked.
    assert not is_working_day(date(2018, 12, 31)) and is_working_day(date(2018, 12, 29))
    off, worked = calendar.exceptions(2018)
    own = YearArrangement(
        "the 2018 notice, as published",
        frozenset(d for d in off if d.month < 12),
        frozenset(d for d in worked if d.month < 12),
    )
    published({2018: own})
    assert calendar.exceptions(2018) == (off, worked)  # nothing lost
    # A published 2019 notice rules December 2018 instead of the library's: here it names
    # only Mon 31 Dec off, and nothing worked.
    nxt = YearArrangement("an amended 2019 notice", frozenset({date(2018, 12, 31)}), frozenset())
    published({2018: own, 2019: nxt})
    assert not is_working_day(date(2018, 12, 31))
    assert not is_working_day(date(2018, 12, 29))  # a Saturday again
    published({2019: nxt})  # the same over the library's own 2018
    assert not is_working_day(date(2018, 12, 31)) and not is_working_day(date(2018, 12, 29))


def test_the_same_revision_with_other_days_is_built_again(published):
    # After a database restore, a revision number may come back with other days.
    published({2027: YearArrangement("a", frozenset({date(2027, 3, 1)}), frozenset())})
    assert not is_working_day(date(2027, 3, 1))
    published({2027: YearArrangement("a", frozenset({date(2027, 3, 2)}), frozenset())})
    assert is_working_day(date(2027, 3, 1)) and not is_working_day(date(2027, 3, 2))


def test_a_new_revision_rebuilds_the_year_and_a_failed_read_keeps_the_last(published):
    first = YearArrangement("r1", frozenset({date(2027, 3, 1)}), frozenset(), revision=1)
    second = YearArrangement("r2", frozenset({date(2027, 3, 2)}), frozenset(), revision=2)
    published({2027: first})
    assert not is_working_day(date(2027, 3, 1))
    published({2027: second})
    assert is_working_day(date(2027, 3, 1)) and not is_working_day(date(2027, 3, 2))

    def fails():
        raise RuntimeError("database away")

    calendar.set_loader(fails)
    assert not is_working_day(date(2027, 3, 2))  # the last arrangements read are kept


def test_the_arrangements_are_read_at_most_once_a_second(published, monkeypatch):
    reads = []
    fake = YearArrangement("fixture", frozenset({date(2027, 3, 1)}), frozenset())
    published({})
    calendar.set_loader(lambda: reads.append(1) or {2027: fake})
    clock = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock[0])
    for _ in range(50):
        assert not is_working_day(date(2027, 3, 1))
    assert len(reads) == 1
    clock[0] += calendar.PUBLISHED_TTL
    is_working_day(date(2027, 3, 1))
    assert len(reads) == 2


def test_statutory_holidays_have_no_days_in_exchange():
    assert sorted(calendar.statutory_holidays(2019)) == [
        date(2019, 1, 1),
        *days(date(2019, 2, 5), date(2019, 2, 7)),
        date(2019, 4, 5),
        date(2019, 5, 1),
        date(2019, 6, 7),
        date(2019, 9, 13),
        *days(date(2019, 10, 1), date(2019, 10, 3)),
    ]
    # From 2025: New Year's Eve of the lunar year and 2 May are statutory too.
    assert sorted(calendar.statutory_holidays(2027)) == [
        date(2027, 1, 1),
        *days(date(2027, 2, 5), date(2027, 2, 8)),
        date(2027, 4, 5),
        date(2027, 5, 1),
        date(2027, 5, 2),
        date(2027, 6, 9),
        date(2027, 9, 15),
        *days(date(2027, 10, 1), date(2027, 10, 3)),
    ]


def test_exceptions_and_ranges_of_2019():
    off, worked = calendar.exceptions(2019)
    assert calendar.as_ranges(off) == [
        "2019-01-01",
        "2019-02-04..2019-02-08",
        "2019-04-05",
        "2019-05-01..2019-05-03",
        "2019-06-07",
        "2019-09-13",
        "2019-10-01..2019-10-04",
        "2019-10-07",
    ]
    assert calendar.as_ranges(worked) == [
        "2019-02-02..2019-02-03",
        "2019-04-28",
        "2019-05-05",
        "2019-09-29",
        "2019-10-12",
    ]
    assert calendar.as_ranges([]) == []


# --- speed --------------------------------------------------------------------------


def test_ten_thousand_due_dates_are_cheap(monkeypatch):
    built = []
    real_china = holidays.China

    def counting_china(*args, **kwargs):
        built.append(kwargs.get("years"))
        return real_china(*args, **kwargs)

    calendar.clear_cache()
    monkeypatch.setattr(holidays, "China", counting_china)
    started = time.perf_counter()
    base = date(2019, 1, 2)
    for i in range(10_000):
        accepted = base + timedelta(days=i % 2500)  # 2019 … 2025
        log = [
            (accepted + timedelta(days=3), accepted + timedelta(days=6)),
            (accepted + timedelta(days=10), None),
        ]
        due_date(accepted, 20, log, extension=5, legal_limit=30, today=accepted + timedelta(12))
    elapsed = time.perf_counter() - started
    # One holidays.China per calendar year touched, never one per call.
    assert len(built) <= 8
    assert elapsed < 10  # generous: about 0.1 s on a laptop
    calendar.clear_cache()


def test_a_due_date_is_provisional_until_its_years_arrangement_is_known(published):
    provisional = calendar.is_provisional
    assert not provisional(date(2026, 5, 6))
    assert provisional(date(2026, 12, 31))  # the 2027 notice may name days of December 2026
    assert provisional(date(2027, 3, 1))
    assert not provisional(None) and not provisional("2027-03-01")
    fake = YearArrangement("fixture", frozenset({date(2027, 1, 1)}), frozenset())
    published({2027: fake})
    assert not provisional(date(2026, 12, 31)) and not provisional(date(2027, 3, 1))
    assert provisional(date(2027, 12, 6))  # 2028 is not known yet
