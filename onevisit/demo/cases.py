"""The demo's service desk: the catalog, its staff and applicants, and a year of cases.

Everything goes through the services (`demo.catalog` → `catalog.services`; `demo.desk` →
`cases.services`). The year runs from `HISTORY_START` to `HISTORY_END` on fixed dates from
the seeder's `random.Random`, so it is the same at every run; the cases still open (awaiting
acceptance, in review, due soon, overdue, waiting for a supplement, suspended, decided and
awaiting pick-up) are dated back from today, so that the due-soon and overdue lists are
never empty whenever the demo is seeded.

The demo citizen (`citizen`, 李示例) married at the window in December, bought a flat and
moved her household in the spring, and applied online for "having a baby" in September
(her marriage certificate taken from her records); the demo enterprise (`enterprise.tonglu`)
has its own year. The other applicants are fictional residents and firms of Tonglu.

Before the year, the licence vault receives the licences they already hold (`demo.licences`);
applicants who hold the licence a material asks for mostly let the vault fill it.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.db.models import Count
from django.utils import timezone

from onevisit.cases.choices import Channel, DeliveryMethod
from onevisit.cases.models import Case, Evaluation, Rectification, Task
from onevisit.cases.selectors import visit_rates
from onevisit.catalog.choices import MaterialSource
from onevisit.catalog.models import Bundle, ServiceItem
from onevisit.catalog.selectors import bundle_items
from onevisit.licences.indicators import vault_fill
from onevisit.licences.models import Licence
from onevisit.regions.models import Region

from .builder import RegionBuild
from .catalog import Catalog, build_catalog
from .data.catalog_types import TONGLU, V2_FROM, Item
from .desk import Desk, Story, Target, wd, wd_back
from .licences import issue_existing_licences, issued_by_items
from .numbers import IdentityNumbers
from .people import Party, People, build_people, build_staff
from .staffing import county_pools
from .values import FormValues

HISTORY_START = datetime.date(2025, 12, 1)
HISTORY_END = datetime.date(2026, 11, 27)
#: The last intake of the fixed history. From `QUICK_FROM` on, only items promised within
#: five working days are drawn, with no suspension or extension, so that every case of the
#: fixed year is decided before `HISTORY_END` (open cases are dated back from today).
LAST_INTAKE = datetime.date(2026, 11, 6)
QUICK_FROM = datetime.date(2026, 10, 19)
#: Cases of the fixed year (besides the named and the open ones), and the applicants.
HISTORY_CASES = 540
PERSONS, ENTERPRISES = 160, 40

#: How often each bundle and item is applied for (relative weights).
WEIGHTS = {
    "YJS-330122-001": 5,
    "YJS-330122-002": 7,
    "YJS-330122-003": 6,
    "YJS-330122-004": 3,
    "ind_business": 8,
    "company_setup": 2,
    "company_change": 4,
    "food_permit": 3,
    "special_equipment": 2,
    "signage": 2,
    "fire_check": 2,
    "hazchem": 1,
    "birth_certificate": 1,
    "birth_registration": 1,
    "medical_insurance": 5,
    "social_card": 4,
    "remote_care": 7,
    "medical_assistance": 2,
    "id_card": 5,
    "hukou_move": 3,
    "marriage": 4,
    "minimum_living": 2,
    "social_insurance_employer": 2,
    "unemployment": 5,
    "training_subsidy": 3,
    "info_disclosure": 1,
    "legal_aid": 1,
    "teacher_cert": 2,
    "homestead": 1,
    "public_rental": 1,
    "doctor_registration": 1,
    "property_transfer": 2,
    "property_mortgage": 4,
    "deed_tax": 1,
    "utilities_transfer": 2,
    "planning_permit": 1,
    "construction_permit": 1,
    "road_transport": 1,
    "entertainment": 1,
    "water_intake": 1,
    "investment": 1,
    "clinic": 1,
    "lab_accreditation": 1,
    "teacher_cert_high": 1,
    "land_preview": 1,
}
#: What departs from the plain path, and how often.
TWISTS = {
    "plain": 76,
    "supplement_online": 7,
    "supplement_window": 2.5,
    "pre_notice": 2,
    "suspended": 3,
    "extended": 1,
    "denied": 3,
    "not_accepted": 2,
    "late": 3.5,
}
#: Ratings after a plain case, and after one that went wrong (late, denied, an extra trip).
RATINGS = {5: 82, 4: 12, 3: 4, 2: 1.5, 1: 0.5}
RATINGS_AFTER_TROUBLE = {5: 45, 4: 20, 3: 15, 2: 12, 1: 8}
TROUBLE = ("late", "denied", "supplement_window", "not_accepted")
SLOW_TWISTS = ("suspended", "extended")


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    from onevisit.core import calendar

    days, day = [], start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


class Planner:
    """Draws the stories: who applies for what, when, where, and what happens."""

    def __init__(
        self,
        rng: random.Random,
        catalog: Catalog,
        people: People,
        desk: Desk,
        licence_holders: dict[str, set[int]] | None = None,
    ):
        self.rng, self.catalog, self.people, self.desk = rng, catalog, people, desk
        #: licence type code → the applicants holding one before the year (`demo.licences`).
        self.licence_holders = licence_holders or {}
        self.targets: dict[str, Target] = {}
        for key, item in catalog.items.items():
            self.targets[key] = Target(key, [item], None, (key,))
        for code, bundle in catalog.bundles.items():
            items = bundle_items(bundle)
            by_pk = {i.pk: k for k, i in catalog.items.items()}
            self.targets[code] = Target(code, items, bundle, tuple(by_pk[i.pk] for i in items))

    def specs(self, target: Target) -> list[Item]:
        return [self.catalog.specs[k] for k in target.keys]

    def is_enterprise(self, target: Target) -> bool:
        """Enterprises apply for items whose form asks for a credit code (alone)."""
        if target.bundle is not None:
            return False
        keys = {k for k, _r in self.specs(target)[0].fields}
        return "credit_code" in keys

    def party(self, target: Target) -> Party:
        """An applicant for the target; one holding a result the target's materials name
        (a marriage certificate, a title deed) more often than not, and mostly one holding
        the licence an item asks for when not everyone holds one (a title deed to mortgage,
        a land title for a planning permit)."""
        pool = self.people.enterprises if self.is_enterprise(target) else self.people.persons
        party = self._party(target, pool)
        # Drawn apart from the year's stream, so that the other stories stay as they were.
        holders = self._licence_holders(target, pool)
        if holders and party not in holders and self.desk.vault_rng.random() < 0.7:
            return self.desk.vault_rng.choice(holders)
        return party

    def _party(self, target: Target, pool: list[Party]) -> Party:
        issuers = {
            self.catalog.items[row.item].pk
            for spec in self.specs(target)
            for row in spec.materials
            if row.source == MaterialSource.ISSUED_BY_ITEM and row.item
        }
        if issuers and self.rng.random() < 0.6:
            holders = [
                p for p in pool if any((p.applicant.pk, i) in self.desk.records for i in issuers)
            ]
            if holders:
                return self.rng.choice(holders)
        return self.rng.choice(pool)

    def _licence_holders(self, target: Target, pool: list[Party]) -> list[Party]:
        """Who in the pool holds a licence the target's items ask for of their own, when
        only some do (not for a bundle: the flat's seller is not the applicant)."""
        if target.bundle is not None:
            return []
        types = {
            row.licence_type
            for spec in self.specs(target)
            for row in spec.materials
            if row.source == MaterialSource.ELECTRONIC_LICENCE
        }
        ids: set[int] = set()
        for code in types:
            held = self.licence_holders.get(code, set())
            if any(p.applicant.pk not in held for p in pool):
                ids |= held
        return [p for p in pool if p.applicant.pk in ids]

    def story(self, key: str, day: datetime.date, **fixed) -> Story:
        """A story for the target `key` on `day`. `fixed` sets what would otherwise be drawn
        (party, channel, delivery, twist, twist_task, rating, department_ratings), `quick`
        (no suspension or extension) and any other field of `Story`."""
        rng = self.rng
        target = self.targets[key]
        specs = self.specs(target)
        party = fixed.pop("party", None) or self.party(target)
        online = all(s.online for s in specs)
        enterprise = party.applicant.kind == "enterprise"
        channel = fixed.pop("channel", None)
        if channel is None:
            channel = (
                Channel.ONLINE
                if online and rng.random() < (0.75 if enterprise else 0.62)
                else Channel.WINDOW
            )
        delivery = fixed.pop("delivery", None) or self._delivery(specs, channel)
        slow = [n for n, s in enumerate(specs) if not s.immediate]
        quick = fixed.pop("quick", False)
        twists = {k: w for k, w in TWISTS.items() if not quick or k not in SLOW_TWISTS}
        twist = fixed.pop("twist", None) or (_pick(rng, twists) if slow else "plain")
        if twist == "extended" and not any(specs[n].legal > specs[n].promised for n in slow):
            twist = "plain"
        twist_task = fixed.pop("twist_task", None)
        if twist_task is None:
            twist_task = rng.choice(slow) if slow else 0
        rating = fixed.pop("rating", "draw")
        if rating == "draw":
            rated = rng.random() < 0.6
            rating = _pick(rng, RATINGS_AFTER_TROUBLE if twist in TROUBLE else RATINGS)
            rating = rating if rated else None
        return Story(
            party=party,
            target=target,
            day=day,
            channel=channel,
            delivery=delivery,
            twist=twist,
            twist_task=twist_task,
            rating=rating,
            department_ratings=fixed.pop("department_ratings", rng.random() < 0.4),
            hour=rng.randint(8, 16),
            **fixed,
        )

    def _delivery(self, specs: list[Item], channel: str) -> str:
        if channel == Channel.WINDOW and all(s.immediate for s in specs):
            return DeliveryMethod.DOWNLOAD  # handed over at the same visit
        express = all(s.express for s in specs)
        weights = (
            {DeliveryMethod.DOWNLOAD: 75, DeliveryMethod.EXPRESS: 15, DeliveryMethod.PICKUP: 10}
            if channel == Channel.ONLINE
            else {
                DeliveryMethod.DOWNLOAD: 48,
                DeliveryMethod.EXPRESS: 32,
                DeliveryMethod.PICKUP: 20,
            }
        )
        if not express:
            weights.pop(DeliveryMethod.EXPRESS)
        return _pick(self.rng, weights)

    def specs_of(self, key: str) -> list[Item]:
        return self.specs(self.targets[key])

    def promised(self, key: str, day: datetime.date) -> int:
        """The longest promised limit of a target's items on a day (version-aware)."""
        return max(
            s.v2.get("promised_limit", s.promised) if day >= V2_FROM else s.promised
            for s in self.specs_of(key)
        )

    def choose(self, *, bundles: bool = True, least: int = 0, most: int = 99) -> list[str]:
        """Targets by their longest promise today (for the open cases)."""
        today = timezone.localdate()
        return [
            k
            for k in WEIGHTS
            if (bundles or k not in self.catalog.bundles)
            and least <= self.promised(k, today) <= most
        ]


# --- the named applicants -----------------------------------------------------------------
def named_stories(plan: Planner) -> list[Story]:
    """The demo citizen's and the demo enterprise's fixed year."""
    citizen, firm = plan.people.citizen, plan.people.enterprise
    d = datetime.date
    return [
        plan.story(
            "marriage",
            d(2025, 12, 12),
            party=citizen,
            channel=Channel.WINDOW,
            delivery=DeliveryMethod.DOWNLOAD,
            twist="plain",
            rating=5,
        ),
        plan.story(
            "YJS-330122-003",
            d(2026, 3, 10),
            party=citizen,
            channel=Channel.ONLINE,
            delivery=DeliveryMethod.EXPRESS,
            twist="plain",
            rating=5,
            department_ratings=True,
        ),
        plan.story(
            "hukou_move",
            d(2026, 3, 24),
            party=citizen,
            channel=Channel.ONLINE,
            delivery=DeliveryMethod.DOWNLOAD,
            twist="plain",
            rating=4,
        ),
        plan.story(
            "YJS-330122-002",
            d(2026, 9, 15),
            party=citizen,
            channel=Channel.ONLINE,
            delivery=DeliveryMethod.DOWNLOAD,
            twist="supplement_online",
            twist_task=0,
            rating=5,
            department_ratings=True,
        ),
        plan.story(
            "company_change",
            d(2026, 1, 20),
            party=firm,
            channel=Channel.ONLINE,
            delivery=DeliveryMethod.DOWNLOAD,
            twist="plain",
            rating=5,
        ),
        plan.story(
            "special_equipment",
            d(2026, 5, 12),
            party=firm,
            channel=Channel.ONLINE,
            delivery=DeliveryMethod.DOWNLOAD,
            twist="late",
            twist_task=0,
            rating=2,
        ),
        plan.story(
            "social_insurance_employer",
            d(2026, 7, 7),
            party=firm,
            channel=Channel.ONLINE,
            delivery=DeliveryMethod.DOWNLOAD,
            twist="plain",
            rating=5,
        ),
    ]


def open_stories(plan: Planner, today: datetime.date) -> list[Story]:
    """Cases still open today, dated back from it, in every state a department meets."""
    rng = plan.rng
    last = wd_back(today, 0)  # the last working day up to today
    citizen, firm = plan.people.citizen, plan.people.enterprise
    stories: list[Story] = []

    def add(key: str, day: datetime.date, **kw) -> None:
        kw.setdefault("rating", None)
        stories.append(plan.story(key, day, **kw))

    slow = plan.choose(bundles=False, least=5)
    for _ in range(10):  # awaiting acceptance
        add(_pick(rng, WEIGHTS), wd_back(last, rng.choice([0, 0, 1])), stop="submitted")
    for _ in range(12):  # accepted, in review, due later than the due-soon horizon
        key = rng.choice(plan.choose(bundles=False, least=8))
        back = rng.randint(1, plan.promised(key, today) - 5)
        add(key, wd_back(last, back), stop="accepted", accept_after=0, twist="plain")
    for n in range(6):  # due soon: within three working days
        key = "hazchem" if n == 0 else rng.choice(slow)
        due = wd(today, 1 if n == 0 else rng.randint(1, 3))
        add(
            key,
            wd_back(due, plan.promised(key, today)),
            stop="accepted",
            accept_after=0,
            twist="plain",
            party=firm if n == 0 else None,
        )
    for _ in range(5):  # overdue
        key = rng.choice(slow)
        due = wd_back(last, rng.randint(1, 4))
        add(
            key,
            wd_back(due, plan.promised(key, today)),
            stop="accepted",
            accept_after=0,
            twist="plain",
        )
    for _ in range(6):  # waiting for the applicant's supplement
        add(
            rng.choice(plan.choose(least=2)),
            wd_back(last, rng.randint(2, 5)),
            stop="notice",
            accept_after=0,
            twist="supplement_online",
        )
    for _ in range(2):
        add(
            rng.choice(slow),
            wd_back(last, rng.randint(1, 3)),
            stop="notice",
            accept_after=0,
            twist="pre_notice",
        )
    for _ in range(4):  # suspended for an expert review, a public notice, an inspection
        add(
            rng.choice(plan.choose(bundles=False, least=10)),
            wd_back(last, rng.randint(3, 6)),
            stop="suspended",
            accept_after=0,
            twist="suspended",
        )
    waiting = [k for k in plan.choose() if not all(s.immediate for s in plan.specs_of(k))]
    by_post = [k for k in waiting if all(s.express for s in plan.specs_of(k))]
    for delivery, pool, count in (
        (DeliveryMethod.PICKUP, waiting, 6),
        (DeliveryMethod.EXPRESS, by_post, 3),
    ):
        for _ in range(count):  # decided, waiting to be picked up or sent
            add(
                rng.choice(pool),
                wd_back(last, rng.randint(4, 8)),
                stop="decided",
                accept_after=0,
                decide_after=rng.randint(1, 3),
                twist="plain",
                delivery=delivery,
                channel=Channel.WINDOW,
            )
    for code in plan.catalog.bundles:  # bundles half done: the slowest item still in review
        target = plan.targets[code]
        specs = plan.specs(target)
        slowest = max(range(len(specs)), key=lambda n: specs[n].promised)
        add(
            code,
            wd_back(last, 2),
            accept_after=0,
            decide_after=1,
            twist="plain",
            open_tasks=(slowest,),
        )
    for back, rating in ((8, 1), (3, 2), (3, 1)):  # poor ratings: rectifications still open
        add(
            rng.choice(plan.choose(bundles=False, least=2, most=5)),
            wd_back(last, back),
            accept_after=0,
            decide_after=1,
            twist="plain",
            channel=Channel.ONLINE,
            delivery=DeliveryMethod.DOWNLOAD,
            rating=rating,
            twist_task=0,
        )
    # the demo logins' own open cases
    add(
        "training_subsidy",
        wd_back(last, 5),
        party=citizen,
        stop="notice",
        accept_after=1,
        twist="supplement_online",
        channel=Channel.ONLINE,
    )
    add(
        "teacher_cert",
        wd_back(last, 6),
        party=citizen,
        stop="accepted",
        accept_after=0,
        twist="plain",
        channel=Channel.ONLINE,
    )
    add(
        "special_equipment",
        wd_back(last, 6),
        party=firm,
        stop="decided",
        accept_after=0,
        decide_after=2,
        twist="plain",
        channel=Channel.WINDOW,
        delivery=DeliveryMethod.PICKUP,
    )
    return stories


# --- the run --------------------------------------------------------------------------------
def build_service_desk(
    builds: dict[str, RegionBuild],
    rng: random.Random,
    *,
    vault_rng: random.Random | None = None,
    refresh: Callable[[], None] = lambda: None,
    say: Callable[[str], None] = lambda message: None,
) -> dict[str, int]:
    """The catalog, the staff and applicants, the licences they already hold, the year of
    cases and today's open cases. `vault_rng` draws the licences and the applicants'
    choices about them, apart from the cases' own stream."""
    vault_rng = vault_rng or random.Random(0)
    catalog = build_catalog(builds)
    say(f"service catalog: {len(catalog.items)} items, {len(catalog.bundles)} bundles")
    refs = {catalog.items[k].organization_id: spec.org for k, spec in catalog.specs.items()}
    # The window answers for the poor ratings of the cases it took in: it needs a head too.
    centre = builds[TONGLU].by_key["service_centre"].organization
    refs[centre.pk] = (TONGLU, "service_centre")
    staff = build_staff(refs, {**catalog.organizations, centre.pk: centre})
    region: Region = builds[TONGLU].region
    ids = IdentityNumbers(rng, county_pools())
    people = build_people(rng, region, ids=ids, persons=PERSONS, enterprises=ENTERPRISES)
    vault = issue_existing_licences(builds, people, vault_rng, catalog)
    say(f"licence vault: {len(vault.types)} licence types, {vault.issued} licences held")
    refresh()
    today = timezone.localdate()
    end = min(HISTORY_END, today - datetime.timedelta(days=1))
    values = FormValues(rng, ids, homes=vault.homes, homes_rng=vault_rng)
    desk = Desk(rng, people, staff, values, end, vault_rng=vault_rng)
    desk.licences = vault.held
    desk.issues = issued_by_items(vault.types, catalog)
    plan = Planner(rng, catalog, people, desk, licence_holders=vault.holders)
    # Stories are drawn when their day comes, so that applicants can reuse what earlier
    # cases issued them (a marriage certificate for "having a baby", a title deed for
    # moving a household).
    days = working_days(HISTORY_START, LAST_INTAKE)
    agenda: list[tuple[datetime.date, Callable[[], Story]]] = [
        (story.day, lambda story=story: story) for story in named_stories(plan)
    ]
    quick = {k: w for k, w in WEIGHTS.items() if plan.promised(k, QUICK_FROM) <= 5}

    def drawn(day: datetime.date) -> Story:
        if day >= QUICK_FROM:
            return plan.story(_pick(rng, quick), day, quick=True)
        return plan.story(_pick(rng, WEIGHTS), day)

    for day in sorted(rng.choice(days) for _ in range(HISTORY_CASES)):
        agenda.append((day, lambda day=day: drawn(day)))
    agenda.sort(key=lambda entry: entry[0])
    for n, (_day, story_of_the_day) in enumerate(agenda, start=1):
        desk.run(story_of_the_day())
        if n % 250 == 0:
            refresh()
    say(f"service desk: {desk.tally.cases} cases of the year {HISTORY_START}–{HISTORY_END}")
    desk.end = today
    for story in sorted(open_stories(plan, today), key=lambda s: s.day):
        desk.run(story)
    refresh()
    counts = service_desk_counts()
    say(
        f"service desk: {counts['cases']} cases, one-visit rate {counts['one-visit %']} %, "
        f"{counts['from the vault %']} % of required materials from the licence vault"
    )
    return counts


def service_desk_counts() -> dict[str, int]:
    """The service desk's figures, for the seeder's report."""
    rates = visit_rates()
    fill = vault_fill().total
    tasks = dict(Task.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return {
        "service items": ServiceItem.objects.count(),
        "bundles": Bundle.objects.filter(published=True).count(),
        "cases": Case.objects.count(),
        "tasks": sum(tasks.values()),
        "completed cases": rates.completed,
        "one-visit %": round(100 * (rates.one_visit_rate or 0)),
        "zero-visit %": round(100 * (rates.zero_visit_rate or 0)),
        "ratings": Evaluation.objects.count(),
        "rectifications": Rectification.objects.count(),
        "licences": Licence.objects.count(),
        "from the vault %": round(100 * (fill.share or 0)),
    }
