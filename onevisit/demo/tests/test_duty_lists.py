"""The demo's power and responsibility lists: Keqiao carries one of each deliberate fault
for the analyzer; Tonglu, built the same way, carries none of them."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from onevisit.duties.analysis import analyze
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.regions.models import Region

pytestmark = pytest.mark.django_db

#: The deliberate faults of Keqiao's list (the analyzer's codes).
DELIBERATE = {
    "no_legal_basis",  # a local levy without a legal basis
    "undelegated_power",  # a penalty held by a business-type institution in its own name
    "base_no_holder",  # a base item nobody in the district holds
    "multiple_leads",  # construction waste held by two bureaus without a division
    "wrong_level",  # a province-only item held by the district's market regulator
    "function_without_duty",  # an institution function with no item
}


def test_keqiao_has_each_deliberate_fault_and_tonglu_none():
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    keqiao = Region.objects.get(code="330603")
    found = analyze(region=keqiao)
    codes = Counter(f.code for f in found)
    assert set(codes) >= DELIBERATE, codes
    by_code = {c: [f for f in found if f.code == c] for c in DELIBERATE}
    assert any(
        "轻纺城市场摊位管理费收取" in o[2] for f in by_code["no_legal_basis"] for o in f.objects
    )
    assert any("中国轻纺城市场服务中心" in f.explanation_zh for f in by_code["undelegated_power"])
    assert any("特种设备使用登记" in f.explanation_zh for f in by_code["base_no_holder"])
    assert any("建筑垃圾处置核准" in f.explanation_zh for f in by_code["multiple_leads"])
    assert any("检验检测机构资质认定" in f.explanation_zh for f in by_code["wrong_level"])
    assert any(
        "中国轻纺城市场服务中心" in f.explanation_zh for f in by_code["function_without_duty"]
    )
    assert all(f.objects and f.explanation_zh and f.suggested_fix_en for f in found)

    tonglu = Region.objects.get(code="330122")
    clean = [f for f in analyze(region=tonglu) if f.code in DELIBERATE | {"outside_charter"}]
    assert not clean, [f.explanation_en for f in clean[:5]]

    # the lists: a base catalog, derived lists with local additions and their reasons
    base = Duty.objects.filter(region__code="33", is_base_catalog=True)
    assert 60 <= base.count() <= 140
    assert not base.filter(legal_bases=None).exists()
    assert set(base.values_list("category", flat=True)) >= {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20}
    for code in ("3301", "330122", "330603"):
        items = Duty.objects.filter(region__code=code)
        assert items.filter(base__isnull=False).count() > 40, code
        local = items.filter(base__isnull=True)
        assert local.exists() and not local.filter(local_reason="").exists(), code
    # the item delegated to a street of each county, with its division of labour
    delegated = DutyAssignment.objects.filter(delegated=True).select_related("organization")
    assert {a.region.code for a in delegated} == {"330122", "330603"}
    assert all(a.division_of_labour and "街道" in a.organization.name for a in delegated)
