"""Export of a region's service catalog as XLSX (two sheets) or CSV (two files).

The columns are those of the import (`importers.ITEM_COLUMNS`, `MATERIAL_COLUMNS`): one
items row per published version (drafts are not public), one materials row per material
of those versions, so that an exported catalog imports again into an empty one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from openpyxl import Workbook

from onevisit.orgs.importers.exporters import CONTENT_TYPES, write_csv
from onevisit.regions.models import Level, Region

from .choices import (
    CaseType,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    OriginalOrCopy,
    ResultType,
    ServiceObject,
)
from .importers import (
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    display,
    display_bool,
    format_fee_items,
)
from .models import LIVE_STATES, Material, ServiceItemVersion

FORMATS = ("csv", "xlsx")
__all__ = ["CONTENT_TYPES", "FORMATS", "export", "item_rows", "material_rows"]

_LEVEL_ZH = {
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "乡镇级",
}


def item_header(lang: str) -> list[str]:
    return [c.header(lang) for c in ITEM_COLUMNS]


def material_header(lang: str) -> list[str]:
    return [c.header(lang) for c in MATERIAL_COLUMNS]


def _versions(region: Region):
    return (
        ServiceItemVersion.objects.filter(
            state__in=LIVE_STATES, item__region__code__startswith=region.code
        )
        .select_related("item__organization", "item__region", "item__duty")
        .order_by("item__implementation_code", "number")
    )


def _json(value: list) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def item_rows(*, user, region: Region, lang: str = "zh") -> Iterator[list]:
    """The catalog is public: every published version of the region's subtree."""
    for v in _versions(region).iterator(chunk_size=500):
        item = v.item
        last = item.retired_on is not None and v.valid_to == item.retired_on
        yield [
            item.catalog_code,
            item.implementation_code,
            v.number,
            v.name,
            v.type_code,
            item.organization.name,
            item.region.full_code,
            _LEVEL_ZH[item.level] if lang == "zh" else item.level,
            item.duty.code,
            item.local_code,
            display(ServiceObject, item.service_object, lang),
            v.legal_limit,
            v.promised_limit,
            v.limit_note,
            display(CaseType, v.case_type, lang),
            v.onsite_visits,
            v.onsite_reason,
            display_bool(v.online, lang),
            display(OnlineDepth, v.online_depth, lang),
            display_bool(v.express_delivery, lang),
            display_bool(v.appointment, lang),
            display_bool(v.self_service, lang),
            display_bool(v.in_service_hall, lang),
            display_bool(v.fee, lang),
            format_fee_items(v.fee_items),
            v.conditions,
            v.procedure,
            v.place,
            v.hours,
            v.consultation,
            v.complaint,
            v.result_name,
            display(ResultType, v.result_type, lang),
            _json(v.form_fields),
            _json(v.faqs),
            display_bool(v.no_materials, lang),
            v.valid_from.isoformat(),
            v.valid_to.isoformat() if v.valid_to and last else "",
        ]


def material_rows(*, user, region: Region, lang: str = "zh") -> Iterator[list]:
    materials = (
        Material.objects.filter(
            version__state__in=LIVE_STATES, version__item__region__code__startswith=region.code
        )
        .select_related("version__item", "source_item")
        .order_by("version__item__implementation_code", "version__number", "position", "pk")
    )
    for m in materials.iterator(chunk_size=1000):
        yield [
            m.version.item.implementation_code,
            m.version.number,
            m.name,
            display_bool(m.required, lang),
            display(MaterialForm, m.form, lang),
            display(OriginalOrCopy, m.original_or_copy, lang),
            m.copies,
            m.paper_size,
            display(MaterialSource, m.source, lang),
            m.source_item.implementation_code if m.source_item_id else "",
            m.licence_type,
            m.source_explanation,
            m.blank_form,
            m.example,
            m.filling_notes,
            m.acceptance_standard,
            m.basis,
            display_bool(m.shortfall_allowed, lang),
        ]


def export(fmt: str, *, user, region: Region, out, materials_out=None, lang: str = "zh") -> int:
    """Write the region's catalog to `out` (a binary file): with XLSX, the items sheet and
    the materials sheet; with CSV, the items, and the materials to `materials_out` if
    given. Returns the number of item rows."""
    items = item_rows(user=user, region=region, lang=lang)
    materials = material_rows(user=user, region=region, lang=lang)
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        count = 0
        for title, head, rows in (
            ("事项" if lang == "zh" else "items", item_header(lang), items),
            ("申请材料" if lang == "zh" else "materials", material_header(lang), materials),
        ):
            sheet = workbook.create_sheet(title=title)
            sheet.append(head)
            for n, row in enumerate(rows, 1):
                sheet.append(row)
                if title in ("事项", "items"):
                    count = n
        workbook.save(out)
        return count
    count = write_csv(item_header(lang), items, out)
    if materials_out is not None:
        write_csv(material_header(lang), materials, materials_out)
    return count
