"""Publishing a year's holiday arrangement (发布节假日安排) through
`core.services.holiday_arrangement_publish`: who may, what is refused (and that nothing is
written then), the row and its audit entry, amendments and their revision, the calendar of
the publishing process, a rollback, and the loader on SQLite and PostgreSQL.

FIXTURE is a test fixture for 2027, NOT a claim about the State Council's 2027 notice
(unpublished when this was written): it only has to pass `arrangements.check`.
"""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from onevisit.core import arrangements, calendar
from onevisit.core.arrangements import load_published
from onevisit.core.audit import verify_chain
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed
from onevisit.core.models import AuditEntry, HolidayArrangement, Role, User
from onevisit.core.services import holiday_arrangement_publish
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


SOURCE = "测试用安排（test fixture, not the 2027 notice）国办发明电〔测试〕1号"
#: A test fixture for 2027: not the real notice.
FIXTURE = {
    "year": 2027,
    "source": SOURCE,
    "days_off": (
        "2027-01-01\n2027-02-05..2027-02-12\n2027-04-05\n2027-05-01..2027-05-05\n"
        "2027-06-09\n2027-09-15\n2027-10-01..2027-10-07"
    ),
    "weekend_working_days": "2027-01-31, 2027-02-20, 2027-09-26, 2027-10-09",
}


def iso_range(first: str, last: str) -> list[str]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [date.fromordinal(n).isoformat() for n in range(start.toordinal(), end.toordinal() + 1)]


FIXTURE_OFF = [
    "2027-01-01",
    *iso_range("2027-02-05", "2027-02-12"),
    "2027-04-05",
    *iso_range("2027-05-01", "2027-05-05"),
    "2027-06-09",
    "2027-09-15",
    *iso_range("2027-10-01", "2027-10-07"),
]
FIXTURE_WORKED = ["2027-01-31", "2027-02-20", "2027-09-26", "2027-10-09"]


@pytest.fixture
def admin():
    user = f.UserFactory(username="sysadmin")
    f.grant(user, Role.SYSTEM_ADMINISTRATOR, region=f.RegionFactory())
    return user


def publish(actor, **changes):
    return holiday_arrangement_publish(actor=actor, **{**FIXTURE, **changes})


def nothing_written(audit_before: int) -> None:
    assert not HolidayArrangement.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    assert not AuditEntry.objects.filter(action="calendar.arrangement_publish").exists()


# --- who may publish ----------------------------------------------------------------------
def test_a_system_administrator_publishes(admin):
    arrangement, moved = publish(admin, today=date(2026, 11, 29))
    assert moved == {"cases": 0}  # no open task in this test
    row = HolidayArrangement.objects.get()
    assert row.pk == arrangement.pk
    assert (row.year, row.source, row.revision) == (2027, SOURCE, 1)
    assert row.days_off == FIXTURE_OFF  # sorted ISO strings, each once
    assert row.weekend_working_days == FIXTURE_WORKED
    assert row.published_by == admin and row.published_at is not None

    entry = AuditEntry.objects.get(action="calendar.arrangement_publish")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        admin,
        "core.holidayarrangement",
        str(row.pk),
    )
    assert entry.before is None
    assert entry.after == {
        "year": 2027,
        "source": SOURCE,
        "days_off": FIXTURE_OFF,
        "weekend_working_days": FIXTURE_WORKED,
        "revision": 1,
        "moved": {"cases": 0},  # no open deadline in this test
    }
    assert entry.legal_basis == SOURCE
    assert verify_chain() is None


def test_a_superuser_publishes():
    root = f.UserFactory(is_superuser=True, is_staff=True)
    arrangement, _moved = publish(root)
    assert arrangement.published_by == root
    assert HolidayArrangement.objects.get().revision == 1


@pytest.mark.parametrize(
    "make_actor",
    [
        pytest.param(lambda: kf.citizen_account()[0], id="citizen"),
        pytest.param(lambda: kf.reviewer_of(f.organization()), id="department-reviewer"),
        pytest.param(lambda: kf.reviewer_of(f.organization(), head=True), id="department-head"),
        pytest.param(lambda: f.officer(f.RegionFactory()), id="establishment-officer"),
        pytest.param(lambda: f.UserFactory(is_staff=True), id="staff-without-role"),
        pytest.param(AnonymousUser, id="anonymous"),
        pytest.param(lambda: None, id="nobody"),
    ],
)
def test_anyone_else_is_forbidden_and_nothing_is_written(make_actor):
    actor = make_actor()
    audit = AuditEntry.objects.count()
    with pytest.raises(Forbidden) as caught:
        publish(actor)
    assert (caught.value.status, caught.value.code) == (403, "not_administrator")
    assert "system administrator" in caught.value.message
    # Refused before the input is even read: garbage gets the same 403.
    with pytest.raises(Forbidden):
        publish(actor, year=1, days_off="nonsense")
    nothing_written(audit)
    assert not calendar.is_official_year(2027)


