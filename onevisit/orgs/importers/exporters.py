"""Exports of a region's organizations, quotas and staff as CSV or XLSX.

The columns are those of the imports, so an exported file imports again. Staff exports
show identity numbers in full only to users who may see them (`sees_identity_numbers`).
XLSX is written by openpyxl in write-only mode, which streams rows instead of keeping a
cell object per value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from onevisit.core.identifiers import mask_identity_number
from onevisit.core.scoping import sees_identity_numbers, staff_scope
from onevisit.regions.models import Level, Region

from ..choices import FundingType, InstitutionClass, OrgKind, PostRank, QuotaCategory
from ..models import Appointment, Charter, QuotaBalance
from ..selectors import organization_list, staff_visible_to
from .columns import COLUMNS, display_choice

KINDS = ("organizations", "quotas", "staff")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header(kind: str, lang: str) -> list[str]:
    return [c.header(lang) for c in COLUMNS[kind]]


def organization_rows(*, user, region: Region, lang: str) -> Iterator[list]:
    """Organizations are public records: every active one of the subtree."""
    for org in organization_list(user=user, region=region).iterator(chunk_size=1000):
        yield [
            org.name,
            org.name_en,
            display_choice(OrgKind, org.kind, lang),
            display_choice(InstitutionClass, org.institution_class, lang),
            org.region.full_code,
            display_choice(Level, org.level, lang),
            org.managing_organization.name if org.managing_organization else "",
            org.credit_code or "",
            org.valid_from.isoformat(),
            "",
        ]


def quota_rows(*, user, region: Region, lang: str) -> Iterator[list]:
    """Approved, actual and vacant per organization × category, for the staff the user may read."""
    balances = QuotaBalance.objects.filter(
        organization__region__code__startswith=region.code, organization__valid_to__isnull=True
    ).select_related("organization__region")
    if user is not None:
        balances = balances.filter(
            staff_scope(user).q(
                region_field="organization__region__code", organization_field="organization"
            )
        )
    balances = balances.order_by(
        "organization__region__code", "organization__name", "category", "funding_type"
    )
    charters = {
        c.organization_id: c
        for c in Charter.objects.filter(
            valid_to__isnull=True, organization__region__code__startswith=region.code
        )
    }
    for b in balances.iterator(chunk_size=2000):
        charter = charters.get(b.organization_id)
        yield [
            b.organization.name,
            b.organization.region.full_code,
            display_choice(QuotaCategory, b.category, lang),
            display_choice(FundingType, b.funding_type, lang),
            b.approved,
            b.actual,
            b.vacant,
            charter.document_number if charter else "",
            charter.effective_date.isoformat() if charter else "",
        ]


def staff_rows(
    *, user, region: Region, lang: str, show_identity_numbers: bool = False
) -> Iterator[list]:
    """The active staff the user may read. `user=None` is the operator at the console, who
    sees everything and full numbers only when asking for them."""
    if user is None:
        appointments = Appointment.objects.filter(end_date__isnull=True)
    else:
        appointments = staff_visible_to(user=user)
    appointments = (
        appointments.filter(organization__region__code__startswith=region.code)
        .select_related("person", "organization__region", "internal_body")
        .order_by("organization__region__code", "organization__name", "person__name", "pk")
    )
    sees: dict[int, bool] = {}
    for a in appointments.iterator(chunk_size=2000):
        org = a.organization
        if org.pk not in sees:
            sees[org.pk] = (
                show_identity_numbers
                if user is None
                else sees_identity_numbers(
                    user, region_code=org.region.code, organization_id=org.pk
                )
            )
        number = a.person.identity_number
        yield [
            a.person.name,
            number if sees[org.pk] else mask_identity_number(number),
            org.name,
            org.region.full_code,
            display_choice(QuotaCategory, a.category, lang),
            display_choice(FundingType, a.funding_type, lang),
            a.internal_body.name if a.internal_body else "",
            display_choice(PostRank, a.post_rank, lang),
            a.start_date.isoformat(),
            a.document_number,
        ]


def rows_of(kind: str, **kwargs) -> Iterator[list]:
    if kind == "organizations":
        kwargs.pop("show_identity_numbers", None)
        return organization_rows(**kwargs)
    if kind == "quotas":
        kwargs.pop("show_identity_numbers", None)
        return quota_rows(**kwargs)
    return staff_rows(**kwargs)


def write_csv(head: list[str], rows: Iterable[list], out) -> int:
    """UTF-8 with a byte-order mark, so that Excel shows the Chinese text; returns rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(head)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(head: list[str], rows: Iterable[list], out, *, title: str = "registry") -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(head)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(out)
    return count


def export(
    kind: str,
    fmt: str,
    *,
    user,
    region: Region,
    out,
    lang: str = "en",
    show_identity_numbers: bool = False,
) -> int:
    """Write an export to `out`, a binary file; returns the number of rows written."""
    rows = rows_of(
        kind, user=user, region=region, lang=lang, show_identity_numbers=show_identity_numbers
    )
    if fmt == "xlsx":
        return write_xlsx(header(kind, lang), rows, out, title=kind)
    return write_csv(header(kind, lang), rows, out)
