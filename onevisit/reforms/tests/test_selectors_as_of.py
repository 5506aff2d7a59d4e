import datetime

import pytest

from onevisit.orgs.models import Organization
from onevisit.reforms import selectors, services
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date(2021, 3, 1)
S = datetime.date(2020, 1, 1)


def test_tree_diff_and_lineage_through_a_merge():
    region = f.RegionFactory(code="330122")
    a = f.organization(
        name="桐庐县国土资源局",
        region=region,
        functions=["土地管理"],
        quotas=[("administrative", "", 5)],
    )
    b = f.organization(
        name="桐庐县规划局",
        region=region,
        functions=["城乡规划"],
        quotas=[("administrative", "", 4)],
    )
    f.appoint(a, start_date=S)
    f.appoint(b, start_date=S)
    plan = services.reform_plan_create(
        actor=None,
        name="桐庐县机构改革",
        document_number="桐委发〔2021〕3号",
        effective_date=D,
        region=region,
    )
    services.reform_operation_add(
        actor=None,
        plan=plan,
        kind="establish",
        payload={
            "key": "new:C",
            "name": "桐庐县自然资源和规划局",
            "org_kind": "government_department",
            "region": "330122",
            "level": "county",
        },
    )
    services.reform_operation_add(
        actor=None, plan=plan, kind="merge", payload={"sources": [a.pk, b.pk], "into": "new:C"}
    )
    services.reform_operation_add(
        actor=None,
        plan=plan,
        kind="rename",
        payload={"organization": "new:C", "name": "桐庐县自然资源和规划局"},
    )
    services.reform_plan_submit(actor=None, plan=plan)
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    c = Organization.objects.get(name="桐庐县自然资源和规划局")

    before = {
        o.name
        for o in selectors.organizations_as_of(date=D - datetime.timedelta(days=1), region=region)
    }
    after = {o.name for o in selectors.organizations_as_of(date=D, region=region)}
    assert before == {"桐庐县国土资源局", "桐庐县规划局"}
    assert after == {"桐庐县自然资源和规划局"}

    diff = selectors.registry_diff(start=D - datetime.timedelta(days=1), end=D, region=region)
    assert [o.name for o in diff.established] == ["桐庐县自然资源和规划局"]
    assert {o.name for o in diff.abolished} == {"桐庐县国土资源局", "桐庐县规划局"}
    assert {(link.predecessor.name, link.successor.name) for link in diff.merged} == {
        ("桐庐县国土资源局", "桐庐县自然资源和规划局"),
        ("桐庐县规划局", "桐庐县自然资源和规划局"),
    }
    assert ("桐庐县国土资源局", "桐庐县自然资源和规划局", "土地管理") in diff.function_moves
    assert ("桐庐县自然资源和规划局", "administrative", 0, 9) in diff.quota_deltas

    assert selectors.staff_count_as_of(organization=a, date=D - datetime.timedelta(days=1)) == 1
    assert selectors.staff_count_as_of(organization=a, date=D) == 0
    assert selectors.staff_count_as_of(organization=c, date=D) == 2
    table = selectors.quota_table_as_of(organization=c, date=D)
    assert table[("administrative", "")] == {"approved": 9, "actual": 2}
    assert selectors.charter_as_of(organization=a, date=D) is None
    assert selectors.charter_as_of(organization=a, date=S) is not None

    preds = {link.predecessor.name for link in selectors.lineage(organization=c)["predecessors"]}
    assert preds == {"桐庐县国土资源局", "桐庐县规划局"}
    assert [link.successor.pk for link in selectors.lineage(organization=a)["successors"]] == [c.pk]


def test_names_as_of_follow_renames():
    region = f.RegionFactory(code="330122")
    a = f.organization(name="旧名", region=region)
    plan = services.reform_plan_create(
        actor=None, name="更名", document_number="X", effective_date=D, region=region
    )
    services.reform_operation_add(
        actor=None, plan=plan, kind="rename", payload={"organization": a.pk, "name": "新名"}
    )
    services.reform_plan_submit(actor=None, plan=plan)
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    assert [o.name for o in selectors.organizations_as_of(date=S, region=region)] == ["旧名"]
    assert [o.name for o in selectors.organizations_as_of(date=D, region=region)] == ["新名"]
    diff = selectors.registry_diff(start=S, end=D, region=region)
    assert diff.renamed == [("旧名", "新名")]
