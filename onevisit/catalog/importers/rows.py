"""Reading and checking the rows of the two tables; the import itself."""

from __future__ import annotations

import json
import re
import time

from django.db import transaction
from django.utils.translation import gettext as _

from onevisit.core.errors import DomainError, ValidationFailed
from onevisit.duties.importers import parse_category, parse_levels
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.orgs.importers.columns import match_key, normalize_text
from onevisit.orgs.importers.common import (
    ImportResult,
    OrganizationIndex,
    Progress,
    RegionIndex,
    RowContext,
    parse_count,
    parse_date,
    report,
)
from onevisit.orgs.importers.common import (
    row_region as row_region_of,
)
from onevisit.orgs.importers.readers import read_sheet, sniff_format
from onevisit.regions.models import Region

from .. import selectors, services
from ..choices import (
    CaseType,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    OriginalOrCopy,
    ResultType,
    ServiceObject,
)
from ..models import ServiceItem
from .columns import (
    BOOLEANS,
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    VOCABULARIES,
    parse_fee_items,
    split_workbook,
)
from .plan import _Item, _Material, _plan_item, _Version, _write


def _sheet_context(headers: dict[str, str], errors, prefix: str) -> RowContext:
    return RowContext({k: f"{prefix}{v}" for k, v in headers.items()}, errors)


