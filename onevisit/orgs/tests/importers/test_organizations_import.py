"""Organization import: through organization_create, managers first, every bad row listed."""

import pytest

from onevisit.core.models import AuditEntry
from onevisit.orgs.importers.organizations import import_organizations
from onevisit.orgs.models import Organization
from onevisit.testing import factories as f

from .conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = [
    "机构名称",
    "机构类型",
    "事业单位类别",
    "行政区划",
    "主管单位",
    "统一社会信用代码",
    "成立日期",
]


def test_organizations_are_created_with_managers_from_the_same_file(tonglu):
    officer = f.officer(tonglu)
    rows = [
        [
            "桐庐县水利水电服务中心",
            "事业单位",
            "公益一类",
            "330122",
            "桐庐县水利局",
            "",
            "2019-03-01",
        ],
        ["桐庐县水利局", "政府组成部门", "", "330122", "", "", "2019年1月1日"],
    ]
    result = import_organizations(
        xlsx_bytes(HEADER, rows), actor=officer, region=tonglu, document_number="桐编〔2019〕1号"
    )
    assert result.errors == [] and result.imported
    assert result.created == {"organizations": 2}
    centre = Organization.objects.get(name="桐庐县水利水电服务中心")
    assert centre.kind == "public_institution" and centre.institution_class == "welfare_1"
    assert centre.managing_organization.name == "桐庐县水利局"
    assert centre.level == "county"
    assert AuditEntry.objects.filter(action="organization.create", actor=officer).count() == 2
    assert AuditEntry.objects.filter(legal_basis="桐编〔2019〕1号").count() == 2


def test_every_bad_row_is_reported_and_nothing_is_created(tonglu):
    f.organization(name="桐庐县财政局", region=tonglu)
    before = Organization.objects.count()
    rows = [
        ["桐庐县财 政局", "政府组成部门", "", "330122", "", "", ""],  # already registered
        ["桐庐县新局", "衙门", "", "330122", "", "", ""],  # unknown kind
        ["桐庐县审计局", "政府组成部门", "公益一类", "330122", "", "", ""],  # class on an organ
        ["桐庐县统计局", "政府组成部门", "", "330603", "", "", ""],  # outside / unknown region
        ["桐庐县档案馆", "事业单位", "", "330122", "桐庐县不存在局", "123", "yesterday"],
        ["桐庐县审计局", "政府组成部门", "", "330122", "", "", ""],  # twice in the file
    ]
    result = import_organizations(csv_bytes(HEADER, rows), actor=None, region=tonglu)
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "机构名称"),
        (3, "机构类型"),
        (4, "事业单位类别"),
        (5, "行政区划"),
        (6, "统一社会信用代码"),
        (6, "成立日期"),
        (6, "主管单位"),
        (7, "机构名称"),
    ]
    assert "first in row 4" in result.errors[-1].message
    assert Organization.objects.count() == before


def test_an_officer_may_not_import_into_another_region(tonglu):
    keqiao = f.RegionFactory(code="330603", name="柯桥区")
    officer = f.officer(keqiao)
    rows = [["桐庐县水利局", "政府组成部门", "", "330122", "", "", ""]]
    result = import_organizations(csv_bytes(HEADER, rows), actor=officer, region=tonglu)
    assert [(e.row, e.column) for e in result.errors] == [(2, "行政区划")]
