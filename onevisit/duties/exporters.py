"""Export of a region's power and responsibility list as CSV or XLSX.

The columns are those of the import (`importers.DUTY_COLUMNS`): one row per item and
implementing organization now, the lead first, so that an exported file imports again.
An item no organization exercises is one row with an empty 实施主体.
"""

from __future__ import annotations

from collections.abc import Iterator

from onevisit.orgs.importers.exporters import CONTENT_TYPES, write_csv, write_xlsx
from onevisit.regions.models import Region

from . import selectors
from .choices import AssignmentRole
from .importers import DUTY_COLUMNS, LEVEL_TERMS, format_legal_basis

FORMATS = ("csv", "xlsx")
__all__ = ["CONTENT_TYPES", "FORMATS", "export", "header", "rows"]

_LEVEL_ZH = {level: terms[1] for level, terms in LEVEL_TERMS.items()}
_ROLE_ZH = {AssignmentRole.LEAD: "牵头", AssignmentRole.CO_RESPONSIBLE: "配合"}


def header(lang: str) -> list[str]:
    return [c.header(lang) for c in DUTY_COLUMNS]


def _levels(levels: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(_LEVEL_ZH.get(lvl, lvl) for lvl in levels)
    return ",".join(levels)


def rows(*, user, region: Region, lang: str = "zh") -> Iterator[list]:
    """The rows of the region's list (lists are public records)."""
    qs = selectors.duty_list(user=user, region=region).prefetch_related("legal_bases")
    for duty in qs.iterator(chunk_size=500):
        bases = "；".join(
            format_legal_basis(b.law, b.article, b.clause)
            for b in sorted(duty.legal_bases.all(), key=lambda b: b.pk)
        )
        common = [
            duty.code,
            duty.name,
            duty.category,
        ]
        tail = [
            duty.base.code if duty.base_id and duty.base.code != duty.code else "",
            duty.local_reason,
            duty.valid_from.isoformat(),
        ]
        holders = sorted(
            duty.current_assignments,
            key=lambda a: (a.role != AssignmentRole.LEAD, a.organization.name, a.pk),
        )
        if not holders:
            yield [*common, "", _levels(duty.levels, lang), duty.region.full_code, bases,
                   "", "", *tail]  # fmt: skip
        for a in holders:
            yield [
                *common,
                a.organization.name,
                _levels(duty.levels, lang),
                a.region.full_code,
                bases,
                a.division_of_labour,
                _ROLE_ZH.get(a.role, a.role) if lang == "zh" else a.role,
                *tail,
            ]


def export(fmt: str, *, user, region: Region, out, lang: str = "zh") -> int:
    """Write the region's list to `out`, a binary file; returns the number of rows."""
    data = rows(user=user, region=region, lang=lang)
    if fmt == "xlsx":
        return write_xlsx(header(lang), data, out, title="duties")
    return write_csv(header(lang), data, out)
