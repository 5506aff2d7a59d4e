"""Service items in reform plans: an item follows its duty to the successor organization."""

import datetime

import pytest

from onevisit.catalog.models import ServiceItem
from onevisit.core.models import AuditEntry
from onevisit.reforms import services
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date(2021, 3, 1)
LAW = [("《中华人民共和国土地管理法》", "第四十四条", "")]


def _plan(region, ops):
    plan = services.reform_plan_create(
        actor=None,
        name="机构改革",
        document_number="桐编〔2021〕2号",
        effective_date=D,
        region=region,
    )
    for kind, payload in ops:
        services.reform_operation_add(actor=None, plan=plan, kind=kind, payload=payload)
    return services.reform_plan_submit(actor=None, plan=plan)


def _sections(plan):
    return {s.key: s for s in services.reform_plan_check(plan=plan).impact}


def test_merge_moves_the_items_of_the_abolished_bureau():
    region = df.county("330122", "桐庐县")
    land = f.organization(name="桐庐县国土资源局", region=region, functions=["土地管理"])
    nature = f.organization(name="桐庐县自然资源局", region=region, functions=["矿产管理"])
    duty = df.base_item(name="建设用地审批", function="土地管理", legal_bases=LAW)
    item, _version = cf.published_item(item=cf.service_item(duty=duty, organization=land))
    other, _ = cf.published_item(item=cf.service_item(organization=nature))
    plan = _plan(region, [("merge", {"sources": [land.pk], "into": nature.pk})])
    sections = _sections(plan)
    assert sections["items_moved"].lines == [
        f"{item.implementation_code} 建设用地审批: 桐庐县国土资源局 → 桐庐县自然资源局"
    ]
    assert "items_stranded" not in sections
    services.reform_plan_approve(actor=None, plan=plan, today=D)
    assert ServiceItem.objects.get(pk=item.pk).organization_id == nature.pk
    assert ServiceItem.objects.get(pk=other.pk).organization_id == nature.pk
    entry = AuditEntry.objects.get(action="service_item.transfer", object_id=str(item.pk))
    assert entry.legal_basis == "桐编〔2021〕2号"
    assert entry.before["organization"] == land.pk


def test_abolished_functions_strand_the_item():
    region = df.county("330122", "桐庐县")
    land = f.organization(name="桐庐县国土资源局", region=region, functions=["土地管理"])
    duty = df.base_item(name="建设用地审批", function="土地管理", legal_bases=LAW)
    cf.published_item(item=cf.service_item(duty=duty, organization=land))
    plan = _plan(region, [("abolish", {"organization": land.pk, "functions_abolished": True})])
    section = _sections(plan)["items_stranded"]
    assert section.blocking
    assert "桐庐县国土资源局" in section.lines[0]