def import_catalog(
    data: bytes,
    *,
    actor,
    region: Region,
    filename: str = "",
    materials: bytes | None = None,
    materials_filename: str = "",
    document_number: str = "",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import items and their materials into `region`'s catalog: every row or none."""
    started = time.monotonic()
    if sniff_format(data, filename) == "xlsx":
        items_data, sheet_materials = split_workbook(data)
        materials = materials if materials is not None else sheet_materials
    else:
        items_data = data
    item_sheet = read_sheet(items_data, ITEM_COLUMNS, filename=filename)
    material_sheet = (
        read_sheet(materials, MATERIAL_COLUMNS, filename=materials_filename)
        if materials is not None
        else None
    )
    total = len(item_sheet) + (len(material_sheet) if material_sheet else 0)
    result = ImportResult(kind="catalog", rows=total)
    ctx = RowContext(item_sheet.headers, result.errors)

    with transaction.atomic():
        regions = RegionIndex(region)
        orgs = OrganizationIndex(region)
        existing = {
            i.implementation_code: i
            for i in ServiceItem.objects.filter(region__code__startswith=region.code)
        }
        items: dict[str, _Item] = {}
        for done, (row, values) in enumerate(item_sheet.rows, 1):
            ctx.start(row)
            _check_item_row(
                ctx, values, actor=actor, region=region, regions=regions, orgs=orgs, items=items
            )
            report(progress, done, total, "checked", every=250)

        if material_sheet is not None:
            mctx = _sheet_context(material_sheet.headers, result.errors, _("materials") + ": ")
            for done, (row, values) in enumerate(material_sheet.rows, len(item_sheet) + 1):
                mctx.start(row)
                _check_material_row(mctx, values, items=items)
                report(progress, done, total, "checked", every=250)

        known_codes = (
            set(existing)
            | set(items)
            | set(
                ServiceItem.objects.filter(
                    implementation_code__in=[
                        m.source_code
                        for i in items.values()
                        for v in i.versions
                        for m in v.materials
                        if m.source_code
                    ]
                ).values_list("implementation_code", flat=True)
            )
        )
        unchanged = 0
        for item in items.values():
            ctx.start(item.row)
            item.existing = (
                existing.get(item.code)
                or ServiceItem.objects.filter(implementation_code=item.code).first()
            )
            unchanged += _plan_item(ctx, item, known_codes)

        result.created = {
            "items": sum(1 for i in items.values() if i.existing is None),
            "versions": sum(len(i.new_versions) for i in items.values()),
            "materials": sum(len(v.materials) for i in items.values() for v in i.new_versions),
            "unchanged": unchanged,
        }
        if result.errors or dry_run:
            result.seconds = time.monotonic() - started
            return result
        try:
            _write(actor, items)
        except DomainError as exc:  # the catalog changed between the check and the write
            transaction.set_rollback(True)
            ctx.start(0)
            ctx.error("", exc.message)
            result.seconds = time.monotonic() - started
            return result
        report(progress, total, total, "imported")
    result.imported = True
    result.seconds = time.monotonic() - started
    return result


def _choice(ctx, values, key, choices, label) -> str:
    text = values.get(key, "").strip()
    if not text:
        return ""
    value = VOCABULARIES[choices].get(match_key(text))
    if value is None:
        ctx.error(key, _("Unknown %(what)s “%(value)s”.") % {"what": label, "value": text})
        return ""
    return value


def _bool(ctx, values, key, default: bool | None = False) -> bool | None:
    text = values.get(key, "").strip()
    if not text:
        return default
    value = BOOLEANS.get(match_key(text))
    if value is None:
        ctx.error(key, _("“%(value)s” is not 是 or 否 (yes or no).") % {"value": text})
        return default
    return value


def _count(ctx, values, key, what: str, default=None):
    text = values.get(key, "").strip()
    if not text:
        return default
    text = re.sub(r"(个)?(工作日|天|次)$", "", text)
    value = parse_count(text)
    if value is None or value > 3650:
        ctx.error(key, _("%(what)s “%(value)s” is not a number.") % {"what": what, "value": text})
        return default
    return value


def _json_list(ctx, values, key) -> list:
    text = values.get(key, "").strip()
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        ctx.error(key, _("This cell is not a JSON list."))
        return []
    if not isinstance(value, list):
        ctx.error(key, _("This cell is not a JSON list."))
        return []
    return value


def _check_item_row(ctx, values, *, actor, region, regions, orgs, items) -> None:
    code = normalize_text(values.get("implementation_code", ""))
    catalog_code = normalize_text(values.get("catalog_code", ""))
    if not code:
        ctx.error("implementation_code", _("The implementation code (实施编码) is missing."))
        return
    if len(code) > 64:
        ctx.error("implementation_code", _("An implementation code has at most 64 characters."))
    if not services.CATALOG_CODE.match(catalog_code):
        ctx.error("catalog_code", _("A catalog code (基本编码) has exactly 12 letters or digits."))

    row_region, _ok = row_region_of(ctx, values, regions)
    dept = normalize_text(values.get("department", ""))
    org = None
    if not dept:
        ctx.error("department", _("The implementing organization (实施主体) is missing."))
    else:
        org, message = orgs.find(dept, row_region or region)
        if org is None and row_region is None:
            org, message = orgs.find(dept, None)
        if org is None:
            ctx.error("department", message)
        elif actor is not None and not selectors.may_manage_organization(
            user=actor, organization=org
        ):
            ctx.error(
                "department",
                _("You may not change the service items of %(org)s.") % {"org": org.name},
            )
            org = None
    level = None
    if values.get("level", "").strip():
        levels = parse_levels(values["level"])
        if not levels or len(levels) != 1:
            ctx.error("level", _("Give one level (省级, 市级, 县级 or 乡镇级)."))
        else:
            level = levels[0]
    service_object = _choice(ctx, values, "service_object", ServiceObject, _("service object"))

    duty = None
    duty_code = normalize_text(values.get("duty_code", "")) or catalog_code
    if org is not None and duty_code:
        prefixes = [org.region.code[:n] for n in range(2, len(org.region.code) + 1)]
        duty = (
            Duty.objects.filter(code=duty_code, region__code__in=prefixes, valid_to__isnull=True)
            .select_related("region")
            .order_by("-region__code")
            .first()
        )
        if duty is None:
            ctx.error(
                "duty_code",
                _("No duty %(code)s on the lists of %(region)s.")
                % {"code": duty_code, "region": org.region.name},
            )
        elif not DutyAssignment.objects.filter(
            duty=duty, organization=org, valid_to__isnull=True
        ).exists():
            ctx.error(
                "duty_code",
                _("%(org)s does not exercise duty %(code)s.")
                % {"org": org.name, "code": duty_code},
            )

    item = items.get(code)
    if item is None:
        item = items[code] = _Item(
            row=ctx.row,
            code=code,
            catalog_code=catalog_code,
            local_code=normalize_text(values.get("local_code", "")),
            organization=org,
            duty=duty,
            level=level or (org.level if org is not None else ""),
            service_object=service_object or ServiceObject.PERSON,
        )
    else:
        differs = _("differs from row %(row)s, the first row of item %(code)s.") % {
            "row": item.row,
            "code": code,
        }
        if catalog_code != item.catalog_code:
            ctx.error("catalog_code", _("The catalog code") + " " + differs)
        if org is not None and org != item.organization:
            ctx.error("department", _("The implementing organization") + " " + differs)

    number = None
    if values.get("version", "").strip():
        number = parse_count(values["version"])
        if not number:
            ctx.error("version", _("A version number is a whole number from 1."))
    category = parse_category(values.get("type", ""))
    if category is None:
        ctx.error(
            "type",
            _("Unknown item type “%(value)s”: use 1–10 or 20 (1 行政许可, … 20 公共服务).")
            % {"value": values.get("type", "")},
        )
    name = normalize_text(values.get("name", ""))
    if not name or len(name) > 300:
        ctx.error("name", _("The item name is missing or longer than 300 characters."))
    fields = {
        "name": name,
        "type_code": category,
        "legal_limit": _count(ctx, values, "legal_limit", _("The legal time limit")),
        "promised_limit": _count(ctx, values, "promised_limit", _("The promised time limit")),
        "limit_note": values.get("limit_note", "").strip(),
        "case_type": _choice(ctx, values, "case_type", CaseType, _("case type")),
        "onsite_visits": _count(ctx, values, "onsite_visits", _("On-site visits"), 0),
        "onsite_reason": values.get("onsite_reason", "").strip(),
        "online": _bool(ctx, values, "online"),
        "online_depth": _choice(ctx, values, "online_depth", OnlineDepth, _("online depth")),
        "express_delivery": _bool(ctx, values, "express_delivery"),
        "appointment": _bool(ctx, values, "appointment"),
        "self_service": _bool(ctx, values, "self_service"),
        "in_service_hall": _bool(ctx, values, "in_service_hall", True),
        "fee": _bool(ctx, values, "fee"),
        "fee_items": parse_fee_items(values.get("fee_items", "")),
        "conditions": values.get("conditions", "").strip(),
        "procedure": values.get("procedure", "").strip(),
        "place": values.get("place", "").strip(),
        "hours": values.get("hours", "").strip(),
        "consultation": values.get("consultation", "").strip(),
        "complaint": values.get("complaint", "").strip(),
        "result_name": normalize_text(values.get("result_name", "")),
        "result_type": _choice(ctx, values, "result_type", ResultType, _("result type")),
        "form_fields": _json_list(ctx, values, "form_fields"),
        "faqs": _json_list(ctx, values, "faqs"),
        "no_materials": _bool(ctx, values, "no_materials"),
    }
    if category is not None and ctx.row_ok:
        try:
            fields = services.clean_version_changes(fields)
        except ValidationFailed as exc:
            ctx.error("", exc.message)
    dates = {}
    for key in ("valid_from", "valid_to"):
        text = values.get(key, "").strip()
        dates[key] = parse_date(text) if text else None
        if text and dates[key] is None:
            ctx.error(key, _("“%(value)s” is not a date (e.g. 2024-01-01).") % {"value": text})
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] <= dates["valid_from"]:
        ctx.error("valid_to", _("A version ends after it starts."))
    if any(number is not None and v.number == number for v in item.versions):
        ctx.error(
            "version", _("Version %(n)s of %(code)s appears twice.") % {"n": number, "code": code}
        )
    item.versions.append(_Version(ctx.row, number, fields, dates["valid_from"], dates["valid_to"]))


