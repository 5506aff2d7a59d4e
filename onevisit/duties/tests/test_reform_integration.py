"""Duties in reform plans: the impact report, the override it may need, and the move of the
duties when the plan is applied."""

import datetime

import pytest

from onevisit.core.audit import verify_chain
from onevisit.core.errors import Conflict
from onevisit.core.models import AuditEntry
from onevisit.duties.analysis import analyze
from onevisit.duties.models import DutyAssignment
from onevisit.reforms import services
from onevisit.reforms.models import PlanStatus
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

from ._analysis_world import LAW

pytestmark = pytest.mark.django_db

D = datetime.date(2021, 3, 1)


def _plan(region, ops):
    plan = services.reform_plan_create(
        actor=None,
        name="机构改革",
        document_number="桐编〔2021〕1号",
        effective_date=D,
        region=region,
    )
    for kind, payload in ops:
        services.reform_operation_add(actor=None, plan=plan, kind=kind, payload=payload)
    return services.reform_plan_submit(actor=None, plan=plan)


@pytest.fixture
def world():
    region = df.county("330122", "桐庐县")
    land = f.organization(name="桐庐县国土资源局", region=region, functions=["土地管理"])
    plan_ = f.organization(name="桐庐县规划局", region=region, functions=["城乡规划"])
    land_duty = df.base_item(name="建设用地审批", function="土地管理", legal_bases=LAW)
    plan_duty = df.base_item(name="建设工程规划许可", function="城乡规划", legal_bases=LAW)
    df.assign(land_duty, land)
    df.assign(plan_duty, plan_)
    return region, land, plan_, land_duty, plan_duty


def _current(duty):
    return set(
        DutyAssignment.objects.filter(duty=duty, valid_to__isnull=True).values_list(
            "organization__name", flat=True
        )
    )


def _sections(plan):
    return {s.key: s for s in services.reform_plan_check(plan=plan).impact}


def test_merge_moves_the_duties_to_the_new_bureau(world):
    region, land, plan_, land_duty, plan_duty = world
    plan = _plan(
        region,
        [
            (
                "establish",
                {
                    "key": "new:C",
                    "name": "桐庐县自然资源和规划局",
                    "org_kind": "government_department",
                    "region": "330122",
                    "level": "county",
                },
            ),
            ("merge", {"sources": [land.pk, plan_.pk], "into": "new:C"}),
        ],
    )
    sections = _sections(plan)
    assert "duties_orphaned" not in sections
    assert set(sections["duties_moved"].lines) == {
        f"{land_duty.code} 建设用地审批: 桐庐县国土资源局 → 桐庐县自然资源和规划局",
        f"{plan_duty.code} 建设工程规划许可: 桐庐县规划局 → 桐庐县自然资源和规划局",
    }
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED and plan.override_reason == ""
    assert _current(land_duty) == {"桐庐县自然资源和规划局"}
    assert _current(plan_duty) == {"桐庐县自然资源和规划局"}
    moved = DutyAssignment.objects.get(duty=land_duty, valid_to__isnull=True)
    assert moved.valid_from == D
    assert DutyAssignment.objects.get(duty=land_duty, organization=land).valid_to == D
    found = analyze(region=region)
    assert not [x for x in found if x.code in {"abolished_holder", "base_no_holder"}]
    assert verify_chain() is None


def test_merge_into_a_bureau_that_already_holds_the_duty(world):
    region, land, plan_, land_duty, _plan_duty = world
    df.assign(land_duty, plan_, division_of_labour="规划用地")
    plan = _plan(region, [("merge", {"sources": [land.pk], "into": plan_.pk})])
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    assert _current(land_duty) == {"桐庐县规划局"}


def test_abolished_functions_go_to_functions_to(world):
    region, land, plan_, land_duty, _ = world
    plan = _plan(region, [("abolish", {"organization": land.pk, "functions_to": plan_.pk})])
    assert "duties_orphaned" not in _sections(plan)
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    assert _current(land_duty) == {"桐庐县规划局"}


def test_split_sends_each_duty_with_its_function():
    region = df.county("330122", "桐庐县")
    old = f.organization(name="桐庐县国土规划局", region=region, functions=["土地管理", "城乡规划"])
    land = f.organization(name="桐庐县自然资源局", region=region, functions=["矿产管理"])
    town = f.organization(name="桐庐县住房和城乡建设局", region=region, functions=["住房保障"])
    land_duty = df.base_item(name="建设用地审批", function="土地管理", legal_bases=LAW)
    plan_duty = df.base_item(name="建设工程规划许可", function="城乡规划", legal_bases=LAW)
    df.assign(land_duty, old)
    df.assign(plan_duty, old)
    plan = _plan(
        region,
        [
            (
                "split",
                {
                    "source": old.pk,
                    "parts": [
                        {"into": land.pk, "functions": ["土地管理"]},
                        {"into": town.pk, "functions": ["城乡规划"]},
                    ],
                },
            )
        ],
    )
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    assert _current(land_duty) == {"桐庐县自然资源局"}
    assert _current(plan_duty) == {"桐庐县住房和城乡建设局"}


def test_plan_leaving_a_duty_without_owner_needs_an_override(world):
    region, land, _plan_, land_duty, _ = world
    plan = _plan(region, [("abolish", {"organization": land.pk, "functions_abolished": True})])
    sections = _sections(plan)
    orphaned = sections["duties_orphaned"]
    assert orphaned.blocking
    assert orphaned.lines == [
        f"{land_duty.code} 建设用地审批, held by 桐庐县国土资源局: "
        "no organization takes it over (absence)"
    ]
    created = sections["duty_findings_created"].lines
    assert any("[absence]" in line and "建设用地审批" in line for line in created)

    with pytest.raises(Conflict) as refused:
        services.reform_plan_approve(actor=None, plan=plan, today=D)
    assert refused.value.code == "needs_override"
    assert "建设用地审批" in str(refused.value) and "absence" in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    with pytest.raises(Conflict):
        services.reform_plan_approve(actor=None, plan=plan, today=D, override_reason="   ")

    services.reform_plan_approve(
        actor=None, plan=plan, today=D, override_reason="该审批事项已由省政府决定取消"
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED
    assert plan.override_reason == "该审批事项已由省政府决定取消"
    entry = AuditEntry.objects.filter(action="reform_plan.approve").latest("pk")
    assert "该审批事项已由省政府决定取消" in str(entry.after)
    # Nothing took the duty over: the analyzer now reports it left behind.
    codes = {x.code for x in analyze(region=region)}
    assert {"abolished_holder", "base_no_holder"} <= codes


def test_plan_clearing_a_finding_lists_it(world):
    region, land, plan_, land_duty, _ = world
    # 规划局 also exercises land approval outside its charter; a transfer of the function fixes it.
    df.assign(land_duty, plan_, division_of_labour="规划用地")
    plan = _plan(
        region,
        [
            (
                "transfer_function",
                {"source": land.pk, "target": plan_.pk, "function": "土地管理"},
            )
        ],
    )
    sections = _sections(plan)
    assert any("桐庐县规划局" in line for line in sections["duty_findings_cleared"].lines)
