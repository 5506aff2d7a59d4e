"""Quota import: one charter version per changed organization; no cut below the actual."""

import pytest

from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.orgs.importers.quotas import import_quotas
from onevisit.orgs.models import Charter, QuotaBalance
from onevisit.testing import factories as f

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["单位名称", "编制类别", "经费形式", "核定编制数", "文号", "生效日期"]


def _approved(org):
    return {
        (b.category, b.funding_type): (b.approved, b.actual)
        for b in QuotaBalance.objects.filter(organization=org)
    }


def test_quotas_are_changed_by_one_charter_per_organization(tonglu):
    officer = f.officer(tonglu)
    bureau = f.organization(
        name="桐庐县财政局",
        region=tonglu,
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 10)],
        posts={"head": 1},
    )
    centre = f.organization(
        name="桐庐县会计服务中心", region=tonglu, kind=OrgKind.PUBLIC_INSTITUTION, quotas=[]
    )
    rows = [
        ["桐庐县财政局", "行政编制", "", "12", "桐编〔2020〕3号", "2020-01-01"],
        ["桐庐县财政局", "工勤编制", "", "2", "", ""],
        ["桐庐县会计服务中心", "事业编制", "全额", "8", "桐编〔2020〕4号", ""],
    ]
    result = import_quotas(csv_bytes(HEADER, rows, "gb18030"), actor=officer, region=tonglu)
    assert result.errors == [] and result.imported
    assert result.created == {"charters": 2, "unchanged": 0}
    assert _approved(bureau) == {("administrative", ""): (12, 0), ("service_staff", ""): (2, 0)}
    assert _approved(centre) == {("public_institution", "full"): (8, 0)}
    current = Charter.objects.get(organization=bureau, valid_to__isnull=True)
    assert current.document_number == "桐编〔2020〕3号"
    assert {p.rank: p.approved for p in current.post_lines.all()} == {"head": 1}

    again = import_quotas(csv_bytes(HEADER, rows), actor=officer, region=tonglu)
    assert again.imported and again.created == {"charters": 0, "unchanged": 2}


def test_a_cut_below_the_actual_is_a_row_error_and_nothing_changes(tonglu):
    bureau = f.organization(
        name="桐庐县财政局", region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 3)]
    )
    other = f.organization(name="桐庐县审计局", region=tonglu)
    f.appoint(bureau)
    f.appoint(bureau)
    rows = [
        ["桐庐县审计局", "行政编制", "", "20", "桐编〔2020〕5号", ""],
        ["桐庐县财政局", "行政编制", "", "1", "桐编〔2020〕5号", ""],
        ["桐庐县审计局", "事业编制", "全额", "5", "桐编〔2020〕5号", ""],
        ["桐庐县审计局", "行政编制", "", "x", "桐编〔2020〕5号", ""],
    ]
    result = import_quotas(csv_bytes(HEADER, rows), actor=None, region=tonglu)
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "核定编制数"),
        (4, "编制类别"),
        (5, "核定编制数"),
    ]
    assert "Quota cut refused" in result.errors[0].message
    assert "has 2 staff" in result.errors[0].message
    assert _approved(bureau) == {("administrative", ""): (3, 2)}
    assert _approved(other) == {("administrative", ""): (10, 0)}


def test_a_change_without_a_document_is_refused(tonglu):
    f.organization(name="桐庐县财政局", region=tonglu)
    rows = [["桐庐县财政局", "行政编制", "", "11", "", ""]]
    result = import_quotas(csv_bytes(HEADER, rows), actor=None, region=tonglu)
    assert [(e.row, e.column) for e in result.errors] == [(2, "文号")]