def test_an_administrator_role_of_another_kind_does_not_count():
    # A role held in an organization as a reviewer does not make a system administrator,
    # even together with a registry role.
    user = kf.reviewer_of(f.organization())
    f.grant(user, Role.ESTABLISHMENT_OFFICER, region=f.RegionFactory())
    with pytest.raises(Forbidden):
        publish(user)
    assert not HolidayArrangement.objects.exists()


# --- what is refused -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"year": 1999, "days_off": "1999-10-01"}, "invalid_year"),
        ({"year": 2101, "days_off": "2101-10-01"}, "invalid_year"),
        ({"year": "MMXXVII"}, "invalid_year"),
        ({"year": True}, "invalid_year"),
        ({"year": None}, "invalid_year"),
        ({"source": ""}, "source_required"),
        ({"source": "   \n "}, "source_required"),
        ({"source": "通" * 301}, "source_too_long"),
        ({"days_off": ""}, "no_days_off"),
        ({"days_off": " ,\n，"}, "no_days_off"),
        ({"days_off": []}, "no_days_off"),
        ({"days_off": "2027-10-01..2027-10-07, 2027-02-30"}, "invalid_days"),
        ({"weekend_working_days": "next Sunday"}, "invalid_days"),
        ({"days_off": "2027-10-07..2027-10-01"}, "invalid_days"),
        (
            {"days_off": FIXTURE["days_off"].replace("2027-06-09\n", "")},
            "statutory_holiday_missing",
        ),
        ({"weekend_working_days": "2027-02-01"}, "weekday_declared_worked"),
        ({"weekend_working_days": "2027-05-01"}, "day_off_and_worked"),
        ({"days_off": FIXTURE["days_off"] + "\n2026-11-30"}, "day_outside_year"),
        ({"days_off": FIXTURE["days_off"] + "\n2028-01-01"}, "day_outside_year"),
    ],
)
def test_a_refused_arrangement_writes_nothing(admin, changes, code):
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        publish(admin, **changes)
    assert (caught.value.status, caught.value.code) == (400, code)
    assert caught.value.message
    nothing_written(audit)
    assert not calendar.is_official_year(2027)


def test_the_source_may_have_300_characters_and_the_audit_keeps_200(admin):
    source = "国" * 300
    arrangement, _moved = publish(admin, source=source)
    assert arrangement.source == source
    entry = AuditEntry.objects.get(action="calendar.arrangement_publish")
    assert entry.legal_basis == source[:200]
    assert entry.after["source"] == source


def test_the_year_may_come_as_digits(admin):
    # As a JSON file or a form may give it.
    arrangement, _moved = publish(admin, year=" 2027 ")
    assert arrangement.year == 2027
    assert HolidayArrangement.objects.get().year == 2027


def test_days_may_come_as_lists(admin):
    arrangement, _moved = publish(
        admin,
        days_off=["2027-10-01..2027-10-07", "2027-01-01", "2027-02-05..2027-02-12"]
        + ["2027-04-05", "2027-05-01..2027-05-05", "2027-06-09", "2027-09-15"],
        weekend_working_days=["2027-10-09", "2027-09-26", "2027-02-20", "2027-01-31"],
    )
    arrangement.refresh_from_db()
    assert arrangement.days_off == FIXTURE_OFF
    assert arrangement.weekend_working_days == FIXTURE_WORKED


# --- amending ---------------------------------------------------------------------------
def test_an_amended_arrangement_moves_the_revision_with_before_and_after(admin):
    publish(admin)
    amended_off = FIXTURE["days_off"].replace("2027-02-05..2027-02-12", "2027-02-05..2027-02-11")
    arrangement, _moved = publish(
        admin, days_off=amended_off, source=SOURCE + "（修订）", weekend_working_days=""
    )
    assert HolidayArrangement.objects.count() == 1
    row = HolidayArrangement.objects.get()
    assert (row.pk, row.revision) == (arrangement.pk, 2)
    assert "2027-02-12" not in row.days_off and row.weekend_working_days == []

    first, second = AuditEntry.objects.filter(action="calendar.arrangement_publish").order_by("seq")
    assert first.object_id == second.object_id == str(row.pk)
    assert second.before == {
        "year": 2027,
        "source": SOURCE,
        "days_off": FIXTURE_OFF,
        "weekend_working_days": FIXTURE_WORKED,
        "revision": 1,
    }
    assert second.after == {
        "year": 2027,
        "source": SOURCE + "（修订）",
        "days_off": [d for d in FIXTURE_OFF if d != "2027-02-12"],
        "weekend_working_days": [],
        "revision": 2,
        "moved": {"cases": 0},
    }
    assert second.legal_basis == SOURCE + "（修订）"
    # The calendar follows the amendment at once.
    assert calendar.published_years()[2027].revision == 2
    assert calendar.is_working_day(date(2027, 2, 12))
    assert not calendar.is_working_day(date(2027, 1, 31))
    assert verify_chain() is None


