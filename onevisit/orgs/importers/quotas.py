"""Quota import (编制核定导入): approved quotas per organization × category × funding type.

The rows of one organization become one new charter version (`charter_issue`) that keeps
its functions, bodies, posts and other quotas; an organization whose quotas the file does
not change gets no new version. A cut below the actual count is a row error.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.errors import DomainError
from onevisit.core.scoping import registry_write_scope
from onevisit.regions.models import Region

from .. import services
from ..models import Charter, QuotaBalance
from .columns import QUOTA_COLUMNS
from .common import (
    ImportResult,
    OrganizationIndex,
    Progress,
    RegionIndex,
    RowContext,
    parse_count,
    parse_date,
    report,
    row_organization,
)
from .readers import read_sheet
from .staff import parse_category


def import_quotas(
    data: bytes,
    *,
    actor,
    region: Region,
    filename: str = "",
    document_number: str = "",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import approved quotas into `region`'s subtree: every row or none."""
    started = time.monotonic()
    sheet = read_sheet(data, QUOTA_COLUMNS, filename=filename)
    result = ImportResult(kind="quotas", rows=len(sheet))
    ctx = RowContext(sheet.headers, result.errors)
    today = timezone.localdate()
    scope = registry_write_scope(actor) if actor is not None else None

    with transaction.atomic():
        regions = RegionIndex(region)
        orgs = OrganizationIndex(region)
        org_ids = [o.pk for found in orgs.by_name.values() for o in found]
        balances = {
            (b.organization_id, b.category, b.funding_type): b
            for b in QuotaBalance.objects.filter(organization_id__in=org_ids)
        }
        charters = {
            c.organization_id: c
            for c in Charter.objects.filter(organization_id__in=org_ids, valid_to__isnull=True)
        }
        groups: dict[int, dict] = {}  # organization id → what its rows ask for
        seen: dict[tuple[int, str, str], int] = {}

        for done, (row, values) in enumerate(sheet.rows, 1):
            ctx.start(row)
            _check_row(
                ctx,
                values,
                regions=regions,
                orgs=orgs,
                scope=scope,
                balances=balances,
                charters=charters,
                groups=groups,
                seen=seen,
                today=today,
                document_number=document_number,
            )
            report(progress, done, len(sheet), "checked")

        changed = [
            g
            for g in groups.values()
            if any(
                getattr(balances.get((g["org"].pk, c, f)), "approved", None) != n
                for (c, f), n in g["quotas"].items()
            )
        ]
        for group in changed:
            if not group["document_number"]:
                ctx.start(group["first_row"])
                ctx.error(
                    "document_number",
                    _("A quota change needs the document number that approves it."),
                )
        if result.errors or dry_run:
            result.seconds = time.monotonic() - started
            return result
        try:
            for done, group in enumerate(changed, 1):
                org = group["org"]
                current = charters.get(org.pk)
                content = services.charter_content(current) if current else None
                content = content or services.CharterContent()
                quotas = {(c, f): n for c, f, n in content.quotas}
                quotas.update(group["quotas"])
                content.quotas = [(c, f, n) for (c, f), n in quotas.items()]
                services.charter_issue(
                    actor=actor,
                    organization=org,
                    document_number=group["document_number"],
                    effective_date=group["effective_date"],
                    content=content,
                )
                report(progress, done, len(changed), "imported")
        except DomainError as exc:
            transaction.set_rollback(True)
            ctx.start(group["first_row"])
            ctx.error("", exc.message)
            result.seconds = time.monotonic() - started
            return result
    result.imported = True
    result.created = {"charters": len(changed), "unchanged": len(groups) - len(changed)}
    result.seconds = time.monotonic() - started
    return result


def _check_row(
    ctx: RowContext,
    values: dict[str, str],
    *,
    regions,
    orgs,
    scope,
    balances,
    charters,
    groups,
    seen,
    today,
    document_number,
) -> None:
    org = row_organization(ctx, values, regions, orgs, scope)
    parsed = parse_category(ctx, values, org)
    approved = parse_count(values.get("approved", ""))
    if approved is None:
        ctx.error(
            "approved",
            _("“%(value)s” is not a number of posts.") % {"value": values.get("approved", "")},
        )
    effective_date = today
    if values.get("effective_date", "").strip():
        effective_date = parse_date(values["effective_date"])
        if effective_date is None:
            ctx.error(
                "effective_date",
                _("“%(value)s” is not a date (e.g. 2019-01-01).")
                % {"value": values["effective_date"]},
            )
    if org is None or parsed is None or not ctx.row_ok:
        return
    category, funding = parsed
    key = (org.pk, category, funding)
    if key in seen:
        ctx.error(
            "category",
            _("%(org)s: this category appears twice in the file (first in row %(row)s).")
            % {"org": org.name, "row": seen[key]},
        )
        return
    seen[key] = ctx.row
    balance = balances.get(key)
    if balance is not None and approved < balance.actual:
        ctx.error(
            "approved",
            _(
                "Quota cut refused: %(org)s would have %(approved)s approved %(category)s posts "
                "but has %(actual)s staff in them."
            )
            % {
                "org": org.name,
                "approved": approved,
                "category": services.category_label(category, funding),
                "actual": balance.actual,
            },
        )
        return
    current = charters.get(org.pk)
    if current is not None and effective_date < current.effective_date:
        ctx.error(
            "effective_date",
            _("The change cannot take effect before the current charter (%(date)s).")
            % {"date": current.effective_date},
        )
        return
    doc = values.get("document_number", "").strip() or document_number
    group = groups.setdefault(
        org.pk,
        {
            "org": org,
            "quotas": {},
            "first_row": ctx.row,
            "document_number": doc,
            "effective_date": effective_date,
        },
    )
    if doc and group["document_number"] and doc != group["document_number"]:
        ctx.error(
            "document_number",
            _(
                "%(org)s's rows name different documents; one file changes an organization's "
                "quotas by one document."
            )
            % {"org": org.name},
        )
        return
    group["document_number"] = group["document_number"] or doc
    group["quotas"][(category, funding)] = approved
