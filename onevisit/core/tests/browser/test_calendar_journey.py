"""The working-day calendar in a real browser, keyboard only: a system administrator opens
Calendar from the main navigation, sees the coming year marked as estimated, publishes its
arrangement (a test fixture, not the real notice) by typing it into the form, and reads it
back in the table; the accepted task due in that year moves, and its page no longer calls
its due date provisional. axe finds no serious violation in either language, and the page
prints without the site's navigation or the form.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onevisit.cases import services
from onevisit.cases.choices import TaskState
from onevisit.cases.models import Task
from onevisit.core import calendar
from onevisit.core.models import Role
from onevisit.testing import case_factories as kf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
YEAR = 2027
#: A fixture for the test, deliberately unlike the library's estimate of 2027.
DAYS_OFF = "2027-01-01\n2027-02-05..2027-02-11\n2027-04-05\n2027-05-01..2027-05-05\n" + (
    "2027-06-09\n2027-09-15\n2027-10-01..2027-10-07"
)
WORKED = "2027-02-20, 2027-09-26"


def _tab_to(page, locator, limit=120):
    """Press Tab until `locator` has the focus (keyboard only)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never reached {locator}")


def _accepted_task(county, day, *, limit):
    market = f.organization(name="桐庐县市场监督管理局", region=county)
    item = kf.online_item(organization=market, promised_limit=limit, legal_limit=20)
    user, applicant = kf.citizen_account(region=county)
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    (task,) = kf.submit(user, applicant, items=[item], now=now).tasks
    return services.task_accept(actor=kf.reviewer_of(market), task=task, on=day)


def test_an_administrator_publishes_next_years_arrangement(page, settings):
    county = df.county()
    admin = f.UserFactory(username="calendar-admin")
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=county)
    # A task accepted on 2027-01-28 with 10 working days crosses the Spring Festival: its
    # due date moves when the fixture gives 2-5..2-11 off and has Saturday 2-20 worked.
    task = _accepted_task(county, datetime.date(2027, 1, 28), limit=10)
    estimated_due = task.due_date

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("calendar-admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator(".account .user")).to_be_visible()

    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar")
    _tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Working-day calendar")
    row = page.locator(f"#year-{YEAR}")
    expect(row).to_contain_text("Estimated")
    assert_accessible(page, label="calendar (en)")

    _tab_to(page, row.get_by_role("link", name=f"Publish for {YEAR}"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Year")).to_have_value(str(YEAR))
    for label, text in (
        ("Notice (title and document number)", "测试用安排（非真实通知）"),
        ("Days off", DAYS_OFF),
        ("Weekend days worked", WORKED),
    ):
        field = page.get_by_label(label)
        _tab_to(page, field)
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(text)
    _tab_to(page, page.get_by_role("button", name="Publish", exact=True))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"The {YEAR} arrangement is published")
    expect(row).to_contain_text("测试用安排（非真实通知）")
    expect(row).to_contain_text("2027-02-05, 2027-02-08..2027-02-11")  # weekdays off
    expect(row).to_contain_text("2027-02-20")
    assert_accessible(page, label="calendar after publishing (en)")

    task.refresh_from_db()
    calendar.forget_published()
    assert task.due_date == calendar.add_working_days(datetime.date(2027, 1, 28), 10)
    assert task.due_date != estimated_due

    # printed: the table, without the navigation or the form
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#publish")).to_be_hidden()
    expect(page.locator("#calendar-years")).to_be_visible()
    assert page.pdf(format="A4").startswith(b"%PDF-")
    page.emulate_media(media="screen")

    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": page.base_url}]
    )
    page.goto("/calendar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作日历")
    assert_accessible(page, label="calendar (zh-hans)")
    assert Task.objects.get(pk=task.pk).state == TaskState.ACCEPTED
