"""Offside (越位): no legal basis, outside the charter, a government power without
delegation, exercised but not on the list."""

import pytest

from onevisit.duties.analysis import Exercise, analyze, register_exercise_source
from onevisit.duties.analysis.sources import unregister_exercise_source
from onevisit.duties.choices import AssignmentRole, DutyCategory, FindingKind
from onevisit.orgs.choices import InstitutionClass, OrgKind
from onevisit.testing import duty_factories as df

from ._analysis_world import bureau, codes, county, item, keys

pytestmark = pytest.mark.django_db


def test_duty_without_legal_basis_is_offside():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    duty = df.base_item(name="食品经营许可", function="市场监管", legal_bases=[])
    df.assign(duty, org)
    found = codes(analyze(region=county()), "no_legal_basis")
    assert [x.key for x in found] == [f"offside:no_legal_basis:{duty.id}"]
    [finding] = found
    assert finding.kind == FindingKind.OFFSIDE
    assert ("organization", org.id, org.name) in finding.objects
    assert "法律法规依据" in finding.explanation_zh
    assert "legal basis" in finding.explanation_en
    assert finding.suggested_fix_zh and finding.suggested_fix_en
    assert len(finding.facts) == 64


def test_local_item_inherits_the_basis_of_its_base_item():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    base = item("食品经营许可", "市场监管")
    local = df.local_item(base=base, legal_bases=[])
    df.assign(local, org)
    assert not codes(analyze(region=county()), "no_legal_basis")


def test_duty_outside_the_charter_functions_is_offside():
    org = bureau("桐庐县文化和广电旅游体育局", ["文化市场管理"])
    duty = item("娱乐场所经营许可", "负责 文化市场管理。")  # same function, other spelling
    other = item("建设工程规划许可", "城乡规划管理")
    df.assign(duty, org)
    df.assign(other, org)
    found = codes(analyze(region=county()), "outside_charter")
    assert [x.key for x in found] == [f"offside:outside_charter:{other.id}:{org.id}"]
    assert "城乡规划管理" in found[0].explanation_zh


def test_co_responsible_organization_needs_no_charter_function_or_delegation():
    lead = bureau("桐庐县市场监督管理局", ["市场监管"])
    helper = bureau(
        "桐庐县检验检测中心",
        ["检验检测"],
        kind=OrgKind.PUBLIC_INSTITUTION,
        institution_class=InstitutionClass.WELFARE_2,
        quotas=[("public_institution", "full", 5)],
    )
    duty = item("食品安全抽检", "市场监管", category=DutyCategory.INSPECTION)
    df.assign(duty, lead)
    df.assign(duty, helper, role=AssignmentRole.CO_RESPONSIBLE, division_of_labour="承担检测")
    found = analyze(region=county())
    assert not codes(found, "outside_charter") and not codes(found, "undelegated_power")


def test_function_matching_ignores_width_case_and_punctuation():
    org = bureau("桐庐县自然资源和规划局", ["Land Management；"])
    duty = item("Land use permit", "land  management")
    df.assign(duty, org)
    assert not codes(analyze(region=county()), "outside_charter")


def test_government_power_in_a_public_institution_without_delegation():
    institution = bureau(
        "桐庐县城市管理服务中心",
        ["城市管理服务"],
        kind=OrgKind.PUBLIC_INSTITUTION,
        institution_class=InstitutionClass.WELFARE_1,
        quotas=[("public_institution", "full", 5)],
    )
    party = bureau("中共桐庐县委宣传部", ["城市管理服务"], kind=OrgKind.PARTY_ORGAN)
    penalty = item("违规设置户外广告的处罚", "城市管理服务", category=DutyCategory.PENALTY)
    service = item("城市管理咨询服务", "城市管理服务", category=DutyCategory.PUBLIC_SERVICE)
    delegated = item("占道经营的处罚", "城市管理服务", category=DutyCategory.PENALTY)
    df.assign(penalty, institution)
    df.assign(penalty, party, division_of_labour="宣传教育")
    df.assign(service, institution)
    df.assign(delegated, institution, delegated=True)
    found = keys(analyze(region=county()), "undelegated_power")
    assert found == {
        f"offside:undelegated_power:{penalty.id}:{institution.id}",
        f"offside:undelegated_power:{penalty.id}:{party.id}",
    }


def test_government_department_may_hold_powers_in_its_own_name():
    dept = bureau("桐庐县市场监督管理局", ["市场监管"])
    df.assign(item("食品经营许可", "市场监管"), dept)
    assert not codes(analyze(region=county()), "undelegated_power")


@pytest.fixture
def fake_cases():
    """A stand-in for the cases app: exercises reported through the source registry."""
    records: list[Exercise] = []

    @register_exercise_source("fake_cases")
    def source(*, region, as_of):
        return list(records)

    yield records
    unregister_exercise_source("fake_cases")


def test_exercise_of_a_duty_the_organization_does_not_hold_is_offside(fake_cases):
    holder = bureau("桐庐县市场监督管理局", ["市场监管"])
    other = bureau("桐庐县农业农村局", ["农业管理"])
    duty = item("食品经营许可", "市场监管")
    df.assign(duty, holder)
    fake_cases.extend(
        [
            Exercise(organization_id=holder.id, duty_id=duty.id, reference="案-1"),
            Exercise(organization_id=other.id, duty_id=duty.id, reference="案-2"),
            Exercise(organization_id=other.id, duty_id=duty.id, reference="案-3"),
            Exercise(organization_id=other.id, duty_id=None, reference="案-4", duty_label="罚款"),
        ]
    )
    found = codes(analyze(region=county()), "exercised_off_list")
    assert {x.key.rsplit(":", 1)[0] for x in found} == {
        f"offside:exercised_off_list:fake_cases:{other.id}"
    }
    assert len(found) == 2
    under_duty = next(x for x in found if x.key.endswith(f":{duty.id}"))
    assert "2" in under_duty.explanation_en and "案-2" in under_duty.explanation_zh
    off_list = next(x for x in found if x is not under_duty)
    assert "不在现行清单" in off_list.explanation_zh


def test_exercise_of_a_held_local_item_is_not_offside(fake_cases):
    holder = bureau("桐庐县市场监督管理局", ["市场监管"])
    base = item("食品经营许可", "市场监管")
    local = df.local_item(base=base)
    df.assign(local, holder)
    fake_cases.append(Exercise(organization_id=holder.id, duty_id=base.id, reference="案-1"))
    assert not codes(analyze(region=county()), "exercised_off_list")
