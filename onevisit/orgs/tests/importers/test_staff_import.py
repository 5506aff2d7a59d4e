"""Staff import: Chinese CSV in GB18030, every kind of bad row, cumulative vacancies."""

import pytest

from onevisit.core.models import AuditEntry
from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.orgs.importers.staff import import_staff
from onevisit.orgs.models import Appointment, PostBalance, QuotaBalance
from onevisit.testing import factories as f

from .conftest import broken_check_digit, csv_bytes, identity

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名",
    "身份证号",
    "单位名称",
    "编制类别",
    "经费形式",
    "内设机构",
    "领导职务",
    "进编日期",
]


@pytest.fixture
def bureau(tonglu):
    return f.organization(
        name="桐庐县财政局",
        region=tonglu,
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 3)],
        posts={"head": 1, "deputy": 1},
        bodies=[("办公室", ""), ("预算科", "")],
    )


def test_gb18030_csv_with_chinese_headers_imports(tonglu, bureau):
    officer = f.officer(tonglu)
    hospital = f.organization(
        name="桐庐县第一人民医院",
        region=tonglu,
        kind=OrgKind.PUBLIC_INSTITUTION,
        quotas=[(QuotaCategory.PUBLIC_INSTITUTION, "partial", 2)],
    )
    rows = [
        ["张三", identity(1), "桐庐县财政局", "行政编制", "", "预算科", "正职", "2020年3月1日"],
        ["李四", identity(2).lower(), "桐庐县财政局", "administrative", "", "", "", ""],
        ["王五", identity(3), "桐庐县第一人民医院", "事业编制", "差额", "", "", "2020-05-01"],
    ]
    result = import_staff(
        csv_bytes(HEADER, rows, "gb18030"),
        actor=officer,
        region=tonglu,
        document_number="桐编〔2020〕9号",
    )
    assert result.errors == [] and result.imported
    assert result.created == {"appointments": 3, "people": 3}
    head = Appointment.objects.get(person__name="张三")
    assert (head.internal_body.name, head.post_rank, str(head.start_date)) == (
        "预算科",
        "head",
        "2020-03-01",
    )
    assert head.document_number == "桐编〔2020〕9号"
    assert QuotaBalance.objects.get(organization=bureau).actual == 2
    assert QuotaBalance.objects.get(organization=hospital).actual == 1
    assert PostBalance.objects.get(organization=bureau, rank="head").actual == 1
    entries = AuditEntry.objects.filter(action="appointment.create", actor=officer)
    assert entries.count() == 3
    assert all(identity(1) not in str(e.after) for e in entries)  # masked in the trail
    assert AuditEntry.objects.get(action="person.register_bulk").after["count"] == 3


def test_every_bad_row_is_listed_and_nothing_is_written(tonglu, bureau):
    f.organization(name="桐庐县审计局", region=tonglu)
    appointed = f.person(name="赵六")
    f.appoint(bureau, person=appointed)
    rows = [
        ["甲", identity(10), "桐庐县财政局", "行政编制", "", "", "", ""],  # ok, takes vacancy 2
        ["乙", broken_check_digit(identity(11)), "桐庐县财政局", "行政编制", "", "", "", ""],
        ["丙", identity(12), "桐庐县财政局", "合同制", "", "", "", ""],
        ["丁", identity(10), "桐庐县审计局", "行政编制", "", "", "", ""],  # twice in the file
        ["赵六", appointed.identity_number, "桐庐县审计局", "行政编制", "", "", "", ""],
        ["戊", identity(13), "桐庐县财政局", "行政编制", "", "", "", ""],  # vacancy 3, the last
        ["己", identity(14), "桐庐县财政局", "行政编制", "", "", "", ""],  # none left
        [
            "庚",
            identity(15),
            "桐庐县财政局",
            "事业编制",
            "全额",
            "",
            "",
            "",
        ],  # institution in organ
        ["辛", identity(16), "桐庐县财政局", "行政编制", "自收自支", "", "", ""],  # funding
        ["壬", identity(17), "桐庐县财政局", "行政编制", "", "人事科", "处长", "someday"],
        ["", "3301*********1234", "", "行政编制", "", "", "", ""],
    ]
    result = import_staff(csv_bytes(HEADER, rows), actor=None, region=tonglu)
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "身份证号"),
        (4, "编制类别"),
        (5, "身份证号"),
        (6, "身份证号"),
        (8, "编制类别"),
        (9, "编制类别"),
        (10, "经费形式"),
        (11, "内设机构"),
        (11, "领导职务"),
        (11, "进编日期"),
        (12, "姓名"),
        (12, "身份证号"),
        (12, "单位名称"),
    ]
    messages = [e.message for e in result.errors]
    assert "first in row 2" in messages[2]
    assert "already holds an appointment in 桐庐县财政局" in messages[3]
    assert "3 approved" in messages[4] and "counting the rows above" in messages[4]
    assert "masked" in messages[11]
    assert Appointment.objects.count() == 1
    assert QuotaBalance.objects.get(organization=bureau).actual == 1


def test_organization_names_are_matched_by_region_when_ambiguous(tonglu):
    keqiao = f.RegionFactory(code="330603", name="柯桥区")
    zhejiang = type(tonglu).objects.get(code="33")
    f.organization(name="财政局", region=tonglu)
    keqiao_bureau = f.organization(name="财政局", region=keqiao)
    header = ["姓名", "身份证号", "单位名称", "行政区划", "编制类别"]
    ambiguous = csv_bytes(header, [["甲", identity(20), "财政局", "", "行政编制"]])
    result = import_staff(ambiguous, actor=None, region=zhejiang)
    assert "Several organizations" in result.errors[0].message
    clear = csv_bytes(header, [["甲", identity(20), "财政局", "330603", "行政编制"]])
    result = import_staff(clear, actor=None, region=zhejiang)
    assert result.imported
    assert Appointment.objects.get().organization == keqiao_bureau


def test_an_officer_imports_only_into_their_region(tonglu, bureau):
    keqiao = f.RegionFactory(code="330603", name="柯桥区")
    stranger = f.officer(keqiao)
    rows = [["甲", identity(30), "桐庐县财政局", "行政编制", "", "", "", ""]]
    result = import_staff(csv_bytes(HEADER, rows), actor=stranger, region=tonglu)
    assert [(e.row, e.column) for e in result.errors] == [(2, "单位名称")]
    assert Appointment.objects.count() == 0