def test_publishing_the_identical_arrangement_again_is_a_conflict(admin):
    publish(admin)
    audit = AuditEntry.objects.count()
    # The same days written differently are the same arrangement.
    same = {
        "days_off": FIXTURE_OFF[::-1],
        "weekend_working_days": "2027-10-09；2027-09-26\n2027-02-20、2027-01-31",
    }
    for changes in ({}, same):
        with pytest.raises(Conflict) as caught:
            publish(admin, **changes)
        assert (caught.value.status, caught.value.code) == (409, "already_published")
        assert "2027" in caught.value.message
    assert AuditEntry.objects.count() == audit
    assert HolidayArrangement.objects.get().revision == 1


def test_a_new_source_alone_is_an_amendment(admin):
    publish(admin)
    arrangement, _moved = publish(admin, source="国办发明电〔测试〕2号（test fixture）")
    assert arrangement.revision == 2
    assert AuditEntry.objects.filter(action="calendar.arrangement_publish").count() == 2


# --- the calendar of the publishing process ----------------------------------------------
def test_the_calendar_follows_the_publication_at_once(admin):
    # Under the estimate (statutory holidays with their 补假, no 调休): Sun 31 Jan is off,
    # Thu 11 Feb and Wed 6 Oct are worked.
    assert not calendar.is_official_year(2027)
    assert not calendar.is_working_day(date(2027, 1, 31))
    assert calendar.is_working_day(date(2027, 2, 11))
    assert calendar.is_working_day(date(2027, 10, 6))
    publish(admin)
    assert calendar.is_official_year(2027)
    assert 2027 in calendar.published_years()
    assert calendar.is_working_day(date(2027, 1, 31))  # a Sunday declared worked
    assert not calendar.is_working_day(date(2027, 2, 11))
    assert not calendar.is_working_day(date(2027, 10, 6))
    off, worked = calendar.exceptions(2027)
    assert calendar.as_ranges(worked) == FIXTURE_WORKED
    assert calendar.as_ranges(off) == [
        "2027-01-01",
        "2027-02-05",
        "2027-02-08..2027-02-12",
        "2027-04-05",
        "2027-05-03..2027-05-05",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
        "2027-10-04..2027-10-07",
    ]
    # Sun 31 Jan 2027 (1), Mon 1 Feb (2): the first working days after Sat 30 January.
    assert calendar.add_working_days(date(2027, 1, 30), 2) == date(2027, 2, 1)


def test_each_hook_is_called_inside_the_publication_under_the_new_calendar(admin, monkeypatch):
    calls = []

    def hook(*, actor, year, source, today):
        calls.append((actor, year, source, today, calendar.is_working_day(date(2027, 1, 31))))
        return 4

    monkeypatch.setitem(arrangements._hooks, "test", hook)
    _arrangement, moved = publish(admin, today=date(2026, 12, 2))
    assert calls == [(admin, 2027, SOURCE, date(2026, 12, 2), True)]
    assert moved == {"cases": 0, "test": 4}


def test_a_rollback_leaves_no_row_and_the_calendar_forgets_it(admin, monkeypatch):
    seen = []

    def boom(*, actor, year, source, today):
        seen.append(calendar.is_official_year(2027))
        raise RuntimeError("a deadline could not be recomputed")

    monkeypatch.setitem(arrangements._hooks, "boom", boom)
    audit = AuditEntry.objects.count()
    with pytest.raises(RuntimeError, match="could not be recomputed"):
        publish(admin)
    assert seen == [True]  # the hooks ran under the arrangement being published
    nothing_written(audit)
    # At once, not after PUBLISHED_TTL: the process does not keep the rolled-back one.
    assert not calendar.is_official_year(2027)
    assert calendar.published_years() == {}
    assert not calendar.is_working_day(date(2027, 1, 31))
    assert calendar.is_working_day(date(2027, 2, 11))


def test_a_rolled_back_amendment_keeps_the_published_revision(admin, monkeypatch):
    publish(admin)
    assert not calendar.is_working_day(date(2027, 2, 12))

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(arrangements._hooks, "boom", boom)
    amended = FIXTURE["days_off"].replace("2027-02-05..2027-02-12", "2027-02-05..2027-02-11")
    with pytest.raises(RuntimeError):
        publish(admin, days_off=amended)
    row = HolidayArrangement.objects.get()
    assert (row.revision, row.days_off) == (1, FIXTURE_OFF)
    assert AuditEntry.objects.filter(action="calendar.arrangement_publish").count() == 1
    assert calendar.published_years()[2027].revision == 1
    assert not calendar.is_working_day(date(2027, 2, 12))
    assert verify_chain() is None


