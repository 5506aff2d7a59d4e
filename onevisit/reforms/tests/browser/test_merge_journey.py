"""Acceptance: an establishment officer of Tonglu County merges two bureaus into a new one
through a reform plan, in a real browser, keyboard first; then reads the registry through
time (the tree as of a date, the changes between two dates, the merged bureau's timeline).
Every page passes axe without a serious or critical violation."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onevisit.orgs.choices import QuotaCategory
from onevisit.orgs.models import Organization
from onevisit.reforms.models import PlanStatus, ReformPlan
from onevisit.regions.models import Level
from onevisit.testing import factories as f
from onevisit.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
LAND = "桐庐县国土资源局"
PLANNING = "桐庐县规划局"
MERGED = "桐庐县自然资源和规划局"
DOCUMENT = "桐委发〔2024〕12号"
LONG_AGO = datetime.date(2019, 6, 1)


@pytest.fixture
def tonglu():
    zhejiang = f.RegionFactory(code="33", name="浙江省", level=Level.PROVINCE)
    hangzhou = f.RegionFactory(code="3301", name="杭州市", level=Level.CITY, parent=zhejiang)
    county = f.RegionFactory(code="330122", name="桐庐县", level=Level.COUNTY, parent=hangzhou)
    land = f.organization(
        name=LAND,
        region=county,
        functions=["Manage land use and the protection of farmland in the county."],
        bodies=[("办公室", "Daily affairs."), ("耕地保护科", "Farmland protection.")],
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 6)],
        posts={"head": 1, "deputy": 2},
    )
    planning = f.organization(
        name=PLANNING,
        region=county,
        functions=["Draw up the county's urban and rural plans."],
        bodies=[("办公室", "Daily affairs."), ("规划科", "Urban and rural planning.")],
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 4)],
        posts={"head": 1, "deputy": 1},
    )
    for _ in range(4):
        f.appoint(land, start_date=LONG_AGO)
    for _ in range(3):
        f.appoint(planning, start_date=LONG_AGO)
    f.appoint(land, start_date=LONG_AGO, post_rank="head")
    officer = f.officer(county, username="tonglu-officer", display_name="Tonglu officer")
    return {"land": land, "planning": planning, "officer": officer, "county": county}


def _activate_by_keyboard(page, locator):
    locator.focus()
    page.keyboard.press("Enter")


def _htmx_idle(page):
    """Wait until htmx has finished its requests and swaps and bound the new content:
    a change made while a swapped-in form is still settling would go unheard."""
    page.wait_for_function(
        "() => window.htmx && !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def _section(page, key):
    return page.locator(f"#impact-section-{key}")


def test_officer_merges_two_bureaus_and_reads_the_registry_through_time(page, tonglu):
    today = timezone.localdate()
    day_before = today - datetime.timedelta(days=1)

    # log in, then reach the plans by keyboard from the main navigation
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("tonglu-officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_text("Tonglu officer")).to_be_visible()
    _activate_by_keyboard(page, page.get_by_role("link", name="Reform plans", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reform plans")

    # open a draft plan; the region defaults to the officer's
    expect(page.get_by_label("Region code")).to_have_value("330122")
    page.get_by_label("Name of the plan").fill("桐庐县自然资源和规划机构改革方案")
    page.get_by_label("Document number").fill(DOCUMENT)
    page.get_by_label("Effective date").fill(today.isoformat())
    page.get_by_label("Effective date").press("Enter")
    expect(page).to_have_url(re.compile(r"/reforms/\d+/$"))
    expect(page.get_by_role("status").first).to_contain_text("was opened")

    # 1. establish the new bureau (the establish fields are shown first)
    expect(page.get_by_label("Kind of operation")).to_have_value("establish")
    page.get_by_label("Name of the new organization").fill(MERGED)
    page.get_by_label("Kind of organization").select_option("government_department")
    expect(page.get_by_label("Level", exact=True)).to_have_value("county")
    page.get_by_role("button", name="Add the operation").click()
    expect(page.locator("#operation-table tbody tr")).to_have_count(1)
    expect(page.locator("#operation-table")).to_contain_text(f"Establish {MERGED}")
    expect(page.locator("#editor-status")).to_contain_text("Operation 1 was added")
    _htmx_idle(page)

    # 2. merge both bureaus into it: choosing the kind swaps in its fields
    page.get_by_label("Kind of operation").select_option("merge")
    expect(page.get_by_label("Organizations merged")).to_be_visible()
    _htmx_idle(page)
    page.get_by_label("Organizations merged").select_option(label=[LAND, PLANNING])
    page.get_by_label("Merged into").select_option(label=f"{MERGED} (established by this plan)")
    _activate_by_keyboard(page, page.get_by_role("button", name="Add the operation"))
    expect(page.locator("#operation-table tbody tr")).to_have_count(2)
    expect(page.locator("#op-2")).to_contain_text(f"Merge {LAND}, {PLANNING} into {MERGED}")

    # validation as you go: no finding; the impact names what is created and abolished
    expect(page.locator("#no-findings")).to_be_visible()
    expect(page.locator("#finding-list")).to_have_count(0)
    expect(_section(page, "created")).to_contain_text(MERGED)
    expect(_section(page, "abolished")).to_contain_text(LAND)
    expect(_section(page, "abolished")).to_contain_text(PLANNING)
    expect(_section(page, "staff")).to_contain_text("5 people")
    assert_accessible(page, label="plan editor")
    _htmx_idle(page)

    # submit, review, approve
    page.get_by_role("button", name="Submit the plan").click()
    expect(page).to_have_url(re.compile(r"/reforms/\d+/review/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of")
    expect(_section(page, "abolished")).to_contain_text(LAND)
    expect(page.locator("#no-findings")).to_be_visible()
    assert_accessible(page, label="plan review")
    _activate_by_keyboard(page, page.get_by_role("button", name="Approve the plan"))
    expect(page.get_by_role("status").first).to_contain_text("approved and applied")
    plan = ReformPlan.objects.get(document_number=DOCUMENT)
    assert plan.status == PlanStatus.APPLIED
    merged = Organization.objects.get(name=MERGED)

    # the tree as of the day before: the two old bureaus; as of the date: the new one
    page.goto("/orgs/?region=330122")
    page.get_by_label("As of date").fill(day_before.isoformat())
    page.get_by_role("button", name="Filter").click()
    results = page.locator("#org-results")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"as of {day_before.isoformat()}")
    expect(results.get_by_role("link", name=LAND)).to_be_visible()
    expect(results.get_by_role("link", name=PLANNING)).to_be_visible()
    expect(results.get_by_role("link", name=MERGED)).to_have_count(0)
    assert_accessible(page, label="tree as of the day before")
    page.get_by_label("As of date").fill(today.isoformat())
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"as of {today.isoformat()}")
    expect(results.get_by_role("link", name=MERGED)).to_be_visible()
    expect(results.get_by_role("link", name=LAND)).to_have_count(0)
    assert_accessible(page, label="tree as of the effective date")

    # an abolished bureau's page still opens and says so
    page.goto(f"/orgs/{tonglu['land'].pk}/")
    expect(page.locator("#abolished-notice")).to_contain_text(f"abolished on {today.isoformat()}")

    # the changes from the day before to the effective date list the merge
    page.goto("/reforms/diff/")
    page.get_by_label("From").fill(day_before.isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_label("Region code").fill("330122")
    page.get_by_role("button", name="Compare").click()
    merged_table = page.locator("#diff-merged")
    expect(merged_table.get_by_role("link", name=LAND, exact=True)).to_be_visible()
    expect(merged_table.get_by_role("link", name=PLANNING, exact=True)).to_be_visible()
    expect(merged_table).to_contain_text(DOCUMENT)
    expect(page.locator("#diff-plans")).to_contain_text(DOCUMENT)
    assert_accessible(page, label="diff")

    # the merged bureau's timeline shows both predecessors, linked
    _activate_by_keyboard(page, merged_table.get_by_role("link", name=re.compile("timeline")).first)
    expect(page).to_have_url(re.compile(rf"/reforms/org/{merged.pk}/timeline/$"))
    predecessors = page.locator("#predecessors")
    expect(predecessors.get_by_role("link", name=LAND, exact=True)).to_be_visible()
    expect(predecessors.get_by_role("link", name=PLANNING, exact=True)).to_be_visible()
    expect(predecessors).to_contain_text(DOCUMENT)
    assert_accessible(page, label="timeline")
