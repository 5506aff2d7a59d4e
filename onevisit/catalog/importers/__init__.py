"""Import of the service catalog (政务服务事项导入) from XLSX or CSV.

Two tables, as the national exchange standard has them: items, one row per item version
(基本编码, 实施编码, 事项版本, 事项名称, 事项类型, 实施主体, 行使层级, 法定办结时限, …), and
materials (实施编码, 事项版本, 材料名称, 材料必要性, 材料形式, 来源渠道, …). In a workbook the
materials are the sheet named "materials" or "申请材料"; with CSV they come as a second
file. Headers may be English or Chinese; vocabularies accept the stored value, the English
label or the official Chinese term (是/否, 即办件/承诺件, 纸质/电子, 申请人自备/电子证照…).

Like the registry and duty imports (whose reader and row reporting this reuses), an import
is all-or-nothing: a validation pass reports every bad row — including, per version, every
piece the publish check would find missing — and a clean file is written through the
services in one transaction: item, blank draft, materials, publish, for each version in
the order of its start date; a last version with a cancel date withdraws its item.
Versions already in the catalog with the same content are left alone; a version number
the catalog holds with other content is refused (published versions never change).
"""

from .columns import (
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    display,
    display_bool,
    format_fee_items,
    parse_fee_items,
)
from .rows import import_catalog

__all__ = [
    "ITEM_COLUMNS",
    "MATERIAL_COLUMNS",
    "display",
    "display_bool",
    "format_fee_items",
    "import_catalog",
    "parse_fee_items",
]
