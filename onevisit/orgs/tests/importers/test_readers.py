"""Reading files: format by content, encodings, Chinese or English headers, clear refusals."""

import io
import zipfile

import pytest

from onevisit.orgs.choices import FundingType, QuotaCategory
from onevisit.orgs.importers.columns import STAFF_COLUMNS, parse_choice
from onevisit.orgs.importers.common import ImportFileError, RegionIndex, parse_date
from onevisit.orgs.importers.readers import read_sheet

from .conftest import csv_bytes, identity, xlsx_bytes

ROW = ["张三", identity(1), "桐庐县财政局", "330122", "行政编制", ""]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_with_chinese_headers_in_any_encoding(encoding):
    data = csv_bytes(
        ["姓名", "公民身份号码", "所在单位", "行政区划", "编制类别", "经费形式"], [ROW], encoding
    )
    sheet = read_sheet(data, STAFF_COLUMNS, filename="名册.csv")
    assert sheet.format == "csv"
    assert sheet.headers["identity_number"] == "公民身份号码"
    assert sheet.rows == [
        (
            2,
            {
                "name": "张三",
                "identity_number": identity(1),
                "organization": "桐庐县财政局",
                "region": "330122",
                "category": "行政编制",
                "funding": "",
            },
        )
    ]


def test_english_headers_full_width_and_a_title_row_above_them():
    data = xlsx_bytes(
        ["桐庐县机构编制实名制花名册"],
        [
            [],
            ["Name", "ＩＤ Number", "organization", "Category*"],
            ["李四", identity(2), "桐庐县财政局", "administrative"],
            [None, None, None, None],
            ["王五", identity(3), "桐庐县财政局", "行政"],
        ],
    )
    sheet = read_sheet(data, STAFF_COLUMNS)
    assert sheet.format == "xlsx"
    assert [r for r, _ in sheet.rows] == [4, 6]  # the rows the spreadsheet shows
    assert sheet.headers["category"] == "Category*"


def test_missing_columns_are_named():
    data = csv_bytes(["姓名", "单位名称"], [["张三", "桐庐县财政局"]])
    with pytest.raises(ImportFileError) as exc:
        read_sheet(data, STAFF_COLUMNS)
    assert "identity_number (身份证号)" in str(exc.value)
    assert "category (编制类别)" in str(exc.value)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "a.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "staff.xlsx", "not an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "staff.csv", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ".xls"),
        (b"\xff\xfe\x01\x02garbage\x81\xff", "x.csv", "neither"),
        (b"name,identity_number,organization,category\n", "x.csv", "no rows"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, name, expected):
    with pytest.raises(ImportFileError, match=expected):
        read_sheet(data, STAFF_COLUMNS, filename=name)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileError, match="zip archive"):
        read_sheet(buffer.getvalue(), STAFF_COLUMNS, filename="x.xlsx")


def test_a_damaged_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<broken")
        archive.writestr("xl/workbook.xml", "<broken")
    with pytest.raises(ImportFileError, match="damaged"):
        read_sheet(buffer.getvalue(), STAFF_COLUMNS, filename="x.xlsx")


def test_vocabularies_accept_values_english_labels_and_chinese_terms():
    assert parse_choice(QuotaCategory, "政法专项编制") == "political_legal"
    assert parse_choice(QuotaCategory, "Political-legal special") == "political_legal"
    assert parse_choice(QuotaCategory, "public_institution") == "public_institution"
    assert parse_choice(QuotaCategory, "工勤编制") == "service_staff"
    assert parse_choice(FundingType, "自收自支") == "self"
    assert parse_choice(FundingType, "差额") == "partial"
    assert parse_choice(QuotaCategory, "合同制") is None


def test_dates_as_officials_write_them():
    assert str(parse_date("2019年3月1日")) == "2019-03-01"
    assert str(parse_date("2019/3/1")) == "2019-03-01"
    assert str(parse_date("20190301")) == "2019-03-01"
    assert parse_date("March") is None


@pytest.mark.django_db
def test_division_codes_padded_or_not(tonglu):
    index = RegionIndex(tonglu.parent or tonglu)
    zhejiang = RegionIndex(type(tonglu).objects.get(code="33"))
    assert zhejiang.find("330122")[0] == tonglu
    assert zhejiang.find("330100")[0].code == "3301"
    assert zhejiang.find("330122000000")[0] == tonglu
    assert index.find("999999")[0] is None
