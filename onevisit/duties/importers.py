"""Import of power and responsibility lists (权责清单导入) from CSV or XLSX.

One row per item and implementing organization: rows sharing an item code are one duty
exercised by several organizations (the first the lead, the others co-responsible with
their division of labour, 分工). A row with neither code nor name continues the item
above (as a merged cell reads). Departments are matched by name within the region, with
full-width characters and spaces normalized (NFKC); an unknown name is a row error, or a
new government department with `create_missing_orgs`.

Like the registry imports (`onevisit.orgs.importers`, whose reader and row reporting this
reuses), an import is all-or-nothing: a validation pass reads the registry once and
reports every bad row; a clean file is written by `services.duty_bulk_create` in one
transaction, each duty audited.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onevisit.core.errors import DomainError
from onevisit.core.scoping import registry_write_scope
from onevisit.orgs import services as org_services
from onevisit.orgs.choices import OrgKind
from onevisit.orgs.importers.columns import Column, match_key, normalize_text
from onevisit.orgs.importers.common import (
    ImportResult,
    OrganizationIndex,
    Progress,
    RegionIndex,
    RowContext,
    parse_date,
    report,
)
from onevisit.orgs.importers.common import (
    row_region as row_region_of,
)
from onevisit.orgs.importers.readers import read_sheet
from onevisit.regions.models import Level, Region

from . import services
from .choices import AssignmentRole, DutyCategory
from .models import Duty

DUTY_COLUMNS = (
    Column(
        "code",
        "事项编码",
        ("item code", "编码", "事项代码", "权力编码", "权力事项编码", "实施编码"),
        required=True,
    ),
    Column("name", "事项名称", ("item name", "名称", "权力名称", "权力事项名称"), required=True),
    Column("type", "事项类型", ("category", "权力类型", "类型", "事项类别"), required=True),
    Column(
        "department",
        "实施主体",
        ("organization", "实施部门", "实施机关", "实施主体名称", "责任部门"),
        required=True,
    ),
    Column("level", "行使层级", ("levels", "层级")),
    Column("region", "行政区划", ("region_code", "division code", "行政区划代码", "区划代码")),
    Column("legal_basis", "设定依据", ("legal bases", "法律依据", "依据")),
    Column("division", "分工", ("division_of_labour", "division of labor", "职责分工")),
    Column("role", "承担方式", ("主体类型", "牵头或配合")),
    Column("base_code", "基本编码", ("base code", "目录编码", "基本目录编码")),
    Column("local_reason", "增设理由", ("local reason", "reason", "新增理由")),
    Column("valid_from", "生效日期", ("effective", "effective date")),
)

#: Official Chinese names of the categories (the first is what an export in Chinese writes).
CATEGORY_TERMS = {
    DutyCategory.LICENSING: ("行政许可",),
    DutyCategory.PENALTY: ("行政处罚",),
    DutyCategory.COERCION: ("行政强制",),
    DutyCategory.LEVY: ("行政征收",),
    DutyCategory.BENEFIT: ("行政给付",),
    DutyCategory.INSPECTION: ("行政检查",),
    DutyCategory.CONFIRMATION: ("行政确认",),
    DutyCategory.REWARD: ("行政奖励",),
    DutyCategory.ADJUDICATION: ("行政裁决",),
    DutyCategory.OTHER: ("其他行政权力", "其他权力", "其他"),
    DutyCategory.PUBLIC_SERVICE: ("公共服务",),
}
LEVEL_TERMS = {
    Level.PROVINCE: ("省", "省级", "省本级"),
    Level.CITY: ("市", "市级", "设区市", "设区的市"),
    Level.COUNTY: ("县", "区", "县级", "县区", "县市区", "县区级"),
    Level.TOWNSHIP: ("乡镇", "乡镇级", "街道", "乡", "镇", "乡级", "镇级", "乡镇街道", "街道级"),
}
ROLE_TERMS = {
    AssignmentRole.LEAD: ("lead", "牵头", "主办", "实施主体", "主体"),
    AssignmentRole.CO_RESPONSIBLE: (
        "co_responsible",
        "co-responsible",
        "配合",
        "协办",
        "共同",
        "联办",
    ),
}


def _vocabulary() -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    categories: dict[str, int] = {}
    with translation.override("en"):
        for value, label in DutyCategory.choices:
            categories[str(value)] = value
            categories[f"{value:02d}"] = value
            categories[match_key(str(label))] = value
    for value, terms in CATEGORY_TERMS.items():
        for term in terms:
            categories[match_key(term)] = value
    levels = {match_key(v): v for v in Level.values}
    for value, terms in LEVEL_TERMS.items():
        for term in terms:
            levels[match_key(term)] = value
    roles = {match_key(term): value for value, terms in ROLE_TERMS.items() for term in terms}
    return categories, levels, roles


CATEGORIES, LEVELS, ROLES = _vocabulary()


def parse_category(text: str) -> int | None:
    return CATEGORIES.get(match_key(text))


def parse_levels(text: str) -> list[str] | None:
    """Levels as a list writes them: "county", "县级、乡镇级", "省级/市级/县级"; None if any
    part is unknown. Parenthesized notes are dropped: "县(市、区)级" is the county level."""
    text = re.sub(r"\([^)]*\)", "", normalize_text(text))
    found: list[str] = []
    for part in re.split(r"[,、/;|\s]+", text):
        if not part:
            continue
        level = LEVELS.get(match_key(part))
        if level is None:
            return None
        if level not in found:
            found.append(level)
    return found


_NUM = r"[0-9零〇一二三四五六七八九十百千两]+"
_BRACKETED = re.compile(
    rf"^《(?P<law>[^》]+)》\s*(?P<article>第{_NUM}条(?:之{_NUM})?)?\s*(?P<clause>.*)$"
)
_ENGLISH = re.compile(
    r"^(?P<law>.+?)\s*,?\s+(?:article|art\.)\s*(?P<article>[0-9A-Za-z.\-]+)"
    r"(?:\s*,?\s+(?:clause|cl\.|paragraph|para\.)\s*(?P<clause>[0-9A-Za-z.\-()]+))?\s*$",
    re.IGNORECASE,
)


def parse_legal_basis(text: str) -> tuple[str, str, str]:
    """One legal basis as (law, article, clause): 《城乡规划法》第四十条第一款 →
    ("城乡规划法", "第四十条", "第一款"); "Urban Planning Law article 40 clause 1" →
    ("Urban Planning Law", "40", "1"); anything else is the law as written."""
    text = normalize_text(text)
    # NFKC turns 《》 into themselves but full-width brackets 〈〉 stay; accept both.
    text = text.replace("〈", "《").replace("〉", "》")
    m = _BRACKETED.match(text)
    if m:
        return m["law"].strip(), (m["article"] or "").strip(), m["clause"].strip()
    m = _ENGLISH.match(text)
    if m:
        return m["law"].strip(), m["article"].strip(), (m["clause"] or "").strip()
    return text, "", ""


def parse_legal_bases(text: str) -> list[tuple[str, str, str]]:
    """Several legal bases, separated by ；, ; or a new line."""
    parts = re.split(r"[;；\n\r]+", text or "")
    return [parse_legal_basis(p) for p in parts if normalize_text(p)]


def format_legal_basis(law: str, article: str, clause: str) -> str:
    """The inverse of `parse_legal_basis`, as an export writes it."""
    if article.startswith("第") or clause.startswith("第"):
        return f"《{law}》{article}{clause}"
    if article:
        return f"{law} article {article}" + (f" clause {clause}" if clause else "")
    return " ".join(p for p in (law, clause) if p)


# --- the import -----------------------------------------------------------------------
@dataclass
class _Holder:
    row: int
    organization_id: int | None  # None: to be created (`missing_key`)
    missing_key: str = ""
    region: Region | None = None
    role: str = AssignmentRole.LEAD
    division: str = ""


@dataclass
class _Item:
    row: int
    code: str
    name: str = ""
    category: int | None = None
    levels: list[str] = field(default_factory=list)
    legal_bases: list[tuple[str, str, str]] = field(default_factory=list)
    base: Duty | None = None
    base_code: str = ""
    local_reason: str = ""
    valid_from: object = None
    holders: list[_Holder] = field(default_factory=list)


@dataclass
class _Missing:
    name: str
    region: Region
    rows: list[int] = field(default_factory=list)


def import_duties(
    data: bytes,
    *,
    actor,
    region: Region,
    filename: str = "",
    document_number: str = "",
    progress: Progress | None = None,
    dry_run: bool = False,
    create_missing_orgs: bool = False,
    local_reason: str = "",
) -> ImportResult:
    """Import a list into `region` (its base catalog if a province): every row or none.

    `local_reason` is the reason recorded for items that are neither derived from the
    province's base catalog nor given a reason of their own (增设理由).
    """
    started = time.monotonic()
    sheet = read_sheet(data, DUTY_COLUMNS, filename=filename)
    result = ImportResult(kind="duties", rows=len(sheet))
    ctx = RowContext(sheet.headers, result.errors)
    is_province = region.level == Level.PROVINCE

    with transaction.atomic():
        regions = RegionIndex(region)
        orgs = OrganizationIndex(region)
        scope = registry_write_scope(actor) if actor is not None else None
        if scope is not None and not scope.covers(region_code=region.code, organization_id=None):
            ctx.start(0)
            ctx.error("", _("You may not change the list of %(r)s.") % {"r": region.name})
            result.seconds = time.monotonic() - started
            return result
        base_index = (
            {}
            if is_province
            else {
                d.code: d
                for d in Duty.objects.filter(
                    region__code=region.code[:2], is_base_catalog=True, valid_to__isnull=True
                )
            }
        )
        existing = {
            d.code: d
            for d in Duty.objects.filter(region=region).prefetch_related(
                "legal_bases", "assignments"
            )
        }

        items: dict[str, _Item] = {}
        missing: dict[tuple[str, int], _Missing] = {}
        current: _Item | None = None
        for done, (row, values) in enumerate(sheet.rows, 1):
            ctx.start(row)
            current = _check_row(
                ctx,
                values,
                region=region,
                regions=regions,
                orgs=orgs,
                scope=scope,
                items=items,
                current=current,
                missing=missing,
                create_missing_orgs=create_missing_orgs,
            )
            report(progress, done, len(sheet), "checked", every=250)

        unchanged = 0
        entries: list[_Item] = []
        for item in items.values():
            ctx.start(item.row)
            old = existing.get(item.code)
            if old is not None:
                if _same(old, item):
                    unchanged += 1
                else:
                    ctx.error(
                        "code",
                        _(
                            "Item %(code)s is already on the list of %(region)s, with other "
                            "content; change it there rather than by import."
                        )
                        % {"code": item.code, "region": region.name},
                    )
                continue
            if not is_province:
                if item.base_code:
                    item.base = base_index.get(item.base_code)
                    if item.base is None:
                        ctx.error(
                            "base_code",
                            _("“%(code)s” is not in the base catalog of the province.")
                            % {"code": item.base_code},
                        )
                        continue
                else:
                    item.base = base_index.get(item.code)
                if item.base is None and not (item.local_reason or local_reason):
                    ctx.error(
                        "local_reason",
                        _(
                            "Item %(code)s is not in the province's base catalog: a local "
                            "addition needs its reason (增设理由)."
                        )
                        % {"code": item.code},
                    )
                    continue
            entries.append(item)

        result.created = {
            "duties": len(entries),
            "assignments": sum(len(i.holders) for i in entries),
            "organizations": len(missing),
            "unchanged": unchanged,
        }
        if result.errors or dry_run:
            result.seconds = time.monotonic() - started
            return result
        try:
            created_orgs: dict[str, int] = {}
            today = timezone.localdate()
            for key, m in missing.items():
                org = org_services.organization_create(
                    actor=actor,
                    name=m.name,
                    kind=OrgKind.GOVERNMENT_DEPARTMENT,
                    region=m.region,
                    level=m.region.level,
                    valid_from=today,
                    legal_basis=document_number,
                )
                created_orgs[key] = org.pk
            duty_entries = [
                services.DutyEntry(
                    spec=services.DutySpec(
                        code=i.code,
                        name=i.name,
                        category=i.category,
                        levels=i.levels,
                        legal_bases=i.legal_bases,
                    ),
                    base_id=i.base.pk if i.base is not None else None,
                    local_reason="" if i.base is not None else (i.local_reason or local_reason),
                    valid_from=i.valid_from,
                    assignments=[
                        services.AssignmentEntry(
                            organization_id=h.organization_id or created_orgs[h.missing_key],
                            region_id=h.region.pk if h.region is not None else None,
                            role=h.role,
                            division_of_labour=h.division,
                        )
                        for h in i.holders
                    ],
                )
                for i in entries
            ]
            services.duty_bulk_create(
                actor=actor, region=region, entries=duty_entries, legal_basis=document_number
            )
        except DomainError as exc:  # the registry changed between the check and the write
            transaction.set_rollback(True)
            ctx.start(0)
            ctx.error("", exc.message)
            result.seconds = time.monotonic() - started
            return result
        report(progress, len(sheet), len(sheet), "imported")
    result.imported = True
    result.seconds = time.monotonic() - started
    return result


def _same(old: Duty, item: _Item) -> bool:
    """Whether a duty on the list already says what the file's item says."""
    holders = {h.organization_id for h in item.holders}
    current = {a.organization_id for a in old.assignments.all() if a.valid_to is None}
    return (
        old.name == item.name
        and old.category == item.category
        and sorted(old.levels) == sorted(item.levels)
        and {(b.law, b.article, b.clause) for b in old.legal_bases.all()} == set(item.legal_bases)
        and None not in holders
        and holders == current
    )


