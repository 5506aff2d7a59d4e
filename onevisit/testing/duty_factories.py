"""Helpers for power and responsibility lists in tests, through the services.

prov = province()                     # region 33 (Zhejiang)
item = base_item("330122-XK-0001", "建设工程规划许可证核发")
local = local_item("330122-XK-0001", "建设工程规划许可证核发", base=item)
assign(local, org)
"""

from __future__ import annotations

import datetime
import itertools

from onevisit.duties import services as duty_services
from onevisit.duties.choices import AssignmentRole, DutyCategory
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.regions.models import Level, Region

from .factories import RegionFactory

_serial = itertools.count(1)

#: The date test lists take effect (before the organizations' charters of 2019 are not).
DEFAULT_FROM = datetime.date(2020, 1, 1)


def province(code: str = "33", name: str = "浙江省") -> Region:
    return RegionFactory(code=code, name=name, level=Level.PROVINCE)


def county(code: str = "330122", name: str = "桐庐县", parent: Region | None = None) -> Region:
    """A county under its city and province (created if missing)."""
    if parent is None:
        prov = province(code[:2])
        parent = RegionFactory(
            code=code[:4],
            name={"3301": "杭州市"}.get(code[:4], f"Region {code[:4]}"),
            level=Level.CITY,
            parent=prov,
        )
    return RegionFactory(code=code, name=name, level=Level.COUNTY, parent=parent)


def _spec(code, name, category, levels, legal_bases, function, **kw) -> duty_services.DutySpec:
    n = next(_serial)
    return duty_services.DutySpec(
        code=code or f"TEST-{n:05d}",
        name=name or f"测试事项{n}",
        category=int(category),
        levels=[str(lvl) for lvl in (levels or [Level.COUNTY])],
        legal_bases=[tuple(b) for b in (legal_bases or [])],
        function=function or "",
        responsibilities=kw.pop("responsibilities", {}) or {},
        accountability=kw.pop("accountability", []) or [],
    )


def base_item(
    code: str | None = None,
    name: str | None = None,
    category: int = DutyCategory.LICENSING,
    levels: list[str] | None = None,
    legal_bases: list[tuple[str, str, str]] | None = None,
    function: str = "",
    *,
    region: Region | None = None,
    valid_from: datetime.date = DEFAULT_FROM,
    actor=None,
    **kw,
) -> Duty:
    """An item of the provincial base catalog (region: the province, `33` by default)."""
    return duty_services.duty_create(
        actor=actor,
        region=region or province(),
        spec=_spec(code, name, category, levels, legal_bases, function, **kw),
        is_base_catalog=True,
        valid_from=valid_from,
    )


def local_item(
    code: str | None = None,
    name: str | None = None,
    category: int | None = None,
    levels: list[str] | None = None,
    legal_bases: list[tuple[str, str, str]] | None = None,
    function: str = "",
    *,
    region: Region | None = None,
    base: Duty | None = None,
    local_reason: str = "",
    valid_from: datetime.date = DEFAULT_FROM,
    actor=None,
    **kw,
) -> Duty:
    """An item of a region's implementation list (Tonglu County by default): derived from
    `base` if given (its fields are the defaults), else a local addition with a reason."""
    if base is not None:
        code = code or base.code
        name = name or base.name
        category = base.category if category is None else category
        levels = levels or list(base.levels)
        if legal_bases is None:
            legal_bases = [(b.law, b.article, b.clause) for b in base.legal_bases.all()]
        function = function or base.function
    elif not local_reason:
        local_reason = "本地特有事项（测试）"
    if category is None:
        category = DutyCategory.LICENSING
    return duty_services.duty_create(
        actor=actor,
        region=region or county(),
        spec=_spec(code, name, category, levels, legal_bases, function, **kw),
        base=base,
        local_reason=local_reason,
        valid_from=valid_from,
    )


def assign(
    duty: Duty,
    org,
    *,
    role: str = AssignmentRole.LEAD,
    region: Region | None = None,
    level: str | None = None,
    division_of_labour: str = "",
    delegated: bool = False,
    valid_from: datetime.date = DEFAULT_FROM,
    actor=None,
) -> DutyAssignment:
    """Make `org` exercise `duty` (in its own region and level unless told)."""
    return duty_services.duty_assign(
        actor=actor,
        duty=duty,
        organization=org,
        region=region,
        level=level,
        role=role,
        division_of_labour=division_of_labour,
        delegated=delegated,
        valid_from=valid_from,
    )
