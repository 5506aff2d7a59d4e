"""Acceptance: an establishment officer of Tonglu County appoints staff to a bureau,
in a real browser, keyboard first, and the pages stay accessible in both languages."""

import re

import pytest
from playwright.sync_api import expect

from onevisit.orgs.choices import QuotaCategory
from onevisit.regions.models import Level
from onevisit.testing import factories as f
from onevisit.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUREAU = "桐庐县自然资源和规划局"
PASSWORD = "correct horse battery staple"
FUNCTIONS = [
    "Implement the laws on natural resources and spatial planning in the county.",
    "Draw up the county's territorial spatial plan and supervise its implementation.",
    "Register real estate and manage the confirmation of natural-resource rights.",
]


@pytest.fixture
def tonglu():
    zhejiang = f.RegionFactory(code="33", name="浙江省", level=Level.PROVINCE)
    hangzhou = f.RegionFactory(code="3301", name="杭州市", level=Level.CITY, parent=zhejiang)
    county = f.RegionFactory(code="330122", name="桐庐县", level=Level.COUNTY, parent=hangzhou)
    bureau = f.organization(
        name=BUREAU,
        name_en="Tonglu County Natural Resources and Planning Bureau",
        region=county,
        functions=FUNCTIONS,
        bodies=[
            ("办公室", "Daily affairs, documents and finance."),
            ("国土空间规划科", "Territorial spatial planning."),
            ("不动产登记科", "Real-estate registration."),
        ],
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 10)],
        posts={"head": 1, "deputy": 2},
    )
    for _ in range(9):
        f.appoint(bureau)
    officer = f.officer(county, username="tonglu-officer", display_name="Tonglu officer")
    return {"bureau": bureau, "officer": officer}


def _activate_by_keyboard(page, locator):
    locator.focus()
    page.keyboard.press("Enter")


def _quota_cell(page, column):
    return page.locator(f"#quota-table tbody td[data-col='{column}']").first


def _appoint(page, name):
    page.get_by_label(re.compile("Resident identity number|公民身份号码")).fill(f.identity_number())
    page.get_by_label(re.compile(r"^(Name|姓名)$")).fill(name)
    page.get_by_label(re.compile("Internal body|内设机构")).select_option(label="办公室")
    page.get_by_label(re.compile("Document number|文号")).fill("桐编〔2024〕7号")
    page.locator("#appoint-form button[type=submit]").click()


def test_officer_appoints_until_the_quota_is_full(page, tonglu):
    bureau = tonglu["bureau"]

    # log in through the login page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("tonglu-officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_text("Tonglu officer")).to_be_visible()

    # the skip link is the first stop of the keyboard
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()

    # open the tree and go down the region hierarchy by keyboard
    _activate_by_keyboard(page, page.get_by_role("link", name="Organizations", exact=True).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Organizations")
    for region in ["浙江省", "杭州市", "桐庐县"]:
        _activate_by_keyboard(page, page.locator(".region-picker").get_by_role("link", name=region))
        expect(page.get_by_role("heading", level=1)).to_contain_text(region)
    assert_accessible(page, label="tree (en)")

    _activate_by_keyboard(page, page.get_by_role("link", name=BUREAU))
    expect(page).to_have_url(re.compile(rf"/orgs/{bureau.pk}/$"))

    # read the charter and the staffing
    expect(page.get_by_role("heading", level=1)).to_have_text(BUREAU)
    for function in FUNCTIONS:
        expect(page.locator(".functions")).to_contain_text(function)
    expect(page.locator("#quota-table")).to_contain_text("Administrative")
    expect(_quota_cell(page, "approved")).to_have_text("10")
    expect(_quota_cell(page, "actual")).to_have_text("9")
    expect(_quota_cell(page, "vacant")).to_have_text("1")
    expect(page.locator("#staff tbody tr")).to_have_count(9)
    assert_accessible(page, label="charter sheet (en)")

    # appoint a person into the last vacancy
    _activate_by_keyboard(page, page.get_by_role("link", name="Appoint a person"))
    expect(page.get_by_label("Quota category and funding type")).to_contain_text("1 vacant of 10")
    assert_accessible(page, label="appointment form (en)")
    _appoint(page, "王小明")
    expect(page).to_have_url(re.compile(rf"/orgs/{bureau.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("王小明 was appointed")
    expect(_quota_cell(page, "actual")).to_have_text("10")
    expect(_quota_cell(page, "vacant")).to_have_text("0")

    # one more is over-staffing: refused, naming the bureau, the category and the numbers
    page.get_by_role("link", name="Appoint a person").click()
    _appoint(page, "李小红")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(BUREAU)
    expect(alert).to_contain_text("Administrative")
    expect(alert).to_contain_text("10 approved")
    expect(alert).to_contain_text("10 already filled")
    expect(page.get_by_label(re.compile(r"^Name$"))).to_have_value("李小红")
    assert_accessible(page, label="appointment form with its error (en)")

    # the same pages in Simplified Chinese, switched with the language link
    page.get_by_role("link", name="中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_contain_text(BUREAU)
    _appoint(page, "李小红")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(BUREAU)
    expect(alert).to_contain_text("行政编制")
    assert_accessible(page, label="appointment form with its error (zh-Hans)")

    page.goto(f"/orgs/{bureau.pk}/")
    expect(page.locator("#quota-table")).to_contain_text("行政编制")
    expect(_quota_cell(page, "vacant")).to_have_text("0")
    assert_accessible(page, label="charter sheet (zh-Hans)")

    page.goto("/orgs/?region=330122")
    expect(page.get_by_role("link", name=BUREAU)).to_be_visible()
    assert_accessible(page, label="tree (zh-Hans)")
