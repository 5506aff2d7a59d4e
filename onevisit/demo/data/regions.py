"""The demo's regions: which organ lists are built where, and how their documents are named."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import ModuleType

from onevisit.regions.models import Level

from . import hangzhou, keqiao, province, tonglu


@dataclass(frozen=True)
class RegionPlan:
    """One region of the demo and the conventions of its documents."""

    code: str
    level: Level
    area: str  # 全省 / 全市 / 全县 / 全区, replaces {a} in charter templates
    party: str  # 省委 / 市委 / 县委 / 区委, replaces {p}
    party_doc: str  # prefix of Party-office documents issuing organ charters
    establishment_doc: str  # prefix of establishment-committee documents (institutions)
    data: ModuleType
    township_prefix: str = ""  # prefix of township names; empty: no township governments
    english: str = ""

    @property
    def reform_date(self) -> datetime.date:
        return self.data.REFORM_DATE


PLANS: list[RegionPlan] = [
    RegionPlan(
        "33", Level.PROVINCE, "全省", "省委", "浙委办发", "浙编", province, english="Zhejiang"
    ),
    RegionPlan(
        "3301", Level.CITY, "全市", "市委", "杭委办发", "杭编", hangzhou, english="Hangzhou"
    ),
    RegionPlan(
        "330122",
        Level.COUNTY,
        "全县",
        "县委",
        "桐委办发",
        "桐编",
        tonglu,
        "桐庐县",
        "Tonglu County",
    ),
    RegionPlan(
        "330603",
        Level.COUNTY,
        "全区",
        "区委",
        "柯委办发",
        "柯编",
        keqiao,
        "绍兴市柯桥区",
        "Keqiao District",
    ),
]
