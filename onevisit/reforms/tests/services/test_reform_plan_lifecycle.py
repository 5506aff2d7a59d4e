import datetime

import pytest

from onevisit.core.audit import verify_chain
from onevisit.core.errors import Conflict, ValidationFailed
from onevisit.orgs.models import Appointment, Charter, FormerName, Organization, QuotaBalance
from onevisit.reforms import services
from onevisit.reforms.models import OrganizationLink, PlanStatus
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date(2021, 3, 1)
S = datetime.date(2020, 1, 1)


def _plan(region, ops, date=D):
    plan = services.reform_plan_create(
        actor=None,
        name="机构改革",
        document_number="桐编〔2021〕1号",
        effective_date=date,
        region=region,
    )
    for kind, payload in ops:
        services.reform_operation_add(actor=None, plan=plan, kind=kind, payload=payload)
    return services.reform_plan_submit(actor=None, plan=plan)


@pytest.fixture
def two_bureaus():
    region = f.RegionFactory(code="330122")
    a = f.organization(
        name="桐庐县国土资源局",
        region=region,
        functions=["土地管理"],
        quotas=[("administrative", "", 5)],
        posts={"head": 1, "deputy": 2},
    )
    b = f.organization(
        name="桐庐县规划局",
        region=region,
        functions=["城乡规划"],
        quotas=[("administrative", "", 4)],
        posts={"head": 1, "deputy": 1},
    )
    for _ in range(3):
        f.appoint(a, start_date=S)
    for _ in range(2):
        f.appoint(b, start_date=S)
    f.appoint(a, post_rank="head", start_date=S)
    return region, a, b


def test_merge_into_a_new_bureau_moves_everything(two_bureaus):
    region, a, b = two_bureaus
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
            ("merge", {"sources": [a.pk, b.pk], "into": "new:C"}),
        ],
    )
    check = services.reform_plan_check(plan=plan)
    assert check.ok, check.findings
    sections = {s.key: s for s in check.impact}
    assert sections["created"].lines == ["桐庐县自然资源和规划局"]
    assert set(sections["abolished"].lines) == {"桐庐县国土资源局", "桐庐县规划局"}
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED
    c = Organization.objects.get(name="桐庐县自然资源和规划局")
    assert c.valid_from == D
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.valid_to == D and b.valid_to == D
    balance = QuotaBalance.objects.get(organization=c, category="administrative")
    assert (balance.approved, balance.actual) == (9, 6)
    charter = Charter.objects.get(organization=c, valid_to__isnull=True)
    assert {fn.text for fn in charter.functions.all()} == {"土地管理", "城乡规划"}
    assert (
        Appointment.objects.filter(organization=c, end_date__isnull=True, post_rank="head").count()
        == 1
    )
    assert set(
        OrganizationLink.objects.filter(successor=c).values_list("predecessor", flat=True)
    ) == {a.pk, b.pk}
    assert verify_chain() is None


def test_over_staffing_after_quota_move_cannot_be_approved(two_bureaus):
    region, a, b = two_bureaus
    plan = _plan(
        region,
        [
            (
                "transfer_quota",
                {"source": a.pk, "target": b.pk, "category": "administrative", "count": 2},
            ),
        ],
    )
    with pytest.raises(Conflict, match="Operation 1") as exc:
        services.reform_plan_approve(actor=None, plan=plan, today=D)
    assert "4 staff" in str(exc.value) and "only 3 approved" in str(exc.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_abolition_must_say_where_people_and_functions_go(two_bureaus):
    region, a, _b = two_bureaus
    plan = _plan(region, [("abolish", {"organization": a.pk})])
    check = services.reform_plan_check(plan=plan)
    codes = {(x.position, x.code) for x in check.findings}
    assert (1, "orphaned_staff") in codes and (1, "function_lost") in codes
    with pytest.raises(Conflict, match="Operation 1"):
        services.reform_plan_approve(actor=None, plan=plan, today=D)


def test_conflicting_approved_plan_blocks_the_second(two_bureaus):
    region, a, b = two_bureaus
    first = _plan(region, [("merge", {"sources": [b.pk], "into": a.pk})], date=D)
    services.reform_plan_approve(actor=None, plan=first, today=D - datetime.timedelta(days=30))
    second = _plan(
        region,
        [("rename", {"organization": b.pk, "name": "新名称"})],
        date=D - datetime.timedelta(days=1),
    )
    with pytest.raises(Conflict, match="also changed by the approved plan"):
        services.reform_plan_approve(actor=None, plan=second, today=D - datetime.timedelta(days=30))


def test_plan_validated_against_earlier_approved_plans(two_bureaus):
    region, a, b = two_bureaus
    first = _plan(region, [("merge", {"sources": [b.pk], "into": a.pk})], date=D)
    services.reform_plan_approve(actor=None, plan=first, today=D - datetime.timedelta(days=30))
    later = _plan(
        region,
        [("rename", {"organization": b.pk, "name": "新名称"})],
        date=D + datetime.timedelta(days=10),
    )
    check = services.reform_plan_check(plan=later)
    assert [x.code for x in check.findings] == ["abolished"]


def test_future_plan_waits_and_applies_exactly_once(two_bureaus):
    region, a, _b = two_bureaus
    plan = _plan(region, [("rename", {"organization": a.pk, "name": "桐庐县自然资源局"})])
    services.reform_plan_approve(actor=None, plan=plan, today=D - datetime.timedelta(days=5))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert services.reform_plans_apply_due(today=D - datetime.timedelta(days=1)) == []
    assert services.reform_plans_apply_due(today=D) == [plan.pk]
    assert services.reform_plans_apply_due(today=D) == []
    assert services.reform_plan_apply(actor=None, plan=plan) is False
    a.refresh_from_db()
    assert a.name == "桐庐县自然资源局"
    former = FormerName.objects.get(organization=a)
    assert former.name == "桐庐县国土资源局" and former.valid_to == D


def test_bad_operation_parameters_are_a_clear_error(two_bureaus):
    region, a, _b = two_bureaus
    plan = services.reform_plan_create(
        actor=None, name="x", document_number="y", effective_date=D, region=region
    )
    with pytest.raises(ValidationFailed, match="count"):
        services.reform_operation_add(
            actor=None,
            plan=plan,
            kind="transfer_quota",
            payload={"source": a.pk, "target": a.pk, "category": "administrative", "count": 0},
        )


def test_people_keep_an_internal_body_of_the_same_name_and_new_orgs_get_credit_codes():
    from stdnum.cn import uscc

    region = f.RegionFactory(code="330122")
    a = f.organization(name="甲局", region=region, bodies=[("办公室", "日常事务")])
    body = a.charters.get(valid_to__isnull=True).internal_bodies.get(name="办公室")
    f.appoint(a, start_date=S, internal_body=body)
    code17 = "11330122MB0000001"
    code = code17 + uscc.calc_check_digit(code17)
    plan = _plan(
        region,
        [
            (
                "establish",
                {
                    "key": "new:C",
                    "name": "乙局",
                    "org_kind": "government_department",
                    "region": "330122",
                    "level": "county",
                    "credit_code": code,
                    "internal_bodies": [["办公室", "日常事务"], ["综合科", ""]],
                },
            ),
            ("merge", {"sources": [a.pk], "into": "new:C"}),
        ],
    )
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    c = Organization.objects.get(name="乙局")
    assert c.credit_code == code
    moved = Appointment.objects.get(organization=c, end_date__isnull=True)
    assert moved.internal_body is not None and moved.internal_body.name == "办公室"
    assert moved.internal_body.charter.valid_to is None
