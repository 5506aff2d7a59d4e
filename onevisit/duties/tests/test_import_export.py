"""Import of lists with English or Chinese headers, CSV in GB18030 and XLSX, every kind of
bad row; export; export → import round trip; the commands."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from onevisit.duties import exporters
from onevisit.duties.importers import (
    format_legal_basis,
    import_duties,
    parse_legal_bases,
    parse_legal_basis,
    parse_levels,
)
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.orgs.models import Organization
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

from .listgen import to_csv

pytestmark = pytest.mark.django_db

EN = ["code", "name", "type", "department", "level", "region", "legal_basis", "division"]
ZH = ["事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "行政区划", "设定依据", "分工"]


def csv_bytes(header, rows, encoding="utf-8"):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["桐庐县权力清单（2024年版）"])  # a title row above the header
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def county():
    return df.county()


@pytest.fixture
def orgs(county):
    town = f.RegionFactory(code="330122101", name="桐君街道", parent=county)
    return {
        "planning": f.organization(name="桐庐县自然资源和规划局", region=county),
        "market": f.organization(name="桐庐县市场监督管理局(知识产权局)", region=county),
        "town": f.organization(
            name="桐君街道办事处", region=town, kind="township_government", level="township"
        ),
    }


ROWS = [
    ["330122-XK-0001", "建设工程规划许可证核发", "1", "桐庐县 自然资源和规划局", "县级", "330122",
     "《中华人民共和国城乡规划法》第四十条第一款；《浙江省城乡规划条例》第三十五条", ""],
    ["330122-CF-0001", "对未取得食品经营许可从事食品经营活动的行政处罚", "2",
     "桐庐县市场监督管理局（知识产权局）", "县级、乡镇级", "",
     "《中华人民共和国食品安全法》第一百二十二条", "负责立案查处"],
    ["330122-CF-0001", "", "", "桐君街道办事处", "", "330122101", "", "负责日常巡查"],
    ["330122-JC-0001", "对食品生产经营者的监督检查", "行政检查", "桐庐县市场监督管理局(知识产权局)",
     "county/township", "",
     "Food Safety Law article 87 clause 1\nAdministrative Inspection Rules", ""],
]  # fmt: skip


def test_parsers():
    assert parse_legal_basis("《中华人民共和国城乡规划法》第四十条第一款") == (
        "中华人民共和国城乡规划法",
        "第四十条",
        "第一款",
    )
    assert parse_legal_basis("《行政许可法》第12条之一") == ("行政许可法", "第12条之一", "")
    assert parse_legal_basis("《条例》第五条第二款第(三)项") == ("条例", "第五条", "第二款第(三)项")
    assert parse_legal_basis("Food Safety Law, art. 87") == ("Food Safety Law", "87", "")
    assert parse_legal_basis("国务院决定") == ("国务院决定", "", "")
    assert len(parse_legal_bases("《甲》第一条;《乙》第二条\n《丙》第三条")) == 3
    for text in ("《甲法》第一条第二款", "Food Law article 5 clause 2", "国务院决定"):
        assert parse_legal_basis(format_legal_basis(*parse_legal_basis(text))) == (
            parse_legal_basis(text)
        )
    assert parse_levels("省级/市级/县级") == ["province", "city", "county"]
    assert parse_levels("县(市、区)级，乡镇级") == ["county", "township"]
    assert parse_levels("county, township") == ["county", "township"]
    assert parse_levels("国家级") is None


@pytest.mark.parametrize("header", [EN, ZH])
def test_csv_gb18030_and_headers_in_either_language(county, orgs, header):
    officer = f.officer(county)
    data = csv_bytes(header, ROWS, "gb18030" if header is ZH else "utf-8")
    result = import_duties(data, actor=officer, region=county, local_reason="本县实施清单")
    assert result.errors == [] and result.imported
    assert result.created == {"duties": 3, "assignments": 4, "organizations": 0, "unchanged": 0}
    planning = Duty.objects.get(code="330122-XK-0001")
    assert [(b.law, b.article, b.clause) for b in planning.legal_bases.order_by("pk")] == [
        ("中华人民共和国城乡规划法", "第四十条", "第一款"),
        ("浙江省城乡规划条例", "第三十五条", ""),
    ]
    assert planning.assignments.get().organization == orgs["planning"]
    assert planning.local_reason == "本县实施清单"
    penalty = Duty.objects.get(code="330122-CF-0001")
    assert penalty.levels == ["county", "township"] and penalty.category == 2
    holders = {
        a.organization.name: (a.role, a.region.code, a.level, a.division_of_labour)
        for a in penalty.assignments.all()
    }
    assert holders == {
        "桐庐县市场监督管理局(知识产权局)": ("lead", "330122", "county", "负责立案查处"),
        "桐君街道办事处": ("co_responsible", "330122101", "township", "负责日常巡查"),
    }
    inspection = Duty.objects.get(code="330122-JC-0001")
    assert inspection.category == 6
    assert inspection.legal_bases.count() == 2


def test_xlsx_with_a_title_row(county, orgs):
    result = import_duties(
        xlsx_bytes(ZH, ROWS), actor=None, region=county, filename="清单.xlsx", local_reason="r"
    )
    assert result.errors == [] and result.created["duties"] == 3


def test_every_bad_row_is_reported_and_nothing_written(county, orgs):
    df.local_item("330122-XK-0009", "已在清单上的事项")
    rows = [
        ["", "无编码事项", "1", "桐庐县自然资源和规划局", "县级", "", "", ""],
        ["A-1", "", "1", "桐庐县自然资源和规划局", "县级", "", "", ""],
        ["A-2", "类型错误", "99", "桐庐县自然资源和规划局", "县级", "", "", ""],
        ["A-3", "层级错误", "1", "桐庐县自然资源和规划局", "国家级", "", "", ""],
        ["A-4", "区划错误", "1", "桐庐县自然资源和规划局", "县级", "110101", "", ""],
        ["A-5", "部门不存在", "1", "桐庐县不存在局", "县级", "", "", ""],
        ["A-6", "重复部门", "1", "桐庐县自然资源和规划局", "县级", "", "", ""],
        ["A-6", "", "", "桐庐县 自然资源和规划局", "", "", "", ""],
        ["A-7", "名称一", "1", "桐庐县自然资源和规划局", "县级", "", "", ""],
        ["A-7", "名称二", "1", "桐庐县市场监督管理局(知识产权局)", "县级", "", "", ""],
        ["330122-XK-0009", "改了名字", "1", "桐庐县自然资源和规划局", "县级", "", "", ""],
    ]
    result = import_duties(csv_bytes(ZH, rows), actor=None, region=county, local_reason="r")
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "事项编码"),
        (3, "事项名称"),
        (4, "事项类型"),
        (5, "行使层级"),
        (6, "行政区划"),
        (7, "实施主体"),
        (9, "实施主体"),
        (11, "事项名称"),
        (12, "事项编码"),
    ]
    assert "110101" in result.errors[4].message
    assert Duty.objects.filter(region=county).count() == 1


def test_local_additions_need_a_reason_unless_derived(county, orgs):
    df.base_item("330000001000", "建设工程规划许可证核发")
    rows = [
        ["330000001000", "建设工程规划许可证核发", "1", "桐庐县自然资源和规划局", "县级"],
        ["330122-QT-0001", "农家乐备案", "10", "桐庐县自然资源和规划局", "县级"],
    ]
    header = ["事项编码", "事项名称", "事项类型", "实施主体", "行使层级"]
    result = import_duties(csv_bytes(header, rows), actor=None, region=county)
    assert [(e.row, e.column) for e in result.errors] == [(3, "local_reason")]
    result = import_duties(
        csv_bytes([*header, "增设理由"], [rows[0] + [""], rows[1] + ["本县乡村旅游"]]),
        actor=None,
        region=county,
    )
    assert result.imported
    derived = Duty.objects.get(region=county, code="330000001000")
    assert derived.base.is_base_catalog and derived.local_reason == ""
    assert Duty.objects.get(code="330122-QT-0001").local_reason == "本县乡村旅游"


def test_into_a_province_the_rows_are_its_base_catalog(county):
    province = df.province()
    org = f.organization(name="浙江省市场监督管理局", region=province, level="province")
    rows = [["330000001000", "食品经营许可", "1", org.name, "县级"]]
    result = import_duties(
        csv_bytes(["code", "name", "type", "department", "level"], rows),
        actor=None,
        region=province,
    )
    assert result.imported
    assert Duty.objects.get(code="330000001000").is_base_catalog


def test_only_the_region_office_imports(county, orgs):
    other = f.officer(df.county("330183", "富阳区"))
    result = import_duties(csv_bytes(ZH, ROWS), actor=other, region=county, local_reason="r")
    assert not result.imported and result.errors[0].row == 0
    assert not Duty.objects.exists()


@pytest.mark.parametrize("fmt,lang", [("csv", "zh"), ("xlsx", "en")])
def test_round_trip(county, orgs, fmt, lang):
    import_duties(csv_bytes(ZH, ROWS), actor=None, region=county, local_reason="本县实施清单")
    out = io.BytesIO()
    assert exporters.export(fmt, user=None, region=county, out=out, lang=lang) == 4
    data = out.getvalue()
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).active
        assert [c.value for c in sheet[1]][:4] == ["code", "name", "type", "department"]
    before = {
        d.code: (
            d.name,
            d.category,
            d.levels,
            d.local_reason,
            sorted((b.law, b.article, b.clause) for b in d.legal_bases.all()),
            sorted(
                (a.organization_id, a.region_id, a.role, a.division_of_labour)
                for a in d.assignments.all()
            ),
        )
        for d in Duty.objects.filter(region=county)
    }
    # Importing the export again is a no-op …
    again = import_duties(data, actor=None, region=county, filename=f"x.{fmt}")
    assert again.imported and again.created["unchanged"] == 3 and again.created["duties"] == 0
    # … and into an emptied list it gives the same list back.
    DutyAssignment.objects.all().delete()
    Duty.objects.all().delete()
    result = import_duties(data, actor=None, region=county, filename=f"x.{fmt}")
    assert result.errors == [] and result.imported
    after = {
        d.code: (
            d.name,
            d.category,
            d.levels,
            d.local_reason,
            sorted((b.law, b.article, b.clause) for b in d.legal_bases.all()),
            sorted(
                (a.organization_id, a.region_id, a.role, a.division_of_labour)
                for a in d.assignments.all()
            ),
        )
        for d in Duty.objects.filter(region=county)
    }
    assert after == before


def test_commands(tmp_path, county, orgs):
    rows = [r[:5] for r in ROWS[:1]]
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(ZH[:5], [[*r[:3], "桐庐县新设局", r[4]] for r in rows]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_duties", str(path), "--region", "330122", stdout=out, stderr=out)
    assert "2\t实施主体\t" in out.getvalue()
    out = io.StringIO()
    call_command(
        "import_duties",
        str(path),
        "--region",
        "330122",
        "--create-missing-orgs",
        "--local-reason",
        "本县",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "organizations: 1" in out.getvalue()
    new = Organization.objects.get(name="桐庐县新设局")
    assert (new.kind, new.level) == ("government_department", "county")
    target = tmp_path / "out.xlsx"
    err = io.StringIO()
    call_command(
        "export_duties", "--region", "330122", "--format", "xlsx", "-o", str(target), stderr=err
    )
    assert "Exported 1 rows" in err.getvalue()
    assert load_workbook(target).active["D2"].value == "桐庐县新设局"
    with pytest.raises(CommandError):
        call_command("export_duties", "--region", "999999", "-o", str(target))


def test_generated_list_helper_is_deterministic():
    from .listgen import generate

    assert to_csv(generate().rows[:5]) == to_csv(generate().rows[:5])
