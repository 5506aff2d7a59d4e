"""Acceptance: an establishment officer of Keqiao reads the findings of the district's
lists, follows one to its duty, fixes the assignment through the duty page and sees the
finding gone; then reviews a reform plan that leaves a duty without an owner, is refused
without an override and approves with one. Keyboard first; axe finds no serious or
critical violation on the findings, duty and review pages, in English and Chinese."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onevisit.duties.models import DutyAssignment
from onevisit.orgs.choices import QuotaCategory
from onevisit.reforms import services as reform_services
from onevisit.reforms.models import PlanStatus
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
HOUSING = "绍兴市柯桥区住房和城乡建设局"
ENFORCEMENT = "绍兴市柯桥区综合行政执法局"
ENERGY = "绍兴市柯桥区农村能源办公室"
AGRICULTURE = "绍兴市柯桥区农业农村局"
WASTE = "建筑垃圾处置核准"
BIOGAS = "农村沼气工程验收"
LAW = [("中华人民共和国固体废物污染环境防治法", "第六十三条", "")]
DOCUMENT = "柯委发〔2026〕3号"


@pytest.fixture
def keqiao():
    county = df.county("330603", "柯桥区")
    housing = f.organization(
        name=HOUSING, region=county, functions=["管理建筑市场和工程质量安全。"]
    )
    enforcement = f.organization(
        name=ENFORCEMENT, region=county, functions=["集中行使行政处罚权。"]
    )
    energy = f.organization(name=ENERGY, region=county, functions=["推广农村可再生能源。"])
    agriculture = f.organization(
        name=AGRICULTURE,
        region=county,
        functions=["统筹乡村振兴。"],
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 10)],
    )
    waste = df.base_item("XK-0001", WASTE, function="管理建筑市场和工程质量安全。", legal_bases=LAW)
    item = df.local_item(base=waste, region=county)
    df.assign(item, housing)
    df.assign(item, enforcement)
    biogas = df.base_item(
        "QR-0001",
        BIOGAS,
        category=7,
        function="推广农村可再生能源。",
        legal_bases=[("中华人民共和国可再生能源法", "第十八条", "")],
    )
    df.assign(df.local_item(base=biogas, region=county), energy)
    df.assign(
        df.local_item(
            base=df.base_item(
                "QT-0001",
                "乡村振兴规划编制",
                category=10,
                function="统筹乡村振兴。",
                legal_bases=LAW,
            ),
            region=county,
        ),
        agriculture,
    )
    f.appoint(energy, start_date=datetime.date(2020, 1, 1))
    officer = f.officer(county, username="keqiao-officer", display_name="Keqiao officer")
    return {
        "county": county,
        "housing": housing,
        "enforcement": enforcement,
        "energy": energy,
        "agriculture": agriculture,
        "item": item,
        "officer": officer,
    }


def _activate_by_keyboard(page, locator):
    locator.focus()
    page.keyboard.press("Enter")


def _switch_language(page, label):
    page.get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state()


def test_officer_fixes_a_finding_and_reviews_a_plan_that_orphans_a_duty(page, keqiao):
    # log in, reach the lists from the main navigation by keyboard
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("keqiao-officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_text("Keqiao officer")).to_be_visible()
    _activate_by_keyboard(page, page.get_by_role("link", name="Duties", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("柯桥区")
    _activate_by_keyboard(page, page.get_by_role("link", name=re.compile("^Findings")))

    # the findings of Keqiao: two implementing organizations without a division
    expect(page).to_have_url(re.compile(r"/duties/findings/\?region=330603"))
    dislocation = page.locator("#findings-dislocation")
    finding = dislocation.locator("li.finding", has_text=WASTE)
    expect(finding).to_contain_text("declare(s) no division of labour")
    expect(finding).to_contain_text("Suggested fix")
    assert_accessible(page, label="findings (en)")
    _switch_language(page, "中文")
    expect(page.locator("#findings-dislocation li.finding", has_text=WASTE)).to_contain_text(
        "没有写明分工"
    )
    assert_accessible(page, label="findings (zh)")
    _switch_language(page, "English")

    # follow the finding to the duty
    _activate_by_keyboard(page, finding.get_by_role("link", name=re.compile(WASTE)).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(WASTE)
    expect(page.locator("#assignment-table")).to_contain_text(HOUSING)
    expect(page.locator("#assignment-table")).to_contain_text(ENFORCEMENT)
    assert_accessible(page, label="duty (en)")

    # fix it: move the enforcement bureau's assignment ... to nobody — end it, by keyboard
    held = DutyAssignment.objects.get(duty=keqiao["item"], organization=keqiao["enforcement"])
    fix = page.locator(f"#fix-{held.pk}")
    _activate_by_keyboard(page, fix.locator("summary"))
    fix.get_by_label("Reason").fill("建筑垃圾处置核准由住建局实施，执法局负责查处")
    _activate_by_keyboard(page, fix.get_by_role("button", name="End the assignment"))
    expect(page.get_by_role("status").first).to_contain_text("no longer exercises")
    expect(page.locator("#assignment-table tbody tr")).to_have_count(1)
    held.refresh_from_db()
    assert held.valid_to is not None

    # back to the findings: the finding is gone
    _activate_by_keyboard(page, page.get_by_role("link", name=re.compile("^Findings of")))
    expect(page.locator("#findings-dislocation")).not_to_contain_text(WASTE)

    # a reform plan abolishes the energy office: its functions are abolished, its staff go
    # to the agriculture bureau, so its duty is left without an owner
    plan = reform_services.reform_plan_create(
        actor=keqiao["officer"],
        name="柯桥区农村能源办公室撤销方案",
        document_number=DOCUMENT,
        effective_date=timezone.localdate(),
        region=keqiao["county"],
    )
    reform_services.reform_operation_add(
        actor=keqiao["officer"],
        plan=plan,
        kind="abolish",
        payload={
            "organization": keqiao["energy"].pk,
            "staff_to": keqiao["agriculture"].pk,
            "functions_abolished": True,
        },
    )
    reform_services.reform_plan_submit(actor=keqiao["officer"], plan=plan)

    page.goto(f"/reforms/{plan.pk}/review/")
    orphaned = page.locator("#impact-section-duties_orphaned")
    expect(orphaned).to_contain_text(BIOGAS)
    expect(orphaned).to_contain_text("blocks approval without an override")
    expect(page.locator("#impact-section-duty_findings_created")).to_contain_text(BIOGAS)
    assert_accessible(page, label="review (en)")
    _switch_language(page, "中文")
    expect(page.locator("#impact-section-duties_orphaned")).to_contain_text(BIOGAS)
    assert_accessible(page, label="review (zh)")
    page.goto(f"/duties/{keqiao['item'].pk}/")
    assert_accessible(page, label="duty (zh)")
    page.goto(f"/reforms/{plan.pk}/review/")
    _switch_language(page, "English")

    # approve without an override: refused, with the reason
    _activate_by_keyboard(page, page.get_by_role("button", name="Override and approve the plan"))
    expect(page.get_by_role("alert").first).to_contain_text("Refused")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    page.get_by_label("Reason for overriding the blocking impact").fill(
        "沼气工程验收事项已由省政府决定取消"
    )
    _activate_by_keyboard(page, page.get_by_role("button", name="Override and approve the plan"))
    expect(page.get_by_role("status").first).to_contain_text("approved and applied")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED
    assert plan.override_reason == "沼气工程验收事项已由省政体决定取消".replace("政体", "政府")
