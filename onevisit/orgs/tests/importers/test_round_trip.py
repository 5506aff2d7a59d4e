"""What is exported imports again: export, clear the registry, import, export the same."""

import io

import pytest
from openpyxl import load_workbook

from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.orgs.importers import exporters
from onevisit.orgs.importers.organizations import import_organizations
from onevisit.orgs.importers.quotas import import_quotas
from onevisit.orgs.importers.staff import import_staff
from onevisit.orgs.models import (
    Appointment,
    Charter,
    Organization,
    Person,
    PostBalance,
    QuotaBalance,
)
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


def _export(kind, fmt, user, region, lang):
    out = io.BytesIO()
    exporters.export(kind, fmt, user=user, region=region, lang=lang, out=out)
    return out.getvalue()


def _rows(data, fmt):
    if fmt == "csv":
        return [line.split(",") for line in data.decode("utf-8-sig").splitlines()]
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _clear_registry():
    Appointment.objects.all().delete()
    Person.objects.all().delete()
    QuotaBalance.objects.all().delete()
    PostBalance.objects.all().delete()
    Charter.objects.all().delete()
    Organization.objects.filter(managing_organization__isnull=False).delete()
    Organization.objects.all().delete()


@pytest.mark.parametrize(("fmt", "lang"), [("xlsx", "zh"), ("csv", "en")])
def test_export_then_import_gives_the_same_registry(tonglu, fmt, lang):
    officer = f.officer(tonglu)
    bureau = f.organization(
        name="桐庐县水利局",
        region=tonglu,
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 4), (QuotaCategory.SERVICE_STAFF, "", 1)],
    )
    centre = f.organization(
        name="桐庐县水文站",
        region=tonglu,
        kind=OrgKind.PUBLIC_INSTITUTION,
        institution_class="welfare_1",
        managing_organization=bureau,
        quotas=[(QuotaCategory.PUBLIC_INSTITUTION, "self", 3)],
    )
    for _ in range(3):
        f.appoint(bureau)
    f.appoint(
        centre,
        category="public_institution",
        funding_type="self",
        document_number="桐人〔2021〕2号",
    )

    files = {k: _export(k, fmt, officer, tonglu, lang) for k in exporters.KINDS}
    staff_rows = _rows(files["staff"], fmt)
    assert len(staff_rows) == 5 and "*" not in "".join(str(c) for c in staff_rows[1])
    quota_rows = _rows(files["quotas"], fmt)
    assert quota_rows[0][:7] == (
        ["单位名称", "行政区划", "编制类别", "经费形式", "核定编制数", "实有人数", "空编数"]
        if lang == "zh"
        else ["organization", "region", "category", "funding", "approved", "actual", "vacant"]
    )

    _clear_registry()
    for kind, importer in [
        ("organizations", import_organizations),
        ("quotas", import_quotas),
        ("staff", import_staff),
    ]:
        result = importer(files[kind], actor=officer, region=tonglu, filename=f"x.{fmt}")
        assert result.errors == [], kind
        assert result.imported

    again = {k: _export(k, fmt, officer, tonglu, lang) for k in exporters.KINDS}
    for kind in ("organizations", "staff", "quotas"):
        assert _rows(again[kind], fmt) == _rows(files[kind], fmt), kind
