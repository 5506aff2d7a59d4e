"""Absence (缺位): a base-catalog item nobody exercises where it must be, a charter function
no duty implements, a duty left with an abolished organization."""

import datetime

import pytest

from onevisit.duties import services as duty_services
from onevisit.duties.analysis import analyze
from onevisit.duties.choices import AssignmentRole, FindingKind
from onevisit.orgs import lifecycle
from onevisit.orgs.choices import OrgKind
from onevisit.regions.models import Level
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

from ._analysis_world import bureau, codes, county, item, keys

pytestmark = pytest.mark.django_db


def test_base_item_without_a_lead_in_a_county_that_has_organizations():
    tonglu = county()
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    held = item("食品经营许可", "市场监管")
    missing = item("药品零售许可", "市场监管")
    city_only = item("城市总体规划审批", "市场监管", levels=[Level.CITY])
    df.assign(held, org)
    found = codes(analyze(region=tonglu), "base_no_holder")
    assert [x.key for x in found] == [f"absence:base_no_holder:{missing.id}:330122"]
    assert found[0].kind == FindingKind.ABSENCE
    assert "桐庐县" in found[0].explanation_zh and "实施主体" in found[0].explanation_zh
    # The city has no organizations and no list: it is not expected to exercise anything.
    assert f"absence:base_no_holder:{city_only.id}:3301" not in keys(analyze(), "base_no_holder")


def test_base_item_is_covered_by_a_lead_holding_its_local_item():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    base = item("食品经营许可", "市场监管")
    df.assign(df.local_item(base=base), org)
    assert not codes(analyze(region=county()), "base_no_holder")


def test_a_co_responsible_holder_alone_does_not_cover_the_item():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    base = item("食品经营许可", "市场监管")
    df.assign(base, org, role=AssignmentRole.CO_RESPONSIBLE, division_of_labour="配合检查")
    assert keys(analyze(region=county()), "base_no_holder") == {
        f"absence:base_no_holder:{base.id}:330122"
    }


def test_items_of_another_province_do_not_apply():
    bureau("桐庐县市场监督管理局", ["市场监管"])
    item("江苏事项", "市场监管", region=df.province("32", "江苏省"))
    assert not codes(analyze(region=county()), "base_no_holder")


def test_charter_function_that_no_duty_implements():
    org = bureau("桐庐县市场监督管理局", ["市场监管", "计量管理"])
    df.assign(item("食品经营许可", "市场监管"), org)
    found = codes(analyze(region=county()), "function_without_duty")
    assert [x.objects[0][1] for x in found] == [org.id]
    assert "计量管理" in found[0].explanation_zh
    assert found[0].objects[1][2] == "计量管理"


def test_party_organs_are_not_expected_to_hold_powers():
    bureau("中共桐庐县委组织部", ["干部管理"], kind=OrgKind.PARTY_ORGAN)
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    df.assign(item("食品经营许可", "市场监管"), org)
    assert not codes(analyze(region=county()), "function_without_duty")


def test_region_without_a_list_is_not_reported_for_functions():
    bureau("桐庐县市场监督管理局", ["市场监管", "计量管理"])
    assert not codes(analyze(region=county()), "function_without_duty")


def test_duty_still_held_by_an_abolished_organization():
    org = bureau("桐庐县国土资源局", ["土地管理"])
    duty = item("建设用地审批", "土地管理")
    df.assign(duty, org)
    lifecycle.organization_abolish(actor=None, organization=org, date=datetime.date(2024, 1, 1))
    found = codes(analyze(region=county()), "abolished_holder")
    assert [x.key for x in found] == [f"absence:abolished_holder:{duty.id}:{org.id}"]
    assert "已于2024-01-01撤销" in found[0].explanation_zh
    # Before the abolition the organization still held it: no such absence then.
    before = analyze(region=county(), as_of=datetime.date(2023, 6, 1))
    assert not codes(before, "abolished_holder")


def test_ended_assignment_is_not_left_behind():
    org = bureau("桐庐县国土资源局", ["土地管理"])
    successor = bureau("桐庐县自然资源和规划局", ["土地管理"])
    duty = item("建设用地审批", "土地管理")
    assignment = df.assign(duty, org)
    duty_services.duty_assignment_move(
        actor=None, assignment=assignment, to_organization=successor, date=datetime.date(2023, 1, 1)
    )
    lifecycle.organization_abolish(actor=None, organization=org, date=datetime.date(2024, 1, 1))
    found = analyze(region=county())
    assert not codes(found, "abolished_holder")
    assert not codes(found, "base_no_holder")


def test_as_of_uses_the_windows_of_duties_and_assignments():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    duty = item("食品经营许可", "市场监管", valid_from=datetime.date(2022, 1, 1))
    df.assign(duty, org, valid_from=datetime.date(2023, 1, 1))
    # 2022: the item is in the catalog but nobody holds it yet.
    assert keys(analyze(region=county(), as_of=datetime.date(2022, 6, 1)), "base_no_holder") == {
        f"absence:base_no_holder:{duty.id}:330122"
    }
    # 2021: not in the catalog yet; 2024: held.
    assert not codes(analyze(region=county(), as_of=datetime.date(2021, 6, 1)), "base_no_holder")
    assert not codes(analyze(region=county(), as_of=datetime.date(2024, 6, 1)), "base_no_holder")


def test_analysis_of_one_region_leaves_the_others_out():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    duty = item("食品经营许可", "市场监管")
    other_county = df.county("330603", "柯桥区")
    f.organization(name="柯桥区市场监督管理局", region=other_county, functions=["市场监管"])
    df.assign(duty, org)
    assert not codes(analyze(region=county()), "base_no_holder")
    assert keys(analyze(), "base_no_holder") == {f"absence:base_no_holder:{duty.id}:330603"}
