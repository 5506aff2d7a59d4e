"""Organization import (机构导入): register organizations through `organization_create`.

A row may name as its managing organization (主管单位) one already registered or another
row of the same file; rows are created managers first.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.errors import DomainError
from onevisit.core.identifiers import normalize_credit_code
from onevisit.core.scoping import registry_write_scope
from onevisit.regions.models import Level, Region

from .. import services
from ..choices import InstitutionClass, OrgKind
from ..models import Organization
from .columns import ORGANIZATION_COLUMNS, match_key, parse_choice
from .common import (
    ImportResult,
    OrganizationIndex,
    Progress,
    RegionIndex,
    RowContext,
    parse_date,
    report,
)
from .common import (
    row_region as row_region_of,
)
from .readers import read_sheet


def import_organizations(
    data: bytes,
    *,
    actor,
    region: Region,
    filename: str = "",
    document_number: str = "",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import organizations into `region`'s subtree: every row or none."""
    started = time.monotonic()
    sheet = read_sheet(data, ORGANIZATION_COLUMNS, filename=filename)
    result = ImportResult(kind="organizations", rows=len(sheet))
    ctx = RowContext(sheet.headers, result.errors)
    today = timezone.localdate()
    scope = registry_write_scope(actor) if actor is not None else None

    with transaction.atomic():
        regions = RegionIndex(region)
        existing = OrganizationIndex(region)
        credit_codes = set(
            Organization.objects.exclude(credit_code=None).values_list("credit_code", flat=True)
        )
        in_file: dict[tuple[str, int], int] = {}  # (name key, region id) → row
        names_in_file: dict[str, list[int]] = {}
        for row, values in sheet.rows:
            names_in_file.setdefault(match_key(values.get("name", "")), []).append(row)
        planned: list[tuple[int, dict]] = []

        for done, (row, values) in enumerate(sheet.rows, 1):
            ctx.start(row)
            plan = _check_row(
                ctx,
                values,
                regions=regions,
                existing=existing,
                scope=scope,
                credit_codes=credit_codes,
                in_file=in_file,
                names_in_file=names_in_file,
                today=today,
                document_number=document_number,
            )
            if plan is not None and ctx.row_ok:
                planned.append((row, plan))
            report(progress, done, len(sheet), "checked")

        order, cycle_rows = _managers_first(planned)
        for row in cycle_rows:
            ctx.start(row)
            ctx.error("managing_organization", _("Managing organizations form a cycle."))
        if result.errors or dry_run:
            result.seconds = time.monotonic() - started
            return result

        created: dict[int, Organization] = {}
        try:
            for done, (row, plan) in enumerate(order, 1):
                manager = plan.pop("manager")
                if isinstance(manager, int):  # a row of this file
                    manager = created[manager]
                created[row] = services.organization_create(
                    actor=actor, managing_organization=manager, **plan
                )
                report(progress, done, len(order), "imported")
        except DomainError as exc:
            transaction.set_rollback(True)
            ctx.start(row)
            ctx.error("", exc.message)
            result.seconds = time.monotonic() - started
            return result
    result.imported = True
    result.created = {"organizations": len(created)}
    result.seconds = time.monotonic() - started
    return result


def _managers_first(planned: list[tuple[int, dict]]) -> tuple[list[tuple[int, dict]], list[int]]:
    """Rows ordered so that a managing organization of the file is created before its
    managed ones; the rows left over form a cycle."""
    pending = dict(planned)
    order: list[tuple[int, dict]] = []
    done: set[int] = set()
    while pending:
        ready = [
            row
            for row, plan in pending.items()
            if not isinstance(plan["manager"], int) or plan["manager"] in done
        ]
        if not ready:
            break
        for row in ready:
            order.append((row, pending.pop(row)))
            done.add(row)
    return order, sorted(pending)


def _check_row(
    ctx: RowContext,
    values: dict[str, str],
    *,
    regions,
    existing,
    scope,
    credit_codes,
    in_file,
    names_in_file,
    today,
    document_number,
) -> dict | None:
    name = " ".join(values.get("name", "").split())
    if not name:
        ctx.error("name", _("The name is missing."))

    kind_text = values.get("kind", "").strip()
    kind = parse_choice(OrgKind, kind_text) if kind_text else None
    if not kind_text:
        ctx.error("kind", _("The kind of organization is missing."))
    elif kind is None:
        ctx.error(
            "kind",
            _(
                "Unknown kind “%(value)s” "
                "(党委工作机关, 政府组成部门, 直属机构, 部门管理机构, 事业单位, …)."
            )
            % {"value": kind_text},
        )

    class_text = values.get("institution_class", "").strip()
    institution_class = ""
    if class_text:
        institution_class = parse_choice(InstitutionClass, class_text) or ""
        if not institution_class:
            ctx.error(
                "institution_class",
                _("Unknown public-institution class “%(value)s” (公益一类, 公益二类, …).")
                % {"value": class_text},
            )
        elif kind and kind != OrgKind.PUBLIC_INSTITUTION:
            ctx.error("institution_class", _("Only public institutions have a class."))

    row_region, _ok = row_region_of(ctx, values, regions, default=regions.root)
    if (
        row_region is not None
        and scope is not None
        and not scope.covers(region_code=row_region.code, organization_id=None)
    ):
        ctx.error(
            "region",
            _("You may not change the registry of %(region)s.") % {"region": row_region.name},
        )

    level = row_region.level if row_region is not None else ""
    if values.get("level", "").strip():
        level = parse_choice(Level, values["level"]) or ""
        if not level:
            ctx.error("level", _("Unknown level “%(value)s”.") % {"value": values["level"]})

    if name and row_region is not None:
        key = (match_key(name), row_region.pk)
        found, _message = existing.find(name, row_region)
        if found is not None:
            ctx.error("name", _("%(name)s is already registered.") % {"name": found.name})
        elif key in in_file:
            ctx.error(
                "name",
                _("%(name)s appears twice in this file (first in row %(row)s).")
                % {"name": name, "row": in_file[key]},
            )
        else:
            in_file[key] = ctx.row

    credit_code = None
    if values.get("credit_code", "").strip():
        try:
            credit_code = normalize_credit_code(values["credit_code"].strip().upper())
        except DomainError as exc:
            ctx.error("credit_code", exc.message)
        else:
            if credit_code in credit_codes:
                ctx.error(
                    "credit_code",
                    _("Credit code %(code)s is already registered.") % {"code": credit_code},
                )
            credit_codes.add(credit_code)

    valid_from = today
    if values.get("valid_from", "").strip():
        valid_from = parse_date(values["valid_from"])
        if valid_from is None:
            ctx.error(
                "valid_from",
                _("“%(value)s” is not a date (e.g. 2019-01-01).") % {"value": values["valid_from"]},
            )

    manager = None
    manager_text = values.get("managing_organization", "").strip()
    if manager_text:
        manager, message = existing.find(manager_text)
        if manager is None:
            rows = [r for r in names_in_file.get(match_key(manager_text), []) if r != ctx.row]
            if len(rows) == 1:
                manager = rows[0]
            else:
                ctx.error("managing_organization", message)

    if not ctx.row_ok:
        return None
    return {
        "name": name,
        "name_en": values.get("name_en", "").strip(),
        "kind": kind,
        "institution_class": institution_class,
        "region": row_region,
        "level": level,
        "valid_from": valid_from,
        "credit_code": credit_code,
        "legal_basis": values.get("document_number", "").strip() or document_number,
        "manager": manager,
    }
