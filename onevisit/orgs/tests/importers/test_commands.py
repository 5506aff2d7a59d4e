"""The management commands: progress on stderr, every bad row printed, exit status."""

import io

import pytest
from django.core.management import CommandError, call_command

from onevisit.orgs.choices import QuotaCategory
from onevisit.orgs.models import Appointment
from onevisit.testing import factories as f

from .conftest import broken_check_digit, identity, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "单位名称", "编制类别"]


def test_import_staff_reports_progress_and_refuses_bad_rows(tonglu, tmp_path):
    f.organization(
        name="桐庐县财政局", region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 1200)]
    )
    rows = [[f"人{i}", identity(i), "桐庐县财政局", "行政编制"] for i in range(1100)]
    good = tmp_path / "staff.xlsx"
    good.write_bytes(xlsx_bytes(HEADER, rows))
    rows[5][1] = broken_check_digit(rows[5][1])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes(HEADER, rows))

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_staff", str(bad), "--region", "330122", stdout=out, stderr=err)
    assert out.getvalue().startswith("7\t身份证号\t")
    assert "checked 500/1100 rows (45%)" in err.getvalue()
    assert Appointment.objects.count() == 0

    out, err = io.StringIO(), io.StringIO()
    call_command("import_staff", str(good), "--region", "330122", stdout=out, stderr=err)
    assert "Imported 1100 rows" in out.getvalue()
    assert "imported 1100/1100 rows (100%)" in err.getvalue()
    assert Appointment.objects.count() == 1100


def test_export_registry_writes_the_files(tonglu, tmp_path):
    org = f.organization(name="桐庐县财政局", region=tonglu)
    person = f.person(name="张三")
    f.appoint(org, person=person)
    target = tmp_path / "staff.csv"
    err = io.StringIO()
    call_command(
        "export_registry",
        "staff",
        "--region",
        "330122",
        "--format",
        "csv",
        "--output",
        str(target),
        stderr=err,
    )
    text = target.read_text("utf-8-sig")
    assert text.splitlines()[0].startswith("姓名,身份证号,单位名称")
    assert person.identity_number not in text  # masked unless asked
    assert "Exported 1 rows" in err.getvalue()
    call_command(
        "export_registry",
        "staff",
        "--region",
        "330122",
        "--format",
        "csv",
        "--output",
        str(target),
        "--show-identity-numbers",
        stderr=err,
    )
    assert person.identity_number in target.read_text("utf-8-sig")
    call_command(
        "export_registry",
        "organizations",
        "--region",
        "330122",
        "--output",
        str(tmp_path / "orgs.xlsx"),
        stderr=err,
    )
    assert (tmp_path / "orgs.xlsx").read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError):
        call_command("import_quotas", str(tmp_path / "missing.xlsx"), "--region", "330122")