def _check_row(
    ctx: RowContext,
    values: dict[str, str],
    *,
    region: Region,
    regions: RegionIndex,
    orgs: OrganizationIndex,
    scope,
    items: dict[str, _Item],
    current: _Item | None,
    missing: dict,
    create_missing_orgs: bool,
) -> _Item | None:
    code = normalize_text(values.get("code", ""))
    name = normalize_text(values.get("name", ""))
    if not code:
        if not name and current is not None:
            item, first = current, False  # a continuation row (a merged cell)
        else:
            ctx.error("code", _("The item code is missing."))
            return current
    elif code in items:
        item, first = items[code], False
    else:
        item, first = _Item(row=ctx.row, code=code), True
        if len(code) > 40:
            ctx.error("code", _("An item code has at most 40 characters."))

    category = None
    type_text = values.get("type", "").strip()
    if type_text:
        category = parse_category(type_text)
        if category is None:
            ctx.error(
                "type",
                _(
                    "Unknown item type “%(value)s”: use the category code 1–10 or 20 "
                    "(1 行政许可, 2 行政处罚, … 20 公共服务)."
                )
                % {"value": type_text},
            )
    levels = None
    level_text = values.get("level", "").strip()
    if level_text:
        levels = parse_levels(level_text)
        if levels is None:
            ctx.error(
                "level",
                _("Unknown level “%(value)s” (省级, 市级, 县级, 乡镇级 or province, …).")
                % {"value": level_text},
            )
    legal_text = values.get("legal_basis", "")
    bases = parse_legal_bases(legal_text) if legal_text.strip() else None
    for law, article, clause in bases or []:
        if len(law) > 300 or len(article) > 50 or len(clause) > 50:
            ctx.error("legal_basis", _("A legal basis is too long: %(t)s…") % {"t": law[:40]})
            break
    base_code = normalize_text(values.get("base_code", ""))
    reason = values.get("local_reason", "").strip()
    valid_from = None
    if values.get("valid_from", "").strip():
        valid_from = parse_date(values["valid_from"])
        if valid_from is None:
            ctx.error(
                "valid_from",
                _("“%(value)s” is not a date (e.g. 2024-01-01).") % {"value": values["valid_from"]},
            )

    if first:
        if not name:
            ctx.error("name", _("The item name is missing."))
        elif len(name) > 300:
            ctx.error("name", _("An item name has at most 300 characters."))
        if not type_text:
            ctx.error("type", _("The item type is missing."))
        item.name, item.category = name, category
        item.levels = levels or [region.level]
        item.legal_bases = bases or []
        item.base_code, item.local_reason, item.valid_from = base_code, reason, valid_from
    else:
        # Later rows of an item may repeat what its first row says, not contradict it.
        differs = _("differs from row %(row)s, the first row of item %(code)s.") % {
            "row": item.row,
            "code": item.code,
        }
        if name and name != item.name:
            ctx.error("name", _("The name") + " " + differs)
        if category is not None and category != item.category:
            ctx.error("type", _("The type") + " " + differs)
        if levels is not None and levels != item.levels:
            ctx.error("level", _("The level") + " " + differs)
        if bases is not None and bases != item.legal_bases:
            ctx.error("legal_basis", _("The legal basis") + " " + differs)

    holder = _check_department(
        ctx,
        values,
        region=region,
        regions=regions,
        orgs=orgs,
        scope=scope,
        item=item,
        first=first,
        missing=missing,
        create_missing_orgs=create_missing_orgs,
    )
    if first:
        items[code] = item
    if holder is not None and ctx.row_ok:
        item.holders.append(holder)
    return item


