"""Dislocation (错位): several lead organizations without a division of labour, a duty at a
level it is not exercised at, a duty delegated to a township that has no staff."""

import pytest

from onevisit.duties.analysis import analyze
from onevisit.duties.choices import AssignmentRole, FindingKind
from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.regions.models import Level
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

from ._analysis_world import bureau, codes, county, item, keys

pytestmark = pytest.mark.django_db


def test_two_leads_without_division_of_labour():
    a = bureau("桐庐县市场监督管理局", ["市场监管"])
    b = bureau("桐庐县商务局", ["市场监管"])
    duty = item("食品经营许可", "市场监管")
    df.assign(duty, a)
    df.assign(duty, b, division_of_labour="负责大型超市")
    found = codes(analyze(region=county()), "multiple_leads")
    assert [x.key for x in found] == [f"dislocation:multiple_leads:{duty.id}:330122"]
    assert found[0].kind == FindingKind.DISLOCATION
    assert a.name in found[0].explanation_zh and "没有写明分工" in found[0].explanation_zh


def test_leads_of_a_base_item_and_its_local_item_count_together():
    a = bureau("桐庐县市场监督管理局", ["市场监管"])
    b = bureau("桐庐县商务局", ["市场监管"])
    base = item("食品经营许可", "市场监管")
    df.assign(base, a)
    df.assign(df.local_item(base=base), b)
    assert keys(analyze(region=county()), "multiple_leads") == {
        f"dislocation:multiple_leads:{base.id}:330122"
    }


def test_declared_division_or_co_responsibility_is_not_dislocation():
    a = bureau("桐庐县市场监督管理局", ["市场监管"])
    b = bureau("桐庐县商务局", ["市场监管"])
    c = bureau("桐庐县农业农村局", ["市场监管"])
    declared = item("食品经营许可", "市场监管")
    helped = item("药品零售许可", "市场监管")
    df.assign(declared, a, division_of_labour="负责餐饮")
    df.assign(declared, b, division_of_labour="负责超市")
    df.assign(helped, a)
    df.assign(helped, c, role=AssignmentRole.CO_RESPONSIBLE)
    assert not codes(analyze(region=county()), "multiple_leads")


def test_same_lead_in_two_regions_is_not_dislocation():
    a = bureau("桐庐县市场监督管理局", ["市场监管"])
    keqiao = df.county("330603", "柯桥区")
    b = f.organization(name="柯桥区市场监督管理局", region=keqiao, functions=["市场监管"])
    duty = item("食品经营许可", "市场监管")
    df.assign(duty, a)
    df.assign(duty, b)
    assert not codes(analyze(), "multiple_leads")


def test_duty_placed_at_a_level_not_in_its_levels():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    city_item = item("城市总体规划审批", "市场监管", levels=[Level.PROVINCE, Level.CITY])
    county_item = item("食品经营许可", "市场监管")
    df.assign(city_item, org)
    df.assign(county_item, org)
    found = codes(analyze(region=county()), "wrong_level")
    assert [x.key for x in found] == [f"dislocation:wrong_level:{city_item.id}:{org.id}:330122"]
    assert "行使层级只有市级、省级" in found[0].explanation_zh


def _township(staffed: bool):
    town = f.RegionFactory(code="330122101", name="分水镇", level=Level.TOWNSHIP, parent=county())
    gov = f.organization(
        name="分水镇人民政府",
        region=town,
        level=Level.TOWNSHIP,
        kind=OrgKind.TOWNSHIP_GOVERNMENT,
        functions=["乡镇综合管理"],
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 5)],
    )
    if staffed:
        f.appoint(gov)
    return gov


def test_duty_delegated_to_a_township_without_staff():
    gov = _township(staffed=False)
    duty = item("农村宅基地审批", "乡镇综合管理", levels=[Level.COUNTY, Level.TOWNSHIP])
    df.assign(duty, gov, delegated=True)
    found = codes(analyze(region=county()), "delegated_unstaffed")
    assert [x.key for x in found] == [f"dislocation:delegated_unstaffed:{duty.id}:{gov.id}"]
    assert "没有在编人员" in found[0].explanation_zh


def test_duty_delegated_to_a_staffed_township_is_fine():
    gov = _township(staffed=True)
    duty = item("农村宅基地审批", "乡镇综合管理", levels=[Level.COUNTY, Level.TOWNSHIP])
    df.assign(duty, gov, delegated=True)
    assert not codes(analyze(region=county()), "delegated_unstaffed")


def test_a_clean_county_has_no_dislocation():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    df.assign(item("食品经营许可", "市场监管"), org)
    found = analyze(region=county())
    assert [x for x in found if x.kind == FindingKind.DISLOCATION] == []
    assert [x for x in found if x.kind == FindingKind.OFFSIDE] == []
    assert [x for x in found if x.kind == FindingKind.ABSENCE] == []
