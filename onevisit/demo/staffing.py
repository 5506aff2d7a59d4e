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
    """Appoints fictional people into built organizations."""

    def __init__(self, rng: random.Random, scale: Scale):
        self.rng = rng
        self.scale = scale
        self.ids = IdentityNumbers(rng, county_pools())
        self.appointments = 0

    def _appoint(
        self,
        built: Built,
        *,
        serial: int,
        category: str,
        funding: str,
        body,
        rank: str = "",
        years: tuple[int, int] = (1965, 1997),
    ) -> None:
        org = built.organization
        person = org_services.person_register(
            actor=None,
            identity_number=self.ids.draw(org.region.code, first_year=years[0], last_year=years[1]),
            name=demo_name(self.rng, serial),
        )
        start = built.charter.effective_date + datetime.timedelta(days=self.rng.randint(0, 90))
        org_services.appointment_create(
            actor=None,
            person=person,
            organization=org,
            category=category,
            funding_type=funding,
            internal_body=body,
            post_rank=rank,
            start_date=start,
        )
        self.appointments += 1

    def fill(self, built: Built) -> None:
        """Appoint leaders and staff into one organization's current charter."""
        bodies = list(built.charter.internal_bodies.select_related("charter").order_by("position"))
        lines = sorted(built.quota_lines, key=lambda line: -line[2])
        main_category, main_funding, main_approved = lines[0]

        leaders = []
        if self.rng.random() < 0.92:
            leaders.append(PostRank.HEAD)
        deputies = built.posts.get(PostRank.DEPUTY, 0)
        deputies -= 1 if self.rng.random() < 0.35 else 0
        if self.scale.small:
            deputies = min(deputies, 1)
        leaders += [PostRank.DEPUTY] * max(deputies, 0)
        leaders = leaders[:main_approved]

        serial = 0
        for rank in leaders:
            serial += 1
            self._appoint(
                built,
                serial=serial,
                category=main_category,
                funding=main_funding,
                body=None,
                rank=rank,
                years=(1965, 1978),
            )
        for category, funding, approved in lines:
            target = math.ceil(approved * self.rng.uniform(0.70, 1.0))
            if self.scale.small:
                target = min(target, SMALL_CAP)
            taken = len(leaders) if (category, funding) == (main_category, main_funding) else 0
            for _ in range(max(target - taken, 0)):
                serial += 1
                if category == QuotaCategory.SERVICE_STAFF:
                    body, years = (bodies[0] if bodies else None), (1968, 1995)
                else:
                    body, years = (self.rng.choice(bodies) if bodies else None), (1965, 1997)
                self._appoint(
                    built, serial=serial, category=category, funding=funding, body=body, years=years
                )
