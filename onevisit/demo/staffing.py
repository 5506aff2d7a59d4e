"""Fills the demo's quotas with fictional staff through the real-name services.

Every quota line is filled to 70–100 % (never above: the services refuse over-staffing
anyway), most organizations have their head and some deputies in post, and ordinary
staff are spread over the internal bodies.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

from onevisit.orgs import services as org_services
from onevisit.orgs.choices import PostRank, QuotaCategory
from onevisit.orgs.models import PostBalance, QuotaBalance
from onevisit.regions.models import Level, Region

from .builder import Built
from .numbers import IdentityNumbers, demo_name

#: How much of each quota the `small` scale fills (enough for tests and quick looks).
SMALL_CAP = 2


@dataclass(frozen=True)
class Scale:
    """How many staff the demo appoints."""

    name: str
    small: bool

    @classmethod
    def named(cls, name: str) -> Scale:
        if name not in ("full", "small"):
            raise ValueError(f"unknown scale {name!r}: use full or small")
        return cls(name, name == "small")


def county_pools() -> dict[str, list[str]]:
    """Zhejiang's county codes by province and city code (birthplaces for identity numbers)."""
    pools: dict[str, list[str]] = {"33": []}
    counties = Region.objects.filter(level=Level.COUNTY, code__startswith="33").order_by("code")
    for code in counties.values_list("code", flat=True):
        pools["33"].append(code)
        pools.setdefault(code[:4], []).append(code)
    return pools


class Staffer:
    """Appoints fictional people into built organizations, one audited batch per organization
    (`appointment_bulk_create`: the real staff-import path, with the same invariants)."""

    def __init__(self, rng: random.Random, scale: Scale):
        self.rng = rng
        self.scale = scale
        self.ids = IdentityNumbers(rng, county_pools())
        self.appointments = 0

    def _entry(
        self,
        built: Built,
        *,
        serial: int,
        category: str,
        funding: str,
        body,
        rank: str = "",
        years: tuple[int, int] = (1965, 1997),
    ) -> org_services.StaffEntry:
        org = built.organization
        identity_number = self.ids.draw(org.region.code, first_year=years[0], last_year=years[1])
        name = demo_name(self.rng, serial)
        start = built.charter.effective_date + datetime.timedelta(days=self.rng.randint(0, 90))
        return org_services.StaffEntry(
            identity_number=identity_number,
            name=name,
            organization_id=org.pk,
            category=category,
            funding_type=funding,
            internal_body_id=body.pk if body is not None else None,
            post_rank=rank,
            start_date=start,
        )

    def fill(self, built: Built) -> None:
        """Appoint leaders and staff into one organization's current charter.

        Counts who is already there (staff a reform plan brought), so it both fills a new
        organization and tops up a reformed one: each quota line to 70–100 % (never above),
        a head and some deputies where those posts are vacant.
        """
        org = built.organization
        actual = {
            (b.category, b.funding_type): b.actual
            for b in QuotaBalance.objects.filter(organization=org)
        }
        filled = dict(PostBalance.objects.filter(organization=org).values_list("rank", "actual"))
        bodies = list(built.charter.internal_bodies.order_by("position"))
        lines = sorted(built.quota_lines, key=lambda line: -line[2])
        main_category, main_funding, main_approved = lines[0]
        main_room = main_approved - actual.get((main_category, main_funding), 0)

        leaders = []
        if self.rng.random() < 0.92 and not filled.get(PostRank.HEAD, 0):
            leaders.append(PostRank.HEAD)
        deputies = built.posts.get(PostRank.DEPUTY, 0)
        deputies -= 1 if self.rng.random() < 0.35 else 0
        if self.scale.small:
            deputies = min(deputies, 1)
        deputies -= filled.get(PostRank.DEPUTY, 0)
        leaders += [PostRank.DEPUTY] * max(deputies, 0)
        leaders = leaders[: max(main_room, 0)]

        entries: list[org_services.StaffEntry] = []
        serial = sum(actual.values())
        for rank in leaders:
            serial += 1
            entries.append(
                self._entry(
                    built,
                    serial=serial,
                    category=main_category,
                    funding=main_funding,
                    body=None,
                    rank=rank,
                    years=(1965, 1978),
                )
            )
        for category, funding, approved in lines:
            target = math.ceil(approved * self.rng.uniform(0.70, 1.0))
            if self.scale.small:
                target = min(target, SMALL_CAP)
            taken = actual.get((category, funding), 0)
            if (category, funding) == (main_category, main_funding):
                taken += len(leaders)
            for _ in range(max(target - taken, 0)):
                serial += 1
                if category == QuotaCategory.SERVICE_STAFF:
                    body, years = (bodies[0] if bodies else None), (1968, 1995)
                else:
                    body, years = (self.rng.choice(bodies) if bodies else None), (1965, 1997)
                entries.append(
                    self._entry(
                        built,
                        serial=serial,
                        category=category,
                        funding=funding,
                        body=body,
                        years=years,
                    )
                )
        org_services.appointment_bulk_create(actor=None, entries=entries)
        self.appointments += len(entries)
