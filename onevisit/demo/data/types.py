"""The shapes of the demo data: one organ or institution per entry."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from onevisit.orgs.choices import FundingType, InstitutionClass, OrgKind


@dataclass(frozen=True)
class History:
    """Where an organ stands in the 2018–2019 reform (for the reform-plan issue).

    `change`:
      - "kept": existed before 2018 under the same name; only a new charter in 2019;
      - "renamed": the same organ under a new name (`predecessors` holds the old name);
      - "merged": built from several pre-2018 organs (`predecessors`), which are abolished;
      - "new": established by the reform with no predecessor.
    `established` is the date the current organ took its present form (its valid_from).
    """

    change: str = "kept"
    established: datetime.date = datetime.date(2000, 1, 1)
    predecessors: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class OrganSpec:
    """A Party or government organ of the demo province.

    `key` is unique within its region list and names the charter template
    (`templates.ORGAN_TEMPLATES`); `managed_by` is the key of the managing organ for a
    department-managed bureau.
    """

    key: str
    name: str
    name_en: str
    kind: OrgKind
    template: str = ""
    quota: int = 30
    political_legal: int = 0
    service_staff: int = 2
    deputies: int = 3
    managed_by: str = ""
    history: History = field(default_factory=History)

    @property
    def template_key(self) -> str:
        return self.template or self.key


@dataclass(frozen=True)
class InstitutionSpec:
    """A public institution (事业单位) placed under a sponsoring organ (`managed_by`)."""

    key: str
    name: str
    name_en: str
    institution_class: InstitutionClass
    template: str
    managed_by: str
    quota: int = 20
    funding: FundingType = FundingType.FULL
    deputies: int = 2
    established: datetime.date = datetime.date(2005, 1, 1)


@dataclass(frozen=True)
class OrganTemplate:
    """Charter content shared by organs of the same line at every level.

    `{r}` is replaced by the region's name (浙江省, 杭州市, 桐庐县 …), `{a}` by the
    area it covers (全省, 全市, 全县, 全区) and `{p}` by the Party committee (省委, 市委 …).
    Internal-body names end in 处; at county level the builder turns that into 科.
    """

    functions: tuple[str, ...]
    bodies: tuple[tuple[str, str], ...]
    party: bool = False