# --- the loader, on both databases ------------------------------------------------------
def test_load_published_returns_what_was_published(admin):
    assert load_published() == {}
    publish(admin)
    publish(
        admin,
        year=2028,
        source="test fixture 2028",
        # Test fixture: the weekday statutory holidays of 2028, and 31 Dec 2027 off.
        days_off="2027-12-31, 2028-01-03, 2028-01-25..2028-01-28, 2028-04-04, "
        "2028-05-01..2028-05-02, 2028-10-02..2028-10-03",
        weekend_working_days="2027-12-25",
    )
    loaded = load_published()
    assert sorted(loaded) == [2027, 2028]
    assert loaded[2027] == calendar.YearArrangement(
        source=SOURCE,
        days_off=frozenset(map(date.fromisoformat, FIXTURE_OFF)),
        weekend_working_days=frozenset(map(date.fromisoformat, FIXTURE_WORKED)),
        revision=1,
    )
    assert {date(2027, 12, 31), date(2028, 1, 3)} <= loaded[2028].days_off
    assert len(loaded[2028].days_off) == 11
    assert loaded[2028].weekend_working_days == frozenset({date(2027, 12, 25)})
    # The 2028 notice rules the December days of 2027 it names.
    assert not calendar.is_working_day(date(2027, 12, 31))
    assert calendar.is_working_day(date(2027, 12, 25))


def test_the_raw_json_is_read_as_each_database_returns_it(admin):
    publish(admin, weekend_working_days="")
    with connection.cursor() as cursor:
        cursor.execute("SELECT days_off, weekend_working_days FROM core_holidayarrangement")
        days_off, worked = cursor.fetchone()
    # Raw SQL hands JSON back as text on SQLite; on PostgreSQL Django's psycopg 3 cursor
    # also gives jsonb as text (a plain psycopg cursor would give lists): both are read.
    assert isinstance(days_off, str | list) and isinstance(worked, str | list)
    raw = json.loads(days_off) if isinstance(days_off, str) else days_off
    assert raw == FIXTURE_OFF
    loaded = load_published()[2027]
    assert loaded.revision == 1 and loaded.source == SOURCE
    assert sorted(loaded.days_off) == [date.fromisoformat(d) for d in FIXTURE_OFF]
    assert loaded.weekend_working_days == frozenset()


def test_load_published_reads_every_field_of_a_row():
    """The loader turns a stored row (JSON lists of ISO dates) into the calendar's
    arrangement, revision included."""
    HolidayArrangement.objects.create(
        year=2027,
        source=SOURCE,
        days_off=FIXTURE_OFF,
        weekend_working_days=FIXTURE_WORKED,
        revision=3,
        published_at=timezone.now(),
    )
    assert load_published() == {
        2027: calendar.YearArrangement(
            source=SOURCE,
            days_off=frozenset(map(date.fromisoformat, FIXTURE_OFF)),
            weekend_working_days=frozenset(map(date.fromisoformat, FIXTURE_WORKED)),
            revision=3,
        )
    }


def test_another_thread_does_not_see_an_uncommitted_publication(admin, monkeypatch):
    seen = []

    def then_fails(**kwargs):
        # The publication reads its own arrangement (as the cases hook does for each open
        # task); then another request of the same process (gunicorn gthread workers) reads
        # the calendar; then the publication fails and is rolled back.
        assert calendar.is_official_year(2027)

        def read():
            try:
                seen.append(calendar.is_official_year(2027))
            finally:
                connection.close()

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        raise RuntimeError("the publication fails after all")

    monkeypatch.setitem(arrangements._hooks, "then-fails", then_fails)
    with pytest.raises(RuntimeError):
        publish(admin)
    assert not HolidayArrangement.objects.exists()
    # The other thread's connection saw nothing committed: neither should its calendar.
    assert seen == [False]


def test_a_failed_read_of_the_arrangements_leaves_the_transaction_usable(monkeypatch):
    # E.g. new code before `migrate`: the table is missing. On PostgreSQL a failed statement
    # would abort the caller's whole transaction; the read runs in a savepoint.
    monkeypatch.setattr(HolidayArrangement._meta, "db_table", "core_no_such_table")
    with transaction.atomic():
        calendar.forget_published()
        assert calendar.add_working_days(date(2019, 9, 27), 5) == date(2019, 10, 10)
        assert User.objects.count() >= 0  # the caller's next statement still runs
