"""The demo's licence vault (电子证照库): the licence types, linked to the items whose
approval issues them, and the licences a real province already holds before its first
online case (存量证照归集) — every resident's identity card and household register, every
enterprise's business licence, the restaurants' food permits, and title deeds of flats
(their owners sell them through the second-hand-housing bundle) and of factories' land.

The types are rows of the vault's own table (there is no service to write them); every
licence is issued through `licences.services.licence_issue`, signed with its issuing
bureau's key, with a realistic issue date drawn from the demo's own random stream.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from onevisit.licences.models import LicenceType
from onevisit.licences.services import licence_issue
from onevisit.licences.services.issuance import add_years
from onevisit.orgs.models import Organization

from .builder import RegionBuild
from .catalog import Catalog
from .data.catalog_types import TONGLU
from .data.licences import LAND_HOLDING_TRADES, LICENCE_TYPES, SCOPES
from .people import STREETS, TOWNS, TRADES, Party, People
from .values import ESTATES

#: Second-generation identity cards were issued from 2004 (居民身份证法, 2004-01-01).
SECOND_GENERATION = datetime.date(2004, 1, 1)
#: The day the licences are counted in force: the first day of the demo's year of cases.
IN_FORCE_ON = datetime.date(2025, 12, 1)
#: The last day a licence that existed before the platform was issued on.
LAST_ISSUE = datetime.date(2025, 10, 31)
#: Residents (of the demo's 160) who own their flat, and the restaurants' food permits.
HOMEOWNERS = 60
FOOD_TRADE = "餐饮管理"


@dataclass
class Home:
    """A flat on a title deed: its owner sells it through the second-hand-housing bundle."""

    owner: str
    address: str
    area: str


@dataclass
class Vault:
    """What the demo's vault holds before the year of cases."""

    types: dict[str, LicenceType] = field(default_factory=dict)
    #: licence type code → ids of the applicants holding one.
    holders: dict[str, set[int]] = field(default_factory=dict)
    #: applicant id → their licences: (type code, issued on, valid until).
    held: dict[int, list[tuple[str, datetime.date, datetime.date | None]]] = field(
        default_factory=dict
    )
    homes: list[Home] = field(default_factory=list)
    issued: int = 0


def build_licence_types(catalog: Catalog) -> dict[str, LicenceType]:
    """The licence types, each linked to the demo items whose approval issues it."""
    types = {}
    for spec in LICENCE_TYPES:
        lt = LicenceType.objects.create(
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            holder_kind=spec.holder_kind,
            fields=[dict(f) for f in spec.fields],
            validity_years=spec.validity_years,
            one_per_holder=spec.one_per_holder,
        )
        lt.items.set([catalog.items[key] for key in spec.items])
        types[spec.code] = lt
    return types


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def issued_by_items(types: dict[str, LicenceType], catalog: Catalog) -> dict:
    """{item id: (licence type code, years valid)} of the items whose approval issues one."""
    return {
        catalog.items[key].pk: (spec.code, spec.validity_years)
        for spec in LICENCE_TYPES
        for key in spec.items
        if spec.code in types
    }


def _dotted(day: datetime.date) -> str:
    return f"{day:%Y.%m.%d}"


def identity_card(rng: random.Random, identifier: str) -> tuple[datetime.date, str]:
    """The issue day and printed validity of the identity card in force on `IN_FORCE_ON`:
    first issued at sixteen (or in the 2004–2008 change to second-generation cards), then
    renewed shortly before each expiry; valid ten years when issued under 26, twenty under
    46, long-term from 46 (居民身份证法第五条)."""
    birth = datetime.date(int(identifier[6:10]), int(identifier[10:12]), int(identifier[12:14]))
    issued = max(
        add_years(birth, 16) + datetime.timedelta(days=rng.randint(0, 200)),
        _day(rng, SECOND_GENERATION, datetime.date(2008, 12, 31)),
    )
    while True:
        age = (issued - birth).days // 365
        if age >= 46:
            return issued, f"{_dotted(issued)}-长期"
        until = add_years(issued, 10 if age < 26 else 20)
        if until >= IN_FORCE_ON:
            return issued, f"{_dotted(issued)}-{_dotted(until)}"
        issued = until - datetime.timedelta(days=rng.randint(5, 90))


def _trade(name: str) -> str:
    return next((t for t in TRADES if t in name), TRADES[0])


