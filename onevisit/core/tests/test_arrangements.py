"""Reading and checking a holiday arrangement (节假日安排) before it is published:
`arrangements.parse_days` (the dates and ranges an administrator types, as a notice writes
them) and `arrangements.check` (what cannot be a year's notice). Pure: no database.

The "real arrangement" is the State Council's notice for 2026 as the ``holidays`` library
carries it (国办发明电〔2025〕7号 in holidays 0.108): it must pass the check as it stands.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from holidays.constants import PUBLIC

from onevisit.core import arrangements, calendar
from onevisit.core.arrangements import check, parse_days
from onevisit.core.errors import ValidationFailed


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def refused(text, *, code: str = "invalid_days", what: str = "Days off") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse_days(text, what=what)
    assert caught.value.code == code
    assert caught.value.status == 400
    return caught.value


# --- parse_days: what is read ----------------------------------------------------------
def test_single_dates_and_an_empty_text():
    assert parse_days("2027-01-01", what="Days off") == [date(2027, 1, 1)]
    assert parse_days("  2027-04-05  ", what="Days off") == [date(2027, 4, 5)]
    assert parse_days("", what="Days off") == []
    assert parse_days(" \n , \n", what="Days off") == []


@pytest.mark.parametrize(
    "text",
    [
        "2027-10-01..2027-10-07",
        "2027-10-01 .. 2027-10-07",
        "2027-10-01 至 2027-10-07",
        "2027-10-01至2027-10-07",
        "2027-10-01~2027-10-07",
        "2027-10-01 ～ 2027-10-07",  # the full-width tilde of a Chinese keyboard
        "2027-10-01到2027-10-07",
        "2027-10-01 to 2027-10-07",
    ],
)
def test_a_range_includes_both_ends(text):
    assert parse_days(text, what="Days off") == days(date(2027, 10, 1), date(2027, 10, 7))


def test_a_range_of_one_day_is_that_day():
    assert parse_days("2027-06-09..2027-06-09", what="Days off") == [date(2027, 6, 9)]


@pytest.mark.parametrize(
    "text",
    [
        "2027-10-01..2027-10-03, 2027-01-01,2027-06-09",
        "2027-10-01..2027-10-03，2027-01-01，2027-06-09",  # Chinese commas
        "2027-10-01..2027-10-03、2027-01-01；2027-06-09",  # 顿号 and a Chinese semicolon
        "2027-10-01..2027-10-03\n2027-01-01\r\n2027-06-09\n\n",  # one per line
        "2027-10-01..2027-10-03; 2027-01-01\n, 2027-06-09",
    ],
)
def test_entries_are_separated_by_commas_semicolons_and_newlines(text):
    assert parse_days(text, what="Days off") == [
        date(2027, 1, 1),
        date(2027, 6, 9),
        date(2027, 10, 1),
        date(2027, 10, 2),
        date(2027, 10, 3),
    ]


def test_the_days_come_back_sorted_and_each_once():
    text = "2027-10-05, 2027-10-01..2027-10-07\n2027-10-03, 2027-01-01, 2027-10-06..2027-10-08"
    assert parse_days(text, what="Days off") == [
        date(2027, 1, 1),
        *days(date(2027, 10, 1), date(2027, 10, 8)),
    ]


def test_a_list_is_read_entry_by_entry():
    # The JSON file of the management command gives lists.
    entries = ["2027-10-01..2027-10-03", " 2027-01-01 ", "", "2027-01-01"]
    assert parse_days(entries, what="Days off") == [
        date(2027, 1, 1),
        *days(date(2027, 10, 1), date(2027, 10, 3)),
    ]
    assert parse_days([], what="Days off") == []


def test_what_calendar_as_ranges_writes_is_read_back():
    # The page prefills the form with `calendar.as_ranges`: it must read back unchanged.
    cn = holidays.China(years=2026, categories=(PUBLIC,))
    off = sorted(d for d in cn if d.year == 2026)
    assert parse_days("\n".join(calendar.as_ranges(off)), what="Days off") == off


# --- parse_days: what is refused ---------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "tomorrow",
        "2027-13-01",
        "2027-02-30",
        "1 October 2027",
        "2027/10/01",
        "2027-10-01..",
        "..2027-10-07",
        "2027-10-01..soon",
        "2027-01-01, National Day",
    ],
)
def test_garbage_is_refused_naming_the_entry(text):
    error = refused(text, what="Weekend days worked")
    assert error.message.startswith("Weekend days worked: ")
    assert "YYYY-MM-DD" in error.message


def test_a_reversed_range_is_refused():
    error = refused("2027-01-01, 2027-10-07..2027-10-01")
    assert error.message == "Days off: the range “2027-10-07..2027-10-01” ends before it starts."


def test_a_range_longer_than_a_month_is_refused():
    # 31 days is the most one entry may span (both ends included).
    assert len(parse_days("2027-01-01..2027-01-31", what="Days off")) == 31
    error = refused("2027-01-01..2027-02-01")
    assert "longer than 31 days" in error.message
    assert "2027-01-01..2027-02-01" in error.message
    refused("2027-01-01..2027-12-31")


@pytest.mark.parametrize(
    "text",
    [
        "2027-01-01..2027-01-02..2027-01-03",
        "2027-01-01 至 2027-01-02 至 2027-01-03",
        "2027-01-01~2027-01-02..2027-01-03",
    ],
)
def test_a_range_of_three_parts_is_refused(text):
    error = refused(text)
    assert "is not a date or a range of two dates" in error.message


def test_one_bad_entry_refuses_the_whole_text():
    with pytest.raises(ValidationFailed) as caught:
        parse_days("2027-01-01\n2027-10-01..2027-10-07\n2027-1O-08", what="Days off")
    assert caught.value.code == "invalid_days"
    assert "2027-1O-08" in caught.value.message


# --- check ------------------------------------------------------------------------------
def library_arrangement(year: int) -> tuple[list[date], list[date]]:
    """The State Council's arrangement for `year` as the holidays library has it: every day
    given off (statutory holidays and days off in exchange) and the weekend days worked."""
    cn = holidays.China(years=year, categories=(PUBLIC,))
    off = sorted(d for d in cn if d.year == year)
    # The library's `weekend_workdays` also lists the odd December day of other years.
    worked = sorted(d for d in cn.weekend_workdays if d.year == year)
    return off, worked


def test_the_2026_notice_passes():
    off, worked = library_arrangement(2026)
    # What the 2026 notice says (国办发明电〔2025〕7号), so the fixture is what it claims:
    # Spring Festival: 15-23 February off (the weekdays 16-20 and 23 listed).
    assert [d for d in off if d.month == 2] == [
        *days(date(2026, 2, 16), date(2026, 2, 20)),
        date(2026, 2, 23),
    ]
    assert worked == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert check(2026, off, worked) is None
    # Entered as an administrator would type it, too.
    typed_off = parse_days("\n".join(calendar.as_ranges(off)), what="Days off")
    typed_worked = parse_days("，".join(calendar.as_ranges(worked)), what="Weekend days worked")
    assert check(2026, typed_off, typed_worked) is None


def check_refused(year, off, worked, code: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check(year, off, worked)
    assert caught.value.code == code
    return caught.value


def test_days_from_the_december_before_are_accepted_and_nothing_earlier():
    off, worked = library_arrangement(2026)
    # As the 2019 notice gave 30-31 December 2018 off and had Saturday 29 December worked.
    assert check(2026, [date(2025, 12, 1), *off], worked) is None
    assert check(2026, [date(2025, 12, 31), *off], [date(2025, 12, 27), *worked]) is None
    error = check_refused(2026, [date(2025, 11, 30), *off], worked, "day_outside_year")
    assert "2025-11-30" in error.message and "2026" in error.message
    check_refused(2026, [*off, date(2027, 1, 1)], worked, "day_outside_year")
    check_refused(2026, off, [*worked, date(2027, 1, 2)], "day_outside_year")
    check_refused(2026, off, [date(2025, 11, 29), *worked], "day_outside_year")


def test_a_weekday_cannot_be_declared_worked():
    off, worked = library_arrangement(2026)
    # Monday 12 January 2026 is a working day anyway: it is no weekend day.
    error = check_refused(2026, off, [*worked, date(2026, 1, 12)], "weekday_declared_worked")
    assert error.message.startswith("2026-01-12 is a weekday")


def test_a_day_cannot_be_both_off_and_worked():
    off, worked = library_arrangement(2026)
    error = check_refused(2026, [*off, date(2026, 2, 14)], worked, "day_off_and_worked")
    assert error.message == "2026-02-14 is both given off and worked."


def test_a_statutory_holiday_on_a_weekday_must_be_given_off():
    off, worked = library_arrangement(2026)
    # Thursday 1 October 2026, National Day.
    without = [d for d in off if d != date(2026, 10, 1)]
    error = check_refused(2026, without, worked, "statutory_holiday_missing")
    assert error.message.startswith("2026-10-01 (国庆节) is a statutory holiday")
    # Monday 16 February 2026, New Year's Eve of the lunar year (statutory from 2025).
    without = [d for d in off if d != date(2026, 2, 16)]
    check_refused(2026, without, worked, "statutory_holiday_missing")
    check_refused(2026, [date(2026, 1, 1)], [], "statutory_holiday_missing")


def test_a_statutory_holiday_on_a_weekend_may_be_omitted():
    off, worked = library_arrangement(2026)
    # Sunday 5 April 2026 (清明节) and Saturday 2 and 3 October 2026 fall on weekends.
    weekend = {date(2026, 4, 5), date(2026, 5, 2), date(2026, 10, 3)}
    assert weekend <= set(calendar.statutory_holidays(2026))
    assert all(d.weekday() >= 5 for d in weekend)
    assert check(2026, [d for d in off if d not in weekend], worked) is None


def test_a_fixture_2027_arrangement_with_only_the_weekday_statutory_days_passes():
    # A test fixture, not the 2027 notice: the statutory holidays of 2027 that fall on a
    # weekday, and nothing else, are the least an arrangement for 2027 can give off.
    statutory = calendar.statutory_holidays(2027)
    weekdays = sorted(d for d in statutory if d.weekday() < 5)
    assert weekdays == [
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 4, 5),
        date(2027, 6, 9),
        date(2027, 9, 15),
        date(2027, 10, 1),
    ]
    assert check(2027, weekdays, []) is None
    for day in weekdays:
        check_refused(2027, [d for d in weekdays if d != day], [], "statutory_holiday_missing")


def test_the_module_has_a_cases_hook_registered():
    # The cases app registers its recomputation from AppConfig.ready() (the publishing
    # service calls every hook; see test_holiday_services and test_deadlines_recompute).
    assert "cases" in arrangements._hooks