def _check_material_row(ctx, values, *, items: dict[str, _Item]) -> None:
    code = normalize_text(values.get("implementation_code", ""))
    item = items.get(code)
    if item is None:
        ctx.error(
            "implementation_code",
            _("Item %(code)s is not among the items of the file.") % {"code": code},
        )
        return
    number = None
    if values.get("version", "").strip():
        number = parse_count(values["version"])
    version = (
        next((v for v in item.versions if v.number == number), None)
        if number is not None
        else item.versions[-1]
    )
    if version is None:
        ctx.error(
            "version",
            _("Item %(code)s has no version %(n)s in the file.")
            % {"code": code, "n": values["version"]},
        )
        return
    source = _choice(ctx, values, "source", MaterialSource, _("source"))
    source_code = normalize_text(values.get("source_item", ""))
    licence_type = normalize_text(values.get("licence_type", ""))
    spec = services.MaterialSpec(
        name=normalize_text(values.get("name", "")),
        required=_bool(ctx, values, "necessity", None),
        form=_choice(ctx, values, "form", MaterialForm, _("form")),
        original_or_copy=_choice(ctx, values, "original_or_copy", OriginalOrCopy, _("type")),
        copies=_count(ctx, values, "copies", _("Copies"), 1) or 1,
        paper_size=normalize_text(values.get("paper_size", ""))[:20],
        source=source,
        licence_type=licence_type,
        source_explanation=values.get("source_explanation", "").strip(),
        blank_form=values.get("blank_form", "").strip()[:300],
        example=values.get("example", "").strip()[:300],
        filling_notes=values.get("filling_notes", "").strip(),
        acceptance_standard=values.get("acceptance_standard", "").strip(),
        basis=values.get("basis", "").strip(),
        shortfall_allowed=bool(_bool(ctx, values, "shortfall_allowed")),
    )
    if (source == MaterialSource.ISSUED_BY_ITEM) != bool(source_code):
        ctx.error(
            "source_item",
            _(
                "A material issued by another item names that item's "
                "implementation code, and only then."
            ),
        )
    if source_code == code:
        ctx.error("source_item", _("A material cannot be issued by the item that asks for it."))
    try:
        # The source item is resolved later; stand in for it to check the rest.
        services.check_material_spec(
            services.MaterialSpec(
                **{**spec.__dict__, "source_item": ServiceItem() if source_code else None}
            )
        )
    except ValidationFailed as exc:
        column = {"licence_type_required": "licence_type", "source_item_required": "source_item"}
        ctx.error(column.get(exc.code, "name"), exc.message)
    key = selectors.material_key(spec.name, "")
    if any(selectors.material_key(m.spec.name, "") == key for m in version.materials):
        ctx.error(
            "name",
            _("Version %(n)s of %(code)s lists “%(name)s” twice.")
            % {"n": version.number or "", "code": code, "name": spec.name},
        )
        return
    if ctx.row_ok:
        version.materials.append(_Material(ctx.row, spec, source_code))
