"""What every import shares: results, row errors, cell parsing, region and organization lookup."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from onevisit.core.errors import ValidationFailed
from onevisit.regions.models import Region

from ..models import Organization
from .columns import match_key

#: Called with (rows done, rows in total, what is being done).
Progress = Callable[[int, int, str], None]


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be read: not a spreadsheet, empty, missing columns, too big."""

    code = "bad_import_file"


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the row number as the spreadsheet shows it, the column's
    header as the file spells it (empty for the row as a whole), and a message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """The outcome of an import. `imported` is False whenever `errors` is not empty."""

    kind: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    imported: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


class RowContext:
    """Collects the errors of the current row, naming columns as the file spells them."""

    def __init__(self, headers: dict[str, str], errors: list[RowError]):
        self.headers = headers
        self.errors = errors
        self.row = 0
        self._count_before = 0

    def start(self, row: int) -> None:
        self.row = row
        self._count_before = len(self.errors)

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.row, self.headers.get(key, key) if key else "", message))

    @property
    def row_ok(self) -> bool:
        return len(self.errors) == self._count_before


def report(progress: Progress | None, done: int, total: int, what: str, every: int = 500) -> None:
    if progress is not None and (done % every == 0 or done == total):
        progress(done, total, what)


# --- cells ----------------------------------------------------------------------
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date(text: str) -> datetime.date | None:
    """A date as officials write it (2019-01-01, 2019/1/1, 2019年1月1日, 20190101); None if not."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", text):
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_count(text: str) -> int | None:
    text = text.strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text)) if "." in text else int(text)
    return None


# --- regions --------------------------------------------------------------------
class RegionIndex:
    """Regions of one subtree, found by division code as officials write it
    (330122, 330100 for 3301, 330000 for 33, or a 12-digit statistical code)."""

    def __init__(self, root: Region):
        self.root = root
        self.by_code = {
            r.code: r for r in Region.objects.filter(code__startswith=root.code).order_by("code")
        }

    @staticmethod
    def candidates(text: str) -> list[str]:
        code = re.sub(r"\D", "", text)
        found = [code]
        for length in (12, 9, 6, 4, 2):
            if len(code) > length and set(code[length:]) <= {"0"}:
                found.append(code[:length])
        return found

    def find(self, text: str) -> tuple[Region | None, str]:
        """(region, "") or (None, message)."""
        text = text.strip()
        for code in self.candidates(text):
            if code in self.by_code:
                return self.by_code[code], ""
        if any(Region.objects.filter(code=c).exists() for c in self.candidates(text) if c):
            return None, _("Region %(code)s is outside %(root)s, the region you import into.") % {
                "code": text,
                "root": self.root.name,
            }
        return None, _("Unknown division code “%(code)s”.") % {"code": text}


# --- organizations --------------------------------------------------------------
class OrganizationIndex:
    """The active organizations of a subtree, found by name (NFKC, spaces and case ignored),
    narrowed to one region when the row gives one."""

    def __init__(self, root: Region):
        self.by_name: dict[str, list[Organization]] = {}
        for org in Organization.objects.filter(
            region__code__startswith=root.code, valid_to__isnull=True
        ).select_related("region"):
            self.by_name.setdefault(match_key(org.name), []).append(org)

    def find(self, name: str, region: Region | None = None) -> tuple[Organization | None, str]:
        found = self.by_name.get(match_key(name), [])
        if region is not None:
            found = [o for o in found if o.region_id == region.pk]
        if len(found) == 1:
            return found[0], ""
        if not found:
            where = region.name if region is not None else ""
            if where:
                return None, _("No organization named “%(name)s” in %(region)s.") % {
                    "name": name,
                    "region": where,
                }
            return None, _("No organization named “%(name)s” in this region.") % {"name": name}
        return None, _(
            "Several organizations are named “%(name)s”: give the division code to tell them apart."
        ) % {"name": name}


# --- a row's region and organization -----------------------------------------------
def row_region(
    ctx: RowContext, values: dict[str, str], regions: RegionIndex, default: Region | None = None
) -> tuple[Region | None, bool]:
    """The region the row's `region` column names, or `default` when the column is empty.

    Returns (region, ok); an unknown or outside code is a row error and (None, False)."""
    if not values.get("region", "").strip():
        return default, True
    region, message = regions.find(values["region"])
    if message:
        ctx.error("region", message)
        return None, False
    return region, True


def row_organization(
    ctx: RowContext,
    values: dict[str, str],
    regions: RegionIndex,
    orgs: OrganizationIndex,
    scope,
) -> Organization | None:
    """The organization the row names (within its region column, if any) that the importing
    user may change; every problem is a row error and None."""
    region, ok = row_region(ctx, values, regions)
    name = values.get("organization", "").strip()
    if not name:
        ctx.error("organization", _("The organization is missing."))
        return None
    if not ok:
        return None
    org, message = orgs.find(name, region)
    if message:
        ctx.error("organization", message)
        return None
    if scope is not None and not scope.covers(region_code=org.region.code, organization_id=org.pk):
        ctx.error(
            "organization", _("You may not change the registry of %(org)s.") % {"org": org.name}
        )
        return None
    return org
