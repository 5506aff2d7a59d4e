"""The registry and the lists as they stand on one date, loaded in a handful of bulk queries.

Every check of the analyzer works on this snapshot with dicts and sets, never with a query
per row: at province scale (100,000 assignments, 5,000 organizations) the whole load is a
few `values_list` queries. The impact report of a reform plan copies a snapshot and plays
the plan on the copy (`Snapshot.copy`).
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from onevisit.orgs.history import alive_on, charter_in_force_on, staff_on
from onevisit.orgs.models import CharterFunction, Organization
from onevisit.regions.models import Region

from ..models import Duty, DutyAssignment, LegalBasis
from .findings import normalize_text


@dataclass(slots=True)
class OrgRow:
    id: int
    name: str
    kind: str
    institution_class: str
    region_id: int
    level: str
    valid_from: datetime.date
    valid_to: datetime.date | None

    def abolished_on(self, date: datetime.date) -> bool:
        return self.valid_to is not None and self.valid_to <= date


@dataclass(slots=True)
class DutyRow:
    id: int
    code: str
    name: str
    category: int
    region_id: int
    base_id: int | None
    is_base: bool
    levels: frozenset
    function: str
    function_norm: str
    has_basis: bool = False

    @property
    def root(self) -> int:
        """The base-catalog item a local item derives from, or the item itself."""
        return self.base_id or self.id

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(slots=True)
class RegionRow:
    id: int
    code: str
    name: str
    level: str


#: An assignment: (id, duty_id, organization_id, region_id, level, role, division, delegated)
Holding = tuple[int, int, int, int, str, str, str, bool]


@dataclass
class Snapshot:
    as_of: datetime.date
    region_code: str
    regions: dict[int, RegionRow]
    orgs: dict[int, OrgRow]
    duties: dict[int, DutyRow]
    holdings: list[Holding]
    #: organization → {normalized function text: text as written}, charters in force
    functions: dict[int, dict[str, str]]
    #: organization → staff in force on the date
    staff: dict[int, int]
    #: organization ids that have a charter in force
    chartered: set[int] = field(default_factory=set)

    def in_scope(self, region_id: int) -> bool:
        region = self.regions.get(region_id)
        return region is not None and region.code.startswith(self.region_code)

    def copy(self) -> Snapshot:
        return Snapshot(
            as_of=self.as_of,
            region_code=self.region_code,
            regions=self.regions,
            orgs={k: copy.copy(v) for k, v in self.orgs.items()},
            duties=self.duties,
            holdings=list(self.holdings),
            functions={k: dict(v) for k, v in self.functions.items()},
            staff=dict(self.staff),
            chartered=set(self.chartered),
        )


def _ancestor_codes(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6) if n < len(code)]


def load_snapshot(*, region: Region | None, as_of: datetime.date) -> Snapshot:
    """Seven queries, whatever the size of the registry."""
    code = region.code if region is not None else ""
    regions = {
        pk: RegionRow(pk, rcode, name, level)
        for pk, rcode, name, level in Region.objects.values_list("pk", "code", "name", "level")
    }

    org_qs = Organization.objects.filter(valid_from__lte=as_of)
    if code:
        org_qs = org_qs.filter(region__code__startswith=code)
    orgs = {
        row[0]: OrgRow(*row)
        for row in org_qs.values_list(
            "pk",
            "name",
            "kind",
            "institution_class",
            "region_id",
            "level",
            "valid_from",
            "valid_to",
        ).order_by()
    }

    duty_qs = Duty.objects.filter(alive_on(as_of))
    if code:
        duty_qs = duty_qs.filter(
            Q(region__code__startswith=code) | Q(region__code__in=_ancestor_codes(code))
        )
    duties: dict[int, DutyRow] = {}
    for (
        pk,
        dcode,
        name,
        category,
        region_id,
        base_id,
        is_base,
        levels,
        function,
    ) in duty_qs.values_list(
        "pk",
        "code",
        "name",
        "category",
        "region_id",
        "base_id",
        "is_base_catalog",
        "levels",
        "function",
    ).order_by():
        duties[pk] = DutyRow(
            pk,
            dcode,
            name,
            category,
            region_id,
            base_id,
            is_base,
            frozenset(levels or ()),
            function,
            normalize_text(function),
        )
    with_basis = set(
        LegalBasis.objects.exclude(law="").values_list("duty_id", flat=True).distinct().order_by()
    )
    for duty in duties.values():
        duty.has_basis = duty.id in with_basis or (duty.base_id in with_basis)

    assign_qs = DutyAssignment.objects.filter(alive_on(as_of))
    if code:
        assign_qs = assign_qs.filter(region__code__startswith=code)
    holdings = list(
        assign_qs.values_list(
            "pk",
            "duty_id",
            "organization_id",
            "region_id",
            "level",
            "role",
            "division_of_labour",
            "delegated",
        ).order_by()
    )

    fn_qs = CharterFunction.objects.filter(charter_in_force_on(as_of, "charter__"))
    if code:
        fn_qs = fn_qs.filter(charter__organization__region__code__startswith=code)
    functions: dict[int, dict[str, str]] = {}
    for org_id, text in fn_qs.values_list("charter__organization_id", "text").order_by():
        functions.setdefault(org_id, {})[normalize_text(text)] = text
    chartered_qs = Organization.objects.filter(charter_in_force_on(as_of, "charters__"))
    if code:
        chartered_qs = chartered_qs.filter(region__code__startswith=code)
    chartered = set(chartered_qs.values_list("pk", flat=True).distinct().order_by())

    staff_qs = staff_on(as_of)
    if code:
        staff_qs = staff_qs.filter(organization__region__code__startswith=code)
    staff = dict(
        staff_qs.values("organization_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organization_id", "n")
    )
    return Snapshot(
        as_of=as_of,
        region_code=code,
        regions=regions,
        orgs=orgs,
        duties=duties,
        holdings=holdings,
        functions=functions,
        staff=staff,
        chartered=chartered,
    )