def _check_department(
    ctx, values, *, region, regions, orgs, scope, item, first, missing, create_missing_orgs
) -> _Holder | None:
    row_region, ok = row_region_of(ctx, values, regions)
    if not ok:
        return None
    dept = normalize_text(values.get("department", ""))
    if not dept:
        ctx.error("department", _("The implementing organization (实施主体) is missing."))
        return None
    if len(dept) > 200:
        ctx.error("department", _("An organization name has at most 200 characters."))
        return None
    known = orgs.by_name.get(match_key(dept), [])
    org, message = orgs.find(dept, row_region or region)
    if org is None and row_region is None and known:
        # Not in the region itself: a unique one of its subtree (a township, say).
        found, other = orgs.find(dept, None)
        org, message = (found, "") if found is not None else (None, other)
    role_text = values.get("role", "").strip()
    role = ROLES.get(match_key(role_text)) if role_text else None
    if role_text and role is None:
        ctx.error("role", _("Unknown role “%(value)s” (牵头, 配合).") % {"value": role_text})
        return None
    if role is None:
        role = AssignmentRole.LEAD if not item.holders and first else AssignmentRole.CO_RESPONSIBLE
    division = values.get("division", "").strip()
    where = row_region or region
    if org is None:
        if not create_missing_orgs or known:
            ctx.error("department", message)
            return None
        key = f"{match_key(dept)}@{where.pk}"
        entry = missing.setdefault(key, _Missing(name=dept, region=where))
        entry.rows.append(ctx.row)
        holder = _Holder(ctx.row, None, missing_key=key, region=row_region, role=role)
    else:
        if scope is not None and not scope.covers(
            region_code=org.region.code, organization_id=org.pk
        ):
            ctx.error(
                "department",
                _("You may not change the registry of %(org)s.") % {"org": org.name},
            )
            return None
        holder = _Holder(ctx.row, org.pk, region=row_region, role=role)
    holder.division = division
    for other in item.holders:
        same_org = (
            other.organization_id == holder.organization_id
            if holder.organization_id
            else other.missing_key == holder.missing_key
        )
        if same_org and other.region == holder.region:
            ctx.error(
                "department",
                _("%(org)s is named twice for item %(code)s (first in row %(row)s).")
                % {"org": dept, "code": item.code, "row": other.row},
            )
            return None
    return holder
