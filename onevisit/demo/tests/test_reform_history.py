"""The demo's history: the registry before 2018, the reform applied as real plans, a later
county plan, and one plan waiting for review. One small seed carries all the checks."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from onevisit.core.audit import verify_chain
from onevisit.demo.data import province
from onevisit.demo.data.reform_history import (
    DRUG_ADMINISTRATION,
    KEQIAO_PENDING,
    PROVINCE_HISTORY,
    PROVINCE_REFORM,
    TONGLU_REFORM,
)
from onevisit.orgs.choices import ORGAN_KINDS
from onevisit.orgs.history import quota_table_as_of
from onevisit.orgs.models import Appointment, Charter, Organization
from onevisit.reforms import selectors, services
from onevisit.reforms.models import OrganizationLink, PlanStatus, ReformPlan

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2017, 12, 31)
TODAY = timezone.localdate()
#: Every date the history changes on, and the days around them.
HISTORY_DATES = sorted(
    {
        datetime.date(2012, 6, 30),
        BEFORE,
        PROVINCE_REFORM.date - datetime.timedelta(days=1),
        PROVINCE_REFORM.date,
        datetime.date(2018, 12, 31),
        DRUG_ADMINISTRATION.date,
        TONGLU_REFORM.date,
        datetime.date(2019, 6, 30),
        datetime.date(2019, 12, 31),
        datetime.date(2020, 6, 30),
        TODAY,
    }
)


def names_on(date, region_code="33"):
    return {
        o.name
        for o in selectors.organizations_as_of(date=date)
        if o.region_code.startswith(region_code)
    }


def test_the_registry_before_2018_and_the_reform_as_plans():
    call_command("seed_demo", "--scale", "small", stdout=StringIO())

    # --- the plans ---------------------------------------------------------------------
    plans = {p.document_number: p for p in ReformPlan.objects.select_related("region")}
    assert plans[PROVINCE_REFORM.document].status == PlanStatus.APPLIED
    assert plans[DRUG_ADMINISTRATION.document].status == PlanStatus.APPLIED
    assert plans[TONGLU_REFORM.document].status == PlanStatus.APPLIED
    assert plans[TONGLU_REFORM.document].region.code == "330122"
    pending = plans[KEQIAO_PENDING.document]
    assert pending.region.code == "330603"
    assert pending.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
    assert pending.operations.filter(kind="merge").exists()
    check = services.reform_plan_check(plan=pending)
    assert check.findings == []
    assert plans[PROVINCE_REFORM.document].operations.count() >= 40

    # --- before and after -------------------------------------------------------------------
    before, now = names_on(BEFORE), names_on(TODAY)
    for old in ("浙江省国土资源厅", "浙江省环境保护厅", "浙江省安全生产监督管理局"):
        assert old in before and old not in now, old
    for new in ("浙江省自然资源厅", "浙江省生态环境厅", "浙江省应急管理厅", "浙江省退役军人事务厅"):
        assert new in now and new not in before, new
    for name, _why in province.ABOLISHED_2018:
        assert name in before and name not in now, name
    organs_now = Organization.objects.filter(
        region__code="33", kind__in=ORGAN_KINDS, valid_to=None
    ).values_list("name", flat=True)
    assert set(organs_now) == {spec.name for spec in province.ORGANS}
    # renamed organs keep their record and answer with their old name in the past
    for old, _en in PROVINCE_HISTORY.renamed_from.values():
        assert old in before and old not in now, old
    economy = Organization.objects.get(name="浙江省经济和信息化厅")
    assert economy.former_names.filter(name="浙江省经济和信息化委员会").exists()
    # Tonglu: the county bureaus merged in 2019
    assert "桐庐县国土资源局" in names_on(datetime.date(2018, 12, 31), "330122")
    assert "桐庐县自然资源和规划局" in names_on(TODAY, "330122")
    assert "桐庐县国土资源局" not in names_on(TODAY, "330122")

    # --- lineage ----------------------------------------------------------------------------
    natural = Organization.objects.get(name="浙江省自然资源厅")
    predecessors = {
        link.predecessor.name for link in selectors.lineage(organization=natural)["predecessors"]
    }
    assert {"浙江省国土资源厅", "浙江省测绘与地理信息局", "浙江省海洋与渔业局"} <= predecessors
    tonglu = Organization.objects.get(name="桐庐县自然资源和规划局")
    assert set(
        OrganizationLink.objects.filter(successor=tonglu).values_list(
            "predecessor__name", flat=True
        )
    ) == {"桐庐县国土资源局", "桐庐县规划局"}
    # every abolished organ says where it went
    for org in Organization.objects.exclude(valid_to=None):
        assert OrganizationLink.objects.filter(predecessor=org).exists(), org
        assert not Appointment.objects.filter(organization=org, end_date=None).exists(), org

    # --- charters and staff through time ------------------------------------------------------
    land = Organization.objects.get(name="浙江省国土资源厅")
    assert land.valid_to == PROVINCE_REFORM.date
    charter = Charter.objects.get(organization=land)
    assert datetime.date(2010, 1, 1) <= charter.effective_date <= datetime.date(2015, 12, 31)
    assert Appointment.objects.filter(organization=land, start_date__lt=land.valid_to).exists()
    assert Appointment.objects.filter(
        organization=natural, start_date=PROVINCE_REFORM.date, document_number__startswith="浙委发"
    ).exists()

    # --- never over-staffed, on any date of the history ---------------------------------------
    for date in HISTORY_DATES:
        for org in Organization.objects.filter(valid_from__lte=date):
            for key, row in quota_table_as_of(organization=org, date=date).items():
                assert row["actual"] <= row["approved"], (date, org.name, key, row)

    assert verify_chain() is None