class Issuer:
    """Issues the existing licences through the service and keeps count."""

    def __init__(self, vault: Vault, organizations: dict[str, Organization]):
        self.vault = vault
        self.organizations = organizations

    def __call__(self, code: str, party: Party, day: datetime.date, values: dict) -> None:
        spec = next(s for s in LICENCE_TYPES if s.code == code)
        licence = licence_issue(
            actor=None,
            licence_type=self.vault.types[code],
            holder=party.applicant,
            organization=self.organizations[spec.issuer],
            values=values,
            issued_on=day,
        )
        self.vault.holders.setdefault(code, set()).add(party.applicant.pk)
        self.vault.held.setdefault(party.applicant.pk, []).append((code, day, licence.valid_until))
        self.vault.issued += 1


def issue_existing_licences(
    builds: dict[str, RegionBuild], people: People, rng: random.Random, catalog: Catalog
) -> Vault:
    """The licence types, then the licences the province held before the year of cases."""
    vault = Vault(types=build_licence_types(catalog))
    tonglu = builds[TONGLU]
    issue = Issuer(vault, {s.issuer: tonglu.by_key[s.issuer].organization for s in LICENCE_TYPES})
    persons = [*people.persons, people.citizen]
    for party in persons:
        applicant = party.applicant
        day, period = identity_card(rng, applicant.identifier)
        sex = "男" if int(applicant.identifier[16]) % 2 else "女"
        birth = applicant.identifier[6:14]
        issue(
            "id_card",
            party,
            day,
            {
                "sex": sex,
                "ethnicity": "汉",
                "birth_date": f"{birth[:4]}年{int(birth[4:6])}月{int(birth[6:])}日",
                "address": party.address,
                "valid_period": period,
            },
        )
        issue(
            "household_register",
            party,
            _day(rng, datetime.date(2008, 1, 1), LAST_ISSUE),
            {
                "address": party.address,
                "household_kind": "家庭户",
                "relation": rng.choice(["户主", "户主", "配偶"]),
            },
        )
    # Title deeds of flats; the demo citizen is buying her first one this year.
    for party in rng.sample(people.persons, HOMEOWNERS):
        home = Home(
            owner=party.applicant.name,
            address=(
                f"桐庐县{rng.choice(TOWNS)}{rng.choice(ESTATES)}小区{rng.randint(1, 30)}幢"
                f"{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
            ),
            area=str(rng.randint(60, 160)),
        )
        day = _day(rng, datetime.date(2019, 6, 1), LAST_ISSUE)
        issue(
            "property_certificate",
            party,
            day,
            {
                "property_address": home.address,
                "property_area": home.area,
                "right_type": "国有建设用地使用权/房屋所有权",
                "usage": "城镇住宅用地/住宅",
                "term": f"国有建设用地使用权 {day.year - rng.randint(5, 20)}年至"
                f"{day.year + rng.randint(50, 65)}年",
                "co_ownership": rng.choice(["单独所有", "共同共有"]),
            },
        )
        vault.homes.append(home)
    for party in [*people.enterprises, people.enterprise]:
        applicant = party.applicant
        trade = _trade(applicant.name)
        issue(
            "business_licence",
            party,
            # the licence in force: issued or re-issued since the bureau's 2019 founding
            _day(rng, datetime.date(2019, 4, 1), LAST_ISSUE),
            {
                "enterprise_name": applicant.name,
                "legal_representative": party.partner,
                "registered_capital": str(rng.choice([50, 100, 200, 500, 1000, 3000])),
                "business_address": party.address,
                "business_scope": SCOPES[trade],
            },
        )
        if trade == FOOD_TRADE:
            issue(
                "food_operation_permit",
                party,
                _day(rng, datetime.date(2021, 12, 1), LAST_ISSUE),
                {
                    "business_address": party.address,
                    "business_items": "热食类食品制售；冷食类食品制售",
                },
            )
        if trade in LAND_HOLDING_TRADES:
            issue(
                "property_certificate",
                party,
                _day(rng, datetime.date(2019, 6, 1), LAST_ISSUE),
                {
                    "property_address": f"桐庐经济开发区{rng.choice(STREETS)}"
                    f"{rng.randint(1, 199)}号",
                    "property_area": str(rng.randint(20, 200) * 100),
                    "right_type": "国有建设用地使用权/房屋所有权",
                    "usage": "工业用地/工业",
                    "term": f"国有建设用地使用权 2010年至{rng.randint(2055, 2062)}年",
                    "co_ownership": "单独所有",
                },
            )
    return vault
