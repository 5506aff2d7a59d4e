"""`manage.py holiday_arrangement`: publishing a year's arrangement from a JSON file as a
system administrator, the errors that stop it (with nothing written), and `show YEAR`.

The 2027 file is a test fixture, NOT the State Council's 2027 notice.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onevisit.core import calendar
from onevisit.core.models import AuditEntry, HolidayArrangement, Role
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


SOURCE = "测试用安排（test fixture, not the 2027 notice）"
FIXTURE = {
    "year": 2027,
    "source": SOURCE,
    "days_off": [
        "2027-01-01",
        "2027-02-05..2027-02-12",
        "2027-04-05",
        "2027-05-01..2027-05-05",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01..2027-10-07",
    ],
    "weekend_working_days": ["2027-01-31", "2027-02-20", "2027-09-26", "2027-10-09"],
}


@pytest.fixture
def admin():
    user = f.UserFactory(username="calendar-admin")
    f.grant(user, Role.SYSTEM_ADMINISTRATOR, region=f.RegionFactory())
    return user


@pytest.fixture
def write(tmp_path):
    def write(content, name: str = "2027.json"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
            path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def run(*args) -> str:
    out = StringIO()
    call_command("holiday_arrangement", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    audit = AuditEntry.objects.count()
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert not HolidayArrangement.objects.exists()
    assert AuditEntry.objects.count() == audit
    return str(caught.value)


# --- publish ----------------------------------------------------------------------------
def test_publish_from_a_json_file(admin, write):
    out = run("publish", write(FIXTURE), "--actor", "calendar-admin")
    assert out.strip() == (
        "Published the 2027 arrangement (revision 1); deadlines moved: 0 (cases 0)."
    )
    row = HolidayArrangement.objects.get()
    assert (row.year, row.source, row.revision, row.published_by) == (2027, SOURCE, 1, admin)
    assert row.days_off[:3] == ["2027-01-01", "2027-02-05", "2027-02-06"]
    assert len(row.days_off) == 1 + 8 + 1 + 5 + 1 + 1 + 7
    assert row.weekend_working_days == FIXTURE["weekend_working_days"]
    entry = AuditEntry.objects.get(action="calendar.arrangement_publish")
    assert (entry.actor, entry.legal_basis) == (admin, SOURCE)
    assert calendar.is_official_year(2027)

    # An amended file: revision 2. The same file again: refused.
    amended = {**FIXTURE, "weekend_working_days": "2027-01-31, 2027-02-20"}
    out = run("publish", write(amended, "amended.json"), "--actor", "calendar-admin")
    assert "(revision 2)" in out
    with pytest.raises(CommandError, match="already published"):
        run("publish", write(amended, "again.json"), "--actor", "calendar-admin")
    assert HolidayArrangement.objects.get().revision == 2


def test_days_may_be_written_as_text_in_the_file(admin, write):
    data = {
        **FIXTURE,
        "days_off": "\n".join(FIXTURE["days_off"]),
        "weekend_working_days": "，".join(FIXTURE["weekend_working_days"]),
    }
    run("publish", write(data), "--actor", "calendar-admin")
    assert HolidayArrangement.objects.get().weekend_working_days == FIXTURE["weekend_working_days"]


def test_a_missing_file(admin, tmp_path):
    path = str(tmp_path / "nowhere.json")
    message = refused("publish", path, "--actor", "calendar-admin")
    assert message == f"{path}: No such file or directory."


@pytest.mark.parametrize(
    "content",
    ["{year: 2027}", "", "[1, 2", b"\xff\xfe not utf-8 \x00"],
    ids=["not-json", "empty", "truncated", "not-utf-8"],
)
def test_a_file_that_is_not_json(admin, write, content):
    path = write(content)
    message = refused("publish", path, "--actor", "calendar-admin")
    assert message.startswith(f"{path}: not JSON (")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ([FIXTURE], "expected a JSON object with year, source, days_off, weekend_working_days."),
        ("2027", "expected a JSON object with year, source, days_off, weekend_working_days."),
        ({"year": 2027, "days_off": []}, "missing source, weekend_working_days."),
        ({}, "missing year, source, days_off, weekend_working_days."),
        ({**FIXTURE, "days_off": 20270101}, "days_off and weekend_working_days are lists"),
        ({**FIXTURE, "weekend_working_days": None}, "days_off and weekend_working_days are"),
    ],
    ids=["a-list", "a-number", "missing-two", "empty-object", "days-a-number", "worked-null"],
)
def test_a_file_without_the_arrangement(admin, write, content, expected):
    path = write(content)
    message = refused("publish", path, "--actor", "calendar-admin")
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_an_unknown_or_inactive_actor(admin, write):
    path = write(FIXTURE)
    assert refused("publish", path, "--actor", "nobody") == "No active user named 'nobody'."
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    assert "No active user named 'calendar-admin'" in refused(
        "publish", path, "--actor", "calendar-admin"
    )


def test_an_actor_who_is_no_administrator(write):
    reviewer = kf.reviewer_of(f.organization(), username="reviewer")
    assert reviewer.username == "reviewer"
    message = refused("publish", write(FIXTURE), "--actor", "reviewer")
    assert message == "Only a system administrator publishes holiday arrangements."


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"days_off": ["2027-02-30"]}, "Days off: “2027-02-30” is not a date"),
        (
            {"days_off": [d for d in FIXTURE["days_off"] if d != "2027-09-15"]},
            "2027-09-15 (中秋节) is a statutory holiday",
        ),
        ({"year": 1999}, "The year must lie between 2000 and 2100."),
        ({"year": "²"}, "The year must lie between 2000 and 2100."),  # a digit, not decimal
        ({"year": "2" * 5000}, "The year must lie between 2000 and 2100."),
        ({"source": " "}, "is required"),
        ({"weekend_working_days": ["2027-02-01"]}, "2027-02-01 is a weekday"),
    ],
)
def test_a_refused_arrangement(admin, write, changes, expected):
    message = refused("publish", write({**FIXTURE, **changes}), "--actor", "calendar-admin")
    assert expected in message


def test_a_file_saved_with_a_byte_order_mark(admin, write):
    # Notepad saves UTF-8 with a BOM.
    path = write("\ufeff" + json.dumps(FIXTURE, ensure_ascii=False))
    assert "revision 1" in run("publish", path, "--actor", "calendar-admin")


def test_the_arguments_are_required():
    with pytest.raises(CommandError):
        run("publish", "2027.json")  # no --actor
    with pytest.raises(CommandError):
        run("show")
    with pytest.raises(CommandError):
        run("show", "next")
    with pytest.raises(CommandError):
        run("unpublish", "2027")


# --- show -------------------------------------------------------------------------------
def test_show_2019_from_the_library():
    lines = run("show", "2019").splitlines()
    assert lines == [
        "2019: the holidays library's State Council arrangement",
        "weekdays off: 2019-01-01, 2019-02-04..2019-02-08, 2019-04-05, 2019-05-01..2019-05-03, "
        "2019-06-07, 2019-09-13, 2019-10-01..2019-10-04, 2019-10-07",
        "weekend days worked: 2019-02-02..2019-02-03, 2019-04-28, 2019-05-05, 2019-09-29, "
        "2019-10-12",
    ]


def test_show_2027_estimated_then_published(admin, write):
    before = run("show", "2027").splitlines()
    assert before[0] == "2027: ESTIMATED from the statutory holidays: no arrangement published"
    assert before[2] == "weekend days worked: -"
    assert "2027-02-08..2027-02-10" in before[1]

    run("publish", write(FIXTURE), "--actor", "calendar-admin")

    after = run("show", "2027").splitlines()
    assert after == [
        f"2027: published: {SOURCE} (revision 1)",
        "weekdays off: 2027-01-01, 2027-02-05, 2027-02-08..2027-02-12, 2027-04-05, "
        "2027-05-03..2027-05-05, 2027-06-09, 2027-09-15, 2027-10-01, 2027-10-04..2027-10-07",
        "weekend days worked: 2027-01-31, 2027-02-20, 2027-09-26, 2027-10-09",
    ]


@pytest.mark.parametrize("year", ["0", "10000"])
def test_show_refuses_what_is_no_year(year):
    with pytest.raises(CommandError, match=f"Not a year: {year}."):
        run("show", year)
