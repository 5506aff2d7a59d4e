"""Acceptance: a 5,000-row staff workbook with three bad rows is refused whole, naming
exactly those rows; corrected, it imports completely and the balances add up."""

import time

import pytest

from onevisit.core.models import AuditEntry
from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.orgs.importers.staff import import_staff
from onevisit.orgs.models import Appointment, Person, QuotaBalance
from onevisit.testing import factories as f

from .conftest import broken_check_digit, identity, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "单位名称", "行政区划", "编制类别", "经费形式", "进编日期"]
ROWS = 5000


def _balances():
    return {
        (b.organization.name, b.category, b.funding_type): (b.approved, b.actual)
        for b in QuotaBalance.objects.select_related("organization")
    }


def test_5000_rows_three_bad_then_corrected(tonglu):
    officer = f.officer(tonglu)
    orgs = [
        f.organization(
            name="桐庐县财政局", region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 1400)]
        ),
        f.organization(
            name="桐庐县公安局", region=tonglu, quotas=[(QuotaCategory.POLITICAL_LEGAL, "", 1400)]
        ),
        f.organization(
            name="桐庐县人民医院",
            region=tonglu,
            kind=OrgKind.PUBLIC_INSTITUTION,
            quotas=[(QuotaCategory.PUBLIC_INSTITUTION, "full", 1400)],
        ),
        f.organization(
            name="桐庐县水利局",
            region=tonglu,
            quotas=[
                (QuotaCategory.ADMINISTRATIVE, "", 1300),
                (QuotaCategory.SERVICE_STAFF, "", 10),
            ],
        ),
    ]
    plan = [  # (organization name as written, category, funding)
        ("桐庐县财政局", "行政编制", ""),
        ("桐庐县公安局", "政法专项编制", ""),
        ("桐庐县人民医院", "事业编制", "全额"),
        ("桐庐县水利局", "administrative", ""),
    ]
    rows = []
    for i in range(ROWS):
        name, category, funding = plan[i % 4]
        rows.append([f"职工{i:04d}", identity(i), name, "330122", category, funding, "2020-03-01"])
    # Full-width characters and stray spaces still name the organization (NFKC).
    rows[7][2] = "桐庐县　水利局 "
    good = [list(r) for r in rows]

    # Three bad rows; spreadsheet row = index + 2 (the header is row 1).
    rows[99][1] = broken_check_digit(rows[99][1])  # row 101: check digit
    rows[2499][2] = "桐庐县不存在局"  # row 2501: unknown organization
    rows[4001][4] = "工勤编制"  # row 4003: 桐庐县公安局 has no service-staff quota
    people_before, audit_before, balances_before = (
        Person.objects.count(),
        AuditEntry.objects.count(),
        _balances(),
    )

    bad_file = xlsx_bytes(HEADER, rows)
    started = time.monotonic()
    result = import_staff(bad_file, actor=officer, region=tonglu)
    refused_in = time.monotonic() - started

    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [
        (101, "身份证号"),
        (2501, "单位名称"),
        (4003, "编制类别"),
    ]
    assert "check digit" in result.errors[0].message
    assert "桐庐县不存在局" in result.errors[1].message
    assert result.errors[2].message == "桐庐县公安局 has no approved Service staff quota."
    assert Person.objects.count() == people_before
    assert Appointment.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    assert _balances() == balances_before

    good_file = xlsx_bytes(HEADER, good)
    started, cpu = time.monotonic(), time.process_time()
    result = import_staff(good_file, actor=officer, region=tonglu)
    imported_in, imported_cpu = time.monotonic() - started, time.process_time() - cpu

    assert result.errors == []
    assert result.imported
    assert result.created == {"appointments": ROWS, "people": ROWS}
    assert Appointment.objects.filter(end_date__isnull=True).count() == ROWS
    assert _balances() == {
        ("桐庐县财政局", "administrative", ""): (1400, 1250),
        ("桐庐县公安局", "political_legal", ""): (1400, 1250),
        ("桐庐县人民医院", "public_institution", "full"): (1400, 1250),
        ("桐庐县水利局", "administrative", ""): (1300, 1250),
        ("桐庐县水利局", "service_staff", ""): (10, 0),
    }
    assert Appointment.objects.filter(organization=orgs[3]).count() == 1250
    assert AuditEntry.objects.filter(action="appointment.create").count() == ROWS
    print(
        f"\n5,000 staff rows: refused in {refused_in:.1f} s, imported in {imported_in:.1f} s "
        f"({imported_cpu:.1f} s CPU)"
    )
    assert imported_in < 60
