"""Helpers for the import/export tests: spreadsheets built in memory."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import Workbook
from stdnum.cn import ric

from onevisit.testing import factories as f


def identity(i: int, region_code: str = "330122") -> str:
    """The i-th fictional identity number: distinct birth dates keep them apart."""
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=i)
    body = f"{region_code}{birth:%Y%m%d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def broken_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def tonglu(db):
    f.RegionFactory(code="33", name="浙江省")
    f.RegionFactory(code="3301", name="杭州市", parent=None)
    return f.RegionFactory(code="330122", name="桐庐县")
