"""The working-day calendar page (/calendar/, `core.views.holiday_calendar`) over HTTP: who
may see it, the table of years, the prefilled form, publishing and its refusals (400, 409,
nothing written), the page in Simplified Chinese, and the navigation link.

Today is fixed at Sunday 29 November 2026 (the table shows 2025-2027). FIXTURE is a test
fixture for 2027, NOT a claim about the State Council's 2027 notice.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from onevisit.core import calendar
from onevisit.core.models import AuditEntry, HolidayArrangement, Role
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


URL = "/calendar/"
TODAY = date(2026, 11, 29)
SOURCE = "测试用安排（test fixture, not the 2027 notice）"
FIXTURE = {
    "year": "2027",
    "source": SOURCE,
    "days_off": (
        "2027-01-01\r\n2027-02-05..2027-02-12\r\n2027-04-05\r\n2027-05-01..2027-05-05\r\n"
        "2027-06-09\r\n2027-09-15\r\n2027-10-01..2027-10-07"
    ),
    "weekend_working_days": "2027-01-31, 2027-02-20, 2027-09-26, 2027-10-09",
}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The page's "years around today" around a fixed day."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def admin():
    user = f.UserFactory(username="calendar-admin")
    f.grant(user, Role.SYSTEM_ADMINISTRATOR, region=f.RegionFactory())
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def row(html: str, year: int) -> str:
    match = re.search(rf'<tr id="year-{year}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {year}"
    return match.group(1)


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1).strip()


def nothing_written(audit: int) -> None:
    assert not HolidayArrangement.objects.exists()
    assert AuditEntry.objects.count() == audit


# --- who may see it ------------------------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"
    response = client.post(URL, FIXTURE)
    assert response.status_code == 302
    assert not HolidayArrangement.objects.exists()


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: kf.citizen_account()[0], id="citizen"),
        pytest.param(lambda: kf.reviewer_of(f.organization()), id="department-reviewer"),
        pytest.param(lambda: kf.reviewer_of(f.organization(), head=True), id="department-head"),
        pytest.param(lambda: f.officer(f.RegionFactory()), id="establishment-officer"),
    ],
)
def test_anyone_but_an_administrator_gets_not_found(client, make_user):
    client.force_login(make_user())
    audit = AuditEntry.objects.count()
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"year": "2026"}).status_code == 404
    assert client.post(URL, FIXTURE).status_code == 404
    nothing_written(audit)


def test_a_superuser_may_use_it(client):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    assert client.get(URL).status_code == 200
    assert client.post(URL, FIXTURE).status_code == 302
    assert HolidayArrangement.objects.get().year == 2027


def test_only_get_and_post(admin_client):
    assert admin_client.put(URL).status_code == 405
    assert admin_client.delete(URL).status_code == 405


# --- the table and the form -------------------------------------------------------------
def test_the_administrator_sees_the_years_around_today_and_the_form(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<tr id="year-(\d+)">', html) == ["2025", "2026", "2027"]
    for year in (2025, 2026):
        assert "from the holidays library" in row(html, year)
        assert "Estimated" not in row(html, year)
    assert "Estimated: no arrangement published yet" in row(html, 2027)
    # The 2026 notice as the calendar has it: weekdays off and weekend days worked.
    assert "2026-02-16..2026-02-20, 2026-02-23" in row(html, 2026)
    assert "2026-01-04, 2026-02-14, 2026-02-28, 2026-05-09, 2026-09-20, 2026-10-10" in row(
        html, 2026
    )
    assert "—" in row(html, 2027)  # no weekend day worked under the estimate
    assert 'href="?year=2027#publish"' in html
    # The form, for next year by default, prefilled from the estimate and the statutory
    # holidays (Sat 6 and Sun 7 Feb 2027 are statutory, so 5-10 February is one range).
    assert f'action="{URL}"' in html and 'method="post"' in html
    assert 'name="year"' in html and 'value="2027"' in html
    assert 'name="source"' in html
    days_off = textarea(html, "days_off")
    assert "2027-02-05..2027-02-10" in days_off.splitlines()
    assert "2027-10-01..2027-10-05" in days_off.splitlines()
    assert textarea(html, "weekend_working_days") == ""
    assert 'for="id_days_off"' in html  # labelled controls


def test_a_year_is_prefilled_from_the_calendar(admin_client):
    html = admin_client.get(URL, {"year": "2026"}).content.decode()
    assert re.search(r'name="year" value="2026"', html)
    off = textarea(html, "days_off").splitlines()
    # Weekdays off, and the statutory holidays that fell on a weekend (Sun 5 April,
    # Sat 2 May, Sat 3 October 2026) so that the check finds them.
    assert off == [
        "2026-01-01..2026-01-02",
        "2026-02-16..2026-02-20",
        "2026-02-23",
        "2026-04-05..2026-04-06",
        "2026-05-01..2026-05-02",
        "2026-05-04..2026-05-05",
        "2026-06-19",
        "2026-09-25",
        "2026-10-01..2026-10-03",
        "2026-10-05..2026-10-07",
    ]
    assert textarea(html, "weekend_working_days").splitlines() == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]


@pytest.mark.parametrize(("asked", "shown"), [("abc", 2027), ("1990", 2000), ("9999", 2100)])
def test_an_odd_year_in_the_address_is_no_error(admin_client, asked, shown):
    response = admin_client.get(URL, {"year": asked})
    assert response.status_code == 200
    assert f'name="year" value="{shown}"' in response.content.decode()


def test_the_prefilled_form_publishes_the_same_calendar(admin_client):
    # Amending 2026 from what the page offers changes no working day.
    before = calendar.exceptions(2026)
    html = admin_client.get(URL, {"year": "2026"}).content.decode()
    data = {
        "year": "2026",
        "source": "国办发明电〔2025〕7号（test: republished as prefilled）",
        "days_off": textarea(html, "days_off"),
        "weekend_working_days": textarea(html, "weekend_working_days"),
    }
    assert admin_client.post(URL, data).status_code == 302
    assert HolidayArrangement.objects.get().year == 2026
    assert calendar.published_years()[2026].revision == 1
    assert calendar.exceptions(2026) == before


# --- publishing -------------------------------------------------------------------------
def test_publishing_redirects_with_a_message_and_writes_the_row(admin_client, admin):
    response = admin_client.post(URL, FIXTURE)
    assert response.status_code == 302
    assert response["Location"] == URL
    row_ = HolidayArrangement.objects.get()
    assert (row_.year, row_.source, row_.revision, row_.published_by) == (
        2027,
        SOURCE,
        1,
        admin,
    )
    assert AuditEntry.objects.filter(action="calendar.arrangement_publish").count() == 1
    html = admin_client.get(response["Location"]).content.decode()
    assert "The 2027 arrangement is published (revision 1); 0 open deadlines moved with it." in html
    assert f"Published: {SOURCE}" in row(html, 2027) and "revision 1" in row(html, 2027)
    assert "Estimated" not in html
    assert "2027-01-31, 2027-02-20, 2027-09-26, 2027-10-09" in row(html, 2027)
    # The message is shown once.
    assert "is published" not in admin_client.get(URL).content.decode()


def test_a_bad_date_is_refused_with_its_reason(admin_client):
    audit = AuditEntry.objects.count()
    data = {**FIXTURE, "days_off": FIXTURE["days_off"] + "\r\n2027-02-30"}
    response = admin_client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Refused:" in html
    assert "Days off: “2027-02-30” is not a date written as YYYY-MM-DD." in html
    # What was typed stays in the form.
    assert "2027-02-30" in textarea(html, "days_off")
    nothing_written(audit)
    assert not calendar.is_official_year(2027)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"weekend_working_days": "2027-02-01"}, "2027-02-01 is a weekday"),
        (
            {"days_off": FIXTURE["days_off"].replace("2027-06-09\r\n", "")},
            "2027-06-09 (端午节) is a statutory holiday",
        ),
        ({"days_off": "2027-10-07..2027-10-01"}, "ends before it starts"),
    ],
)
def test_an_arrangement_the_check_refuses_is_400(admin_client, changes, text):
    audit = AuditEntry.objects.count()
    response = admin_client.post(URL, {**FIXTURE, **changes})
    assert response.status_code == 400
    assert text in response.content.decode()
    nothing_written(audit)


@pytest.mark.parametrize(
    "changes",
    [{"source": ""}, {"days_off": ""}, {"year": "1999"}, {"year": "next"}],
    ids=["no-source", "no-days-off", "year-too-early", "year-not-a-number"],
)
def test_an_incomplete_form_is_400_and_marked(admin_client, changes):
    audit = AuditEntry.objects.count()
    response = admin_client.post(URL, {**FIXTURE, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the fields marked below." in html
    assert "has-error" in html
    nothing_written(audit)


def test_publishing_the_same_arrangement_twice_is_409(admin_client):
    assert admin_client.post(URL, FIXTURE).status_code == 302
    audit = AuditEntry.objects.count()
    response = admin_client.post(URL, FIXTURE)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Refused:" in html
    assert "This arrangement for 2027 is already published." in html
    assert HolidayArrangement.objects.get().revision == 1
    assert AuditEntry.objects.count() == audit
    # An amendment goes through: revision 2.
    amended = {**FIXTURE, "weekend_working_days": "2027-01-31"}
    response = admin_client.post(URL, amended, follow=True)
    assert response.status_code == 200
    assert "(revision 2)" in response.content.decode()
    assert HolidayArrangement.objects.get().revision == 2


# --- Simplified Chinese --------------------------------------------------------------------
def test_the_page_in_simplified_chinese(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-Hans"' in html
    assert "首页" in html  # the breadcrumb
    assert "2027" in html and 'name="days_off"' in html
    # A refusal in Chinese is still a 400 with the page.
    response = admin_client.post(URL, {**FIXTURE, "days_off": "2027-02-30"})
    assert response.status_code == 400
    assert "不予办理" in response.content.decode()
    assert not HolidayArrangement.objects.exists()


def test_the_page_by_accept_language(admin_client):
    response = admin_client.get(URL, headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in response.content.decode()


# --- the navigation -----------------------------------------------------------------------
def nav_links(client) -> list[str]:
    """Every link of the home page (the navigation is on every page)."""
    response = client.get("/")
    assert response.status_code == 200
    return re.findall(r'href="([^"]+)"', response.content.decode())


def test_the_calendar_link_is_shown_to_administrators_only(client, admin):
    client.force_login(admin)
    assert URL in nav_links(client)
    client.force_login(f.UserFactory(is_superuser=True))
    assert URL in nav_links(client)
    for user in (
        kf.citizen_account()[0],
        kf.reviewer_of(f.organization()),
        f.officer(f.RegionFactory()),
    ):
        client.force_login(user)
        assert URL not in nav_links(client)
    client.logout()
    assert URL not in nav_links(client)


def test_the_link_is_marked_current_on_the_page(admin_client):
    html = admin_client.get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">' in html
