"""Import and export of the catalog: XLSX with two sheets and CSV in two files, English or
Chinese headers, every bad row reported and nothing written, and the round trip."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from onevisit.catalog import exporters, selectors
from onevisit.catalog.choices import CaseType, MaterialSource, VersionState
from onevisit.catalog.importers import import_catalog
from onevisit.catalog.models import Material, ServiceItem, ServiceItemVersion
from onevisit.core.models import Role
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def county():
    return df.county()


@pytest.fixture
def world(county):
    """Two bureaus, each implementing one duty of the base catalog."""
    market = f.organization(name="桐庐县市场监督管理局", region=county)
    health = f.organization(name="桐庐县卫生健康局", region=county)
    licence = df.local_item(base=df.base_item("330000000101", "食品经营许可"), region=county)
    hygiene = df.local_item(base=df.base_item("330000000202", "公共场所卫生许可"), region=county)
    df.assign(licence, market)
    df.assign(hygiene, health)
    return {"market": market, "health": health, "licence": licence, "hygiene": hygiene}


@pytest.fixture
def catalog(world):
    """A published catalog: one item with two versions, one withdrawn, materials of every
    source."""
    food = cf.service_item(
        duty=world["licence"],
        organization=world["market"],
        catalog_code="330000000101",
        implementation_code="11330122MB0001-001",
    )
    hall = cf.service_item(
        duty=world["hygiene"],
        organization=world["health"],
        catalog_code="330000000202",
        implementation_code="11330122MB0002-001",
    )
    cf.published_item(item=hall, materials=["卫生许可申请书"], valid_from=D(2020, 1, 1))
    cf.published_item(
        item=food,
        materials=["食品经营许可申请书"],
        valid_from=D(2020, 1, 1),
        form_fields=[{"key": "shop_name", "label_zh": "店名", "type": "text", "required": True}],
        fee=True,
        fee_items=[{"name": "工本费", "standard": "0元", "legal_basis": "", "reduction": ""}],
    )
    v2 = cf.draft(food, promised_limit=3, onsite_visits=1, onsite_reason="现场核查经营场所")
    cf.material(
        v2,
        "营业执照",
        source=MaterialSource.ELECTRONIC_LICENCE,
        licence_type="business_licence",
        form="electronic",
    )
    cf.material(
        v2,
        "卫生许可证",
        source=MaterialSource.ISSUED_BY_ITEM,
        source_item=hall,
        required=False,
        shortfall_allowed=True,
    )
    cf.publish(v2, valid_from=D(2024, 3, 1))
    gone = cf.service_item(
        duty=world["hygiene"],
        organization=world["health"],
        catalog_code="330000000202",
        implementation_code="OLD-1",
    )
    cf.published_item(
        item=gone, valid_from=D(2020, 1, 1), case_type=CaseType.IMMEDIATE, promised_limit=0
    )
    from onevisit.catalog.services import service_item_retire

    service_item_retire(actor=None, item=gone, date=D(2022, 1, 1))
    return {"food": food, "hall": hall, "gone": gone}


def _xlsx_rows(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def _wipe():
    Material.objects.all().delete()
    ServiceItemVersion.objects.all().delete()
    ServiceItem.objects.all().delete()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsx_round_trip_with_materials(county, catalog, lang):
    out = io.BytesIO()
    count = exporters.export("xlsx", user=None, region=county, out=out, lang=lang)
    assert count == 4  # food v1, v2; hall v1; gone v1
    first = out.getvalue()
    sheets = _xlsx_rows(first)
    assert list(sheets) == (["事项", "申请材料"] if lang == "zh" else ["items", "materials"])
    _wipe()

    result = import_catalog(first, actor=None, region=county, filename="catalog.xlsx")
    assert result.ok, result.errors
    assert result.created == {"items": 3, "versions": 4, "materials": 6, "unchanged": 0}
    again = io.BytesIO()
    exporters.export("xlsx", user=None, region=county, out=again, lang=lang)
    assert _xlsx_rows(again.getvalue()) == sheets

    food = ServiceItem.objects.get(implementation_code="11330122MB0001-001")
    v1 = selectors.live_version(food, on=D(2023, 1, 1))
    v2 = selectors.live_version(food, on=D(2024, 3, 1))
    assert (v1.number, v1.valid_to, v2.number, v2.valid_to) == (1, D(2024, 3, 1), 2, None)
    assert v1.fee_items[0]["name"] == "工本费" and v1.form_fields[0]["key"] == "shop_name"
    issued = v2.materials.get(name="卫生许可证")
    assert issued.source_item.implementation_code == "11330122MB0002-001"
    assert issued.shortfall_allowed and issued.required is False
    gone = ServiceItem.objects.get(implementation_code="OLD-1")
    assert gone.retired_on == D(2022, 1, 1)
    assert gone.versions.get().state == VersionState.RETIRED

    # Importing the same file again changes nothing.
    result = import_catalog(first, actor=None, region=county, filename="catalog.xlsx")
    assert result.ok and result.created["unchanged"] == 4 and result.created["versions"] == 0


def test_csv_round_trip_in_two_files(county, catalog):
    items, materials = io.BytesIO(), io.BytesIO()
    exporters.export("csv", user=None, region=county, out=items, materials_out=materials)
    _wipe()
    result = import_catalog(
        items.getvalue(),
        actor=None,
        region=county,
        filename="items.csv",
        materials=materials.getvalue().decode("utf-8-sig").encode("gb18030"),
    )
    assert result.ok, result.errors
    assert Material.objects.count() == 6


ZH = [
    "基本编码",
    "实施编码",
    "事项名称",
    "事项类型",
    "实施主体",
    "行使层级",
    "法定办结时限",
    "承诺办结时限",
    "办件类型",
    "到办事现场次数",
    "是否网办",
    "审批结果名称",
]
MZH = ["实施编码", "材料名称", "材料必要性", "材料形式", "原件或复印件", "来源渠道", "证照类型"]


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode()


def test_chinese_headers_and_terms(county, world):
    items = _csv(
        ZH,
        [
            [
                "330000000101",
                "A-1",
                "食品经营许可",
                "行政许可",
                "桐庐县市场监督管理局",
                "县级",
                "20",
                "5个工作日",
                "承诺件",
                "0",
                "是",
                "食品经营许可证",
            ]
        ],
    )
    mats = _csv(
        MZH,
        [
            ["A-1", "申请书", "必要", "纸质", "原件", "申请人自备", ""],
            ["A-1", "营业执照", "必要", "电子", "原件", "电子证照", "营业执照"],
        ],
    )
    result = import_catalog(items, actor=None, region=county, materials=mats)
    assert result.ok, result.errors
    item = ServiceItem.objects.get(implementation_code="A-1")
    v = selectors.live_version(item)
    assert (v.promised_limit, v.case_type, v.online, v.type_code) == (5, "promised", True, 1)
    assert item.duty == world["licence"] and item.organization == world["market"]
    assert list(v.materials.values_list("source", flat=True)) == ["applicant", "electronic_licence"]


def test_every_bad_row_is_reported_and_nothing_is_written(county, world):
    items = _csv(
        ZH,
        [
            [
                "330000000101",
                "A-1",
                "食品经营许可",
                "行政许可",
                "桐庐县市场监督管理局",
                "县级",
                "20",
                "30",
                "承诺件",
                "0",
                "是",
                "许可证",
            ],  # promised > legal
            ["3300", "A-2", "x", "许可?", "不存在的局", "县级", "x", "", "", "", "也许", ""],
            [
                "330000000202",
                "A-3",
                "卫生许可",
                "行政许可",
                "桐庐县卫生健康局",
                "县级",
                "20",
                "5",
                "承诺件",
                "2",
                "否",
                "许可证",
            ],  # visits without reason
            [
                "330000000101",
                "A-4",
                "食品经营许可",
                "行政许可",
                "桐庐县卫生健康局",
                "县级",
                "20",
                "5",
                "承诺件",
                "0",
                "否",
                "许可证",
            ],  # duty not held by that bureau
        ],
    )
    mats = _csv(
        MZH,
        [
            ["A-1", "申请书", "", "纸质", "原件", "申请人自备", ""],
            ["A-9", "申请书", "必要", "纸质", "原件", "申请人自备", ""],
            ["A-3", "营业执照", "必要", "电子", "原件", "电子证照", ""],
        ],
    )
    result = import_catalog(items, actor=None, region=county, materials=mats)
    assert not result.imported and ServiceItem.objects.count() == 0
    by_row: dict[int, list[str]] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(f"{e.column}|{e.message}")
    text = lambda row: " ".join(by_row.get(row, []))  # noqa: E731
    assert "exceed" in text(2)
    assert "申请书" in text(2) and "required" in text(2)  # material gap, on its version's row
    for column in ("基本编码", "事项类型", "实施主体", "法定办结时限", "是否网办"):
        assert column in text(3), text(3)
    assert "reason" in text(4)
    assert "does not exercise" in text(5)
    from_materials = [e for e in result.errors if e.column.startswith("materials")]
    assert any("A-9" in e.message for e in from_materials)
    assert any("licence type" in e.message for e in from_materials)


def test_a_published_version_is_not_changed_by_import(county, catalog):
    out = io.BytesIO()
    exporters.export("xlsx", user=None, region=county, out=out, lang="en")
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book["items"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("name") + 1, value="改过的名称")
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalog(buffer.getvalue(), actor=None, region=county, filename="x.xlsx")
    assert not result.imported
    assert "never changes" in str(result.errors)


def test_import_is_scoped(county, world):
    clerk = f.UserFactory()
    f.grant(clerk, Role.DEPARTMENT_HEAD, region=county, organization=world["health"])
    items = _csv(
        ZH,
        [
            [
                "330000000101",
                "A-1",
                "食品经营许可",
                "行政许可",
                "桐庐县市场监督管理局",
                "县级",
                "20",
                "5",
                "承诺件",
                "0",
                "是",
                "许可证",
            ]
        ],
    )
    result = import_catalog(
        items,
        actor=clerk,
        region=county,
        materials=_csv(MZH, [["A-1", "申请书", "是", "纸质", "原件", "申请人自备", ""]]),
    )
    assert not result.imported and "may not change" in str(result.errors)


def test_commands(tmp_path, county, catalog):
    xlsx = tmp_path / "catalog.xlsx"
    call_command("export_catalog", "--region", "330122", "-o", str(xlsx))
    items, mats = tmp_path / "items.csv", tmp_path / "materials.csv"
    call_command(
        "export_catalog",
        "--region",
        "330122",
        "--format",
        "csv",
        "-o",
        str(items),
        "--materials-output",
        str(mats),
        "--headers",
        "en",
    )
    _wipe()
    call_command(
        "import_catalog", str(items), "--region", "330122", "--materials", str(mats), "--dry-run"
    )
    assert ServiceItem.objects.count() == 0
    call_command("import_catalog", str(xlsx), "--region", "330122")
    assert ServiceItemVersion.objects.count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(ZH, [["x", "", "", "", "", "", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError):
        call_command("import_catalog", str(bad), "--region", "330122")


def test_a_workbook_without_a_materials_sheet(county, world):
    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    sheet.append(ZH + ["无需材料"])
    sheet.append(
        [
            "330000000101",
            "A-1",
            "食品经营许可",
            "1",
            "桐庐县市场监督管理局",
            "县级",
            20,
            20,
            "即办件",
            0,
            "否",
            "许可证",
            "是",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalog(buffer.getvalue(), actor=None, region=county, filename="a.xlsx")
    assert result.ok, result.errors
    assert selectors.live_version(ServiceItem.objects.get()).no_materials
