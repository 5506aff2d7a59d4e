"""Reading CSV and XLSX files: the format is decided by content, not by the file's name.

XLSX is a zip archive holding `[Content_Types].xml`; CSV must decode as UTF-8 (with or
without a byte-order mark) or GB18030, the encoding Excel uses for CSV on Chinese Windows.
Headers may be in English or Chinese; row numbers are those the spreadsheet shows.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .columns import Column, column_for_header
from .common import ImportFileError

#: How many rows above the header a file may carry (a title such as "XX县实名制花名册").
HEADER_SEARCH_ROWS = 10


@dataclass
class Sheet:
    """The rows of a file, keyed by column, with the headers as the file spells them."""

    format: str
    headers: dict[str, str]
    rows: list[tuple[int, dict[str, str]]]

    def __len__(self) -> int:
        return len(self.rows)


def sniff_format(data: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv', judged by content; ImportFileError for anything else."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."), code="empty_file")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise ImportFileError(
            _("This file is a zip archive but not an Excel workbook (.xlsx)."), code="not_a_sheet"
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _("This is an old Excel 97–2003 file (.xls): save it as .xlsx or CSV and try again."),
            code="not_a_sheet",
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(
            _("The file is named %(name)s but is not an Excel workbook.") % {"name": filename},
            code="not_a_sheet",
        )
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            _("This file is not a spreadsheet: upload an .xlsx workbook or a CSV file."),
            code="not_a_sheet",
        )
    return "csv"


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls:
            break
        return text
    raise ImportFileError(
        _("This file is neither an Excel workbook nor a CSV file in UTF-8 or GB18030."),
        code="not_a_sheet",
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if not value.time() else value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(
            _("This Excel workbook is damaged and cannot be read."), code="not_a_sheet"
        )
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            yield number, [_cell(v) for v in values]
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            _("This Excel workbook is damaged and cannot be read."), code="not_a_sheet"
        )
    finally:
        workbook.close()


def _csv_rows(data: bytes):
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            yield number, [v.strip() for v in values]
    except csv.Error as exc:
        raise ImportFileError(
            _("This CSV file cannot be read: %(error)s") % {"error": exc}, code="not_a_sheet"
        )


def read_sheet(data: bytes, columns: tuple[Column, ...], *, filename: str = "") -> Sheet:
    """Read a whole file: find the header row, map headers to columns, keep the data rows."""
    fmt = sniff_format(data, filename)
    raw = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    required = [c for c in columns if c.required]

    header_number, header_values, candidates = None, None, []
    for number, values in raw:
        if not any(values):
            continue
        candidates.append((number, values))
        keys = {column_for_header(columns, v) for v in values if v}
        if all(c.key in keys for c in required) or len(candidates) >= HEADER_SEARCH_ROWS:
            break
    if not candidates:
        raise ImportFileError(_("The file is empty."), code="empty_file")
    # The header row is the first that names every required column; failing that, the one
    # naming the most known columns (so that the error lists what is really missing).
    header_number, header_values = max(
        candidates,
        key=lambda c: (sum(1 for v in c[1] if v and column_for_header(columns, v)), -c[0]),
    )
    last_keys = {column_for_header(columns, v) for v in candidates[-1][1] if v}
    if all(c.key in last_keys for c in required):
        header_number, header_values = candidates[-1]
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, value in enumerate(header_values):
        key = column_for_header(columns, value) if value else None
        if key and key not in positions:
            positions[key] = index
            headers[key] = value
    missing = [c for c in required if c.key not in positions]
    if missing:
        raise ImportFileError(
            _("The file lacks the required columns: %(columns)s.")
            % {"columns": ", ".join(f"{c.key} ({c.zh})" for c in missing)},
            code="missing_columns",
        )

    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in raw:
        if number <= header_number or not any(values):
            continue
        rows.append(
            (number, {k: (values[i] if i < len(values) else "") for k, i in positions.items()})
        )
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."), code="empty_file")
    for column in columns:
        headers.setdefault(column.key, column.key)
    return Sheet(format=fmt, headers=headers, rows=rows)
