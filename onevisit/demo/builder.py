"""Builds the demo's organizations and their charters through the registry services."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from onevisit.orgs import services as org_services
from onevisit.orgs.choices import FundingType, OrgKind, PostRank, QuotaCategory
from onevisit.orgs.models import Charter, Organization, PostBalance, QuotaBalance
from onevisit.regions.models import Level, Region

from .data.institutions import INSTITUTION_TEMPLATES
from .data.reform_history import PRE_CHARTERS
from .data.regions import RegionPlan
from .data.templates import (
    COMMON_BODIES_GOVERNMENT,
    COMMON_BODIES_PARTY,
    ORGAN_TEMPLATES,
    PERSONNEL_BODY,
)
from .data.types import InstitutionSpec, OrganSpec, OrganTemplate
from .numbers import credit_code

#: Township and street governments: established long before the reform (demo date).
TOWNSHIP_SINCE = datetime.date(2000, 1, 1)


@dataclass
class Built:
    """An organization the seeder made, with its current charter and demo metadata."""

    organization: Organization
    charter: Charter
    key: str
    quota_lines: list[tuple[str, str, int]]
    posts: dict[str, int]


@dataclass
class RegionBuild:
    """Everything built in one region, by key (organs, institutions, townships)."""

    plan: RegionPlan
    region: Region
    by_key: dict[str, Built] = field(default_factory=dict)

    def add(self, built: Built) -> None:
        if built.key in self.by_key:
            raise ValueError(f"duplicate demo key {built.key} in {self.plan.code}")
        self.by_key[built.key] = built


class DocumentNumbers:
    """Sequential document numbers per issuing prefix and year: 浙委办发〔2019〕17号."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.next: dict[tuple[str, int], int] = {}

    def issue(self, prefix: str, year: int) -> str:
        key = (prefix, year)
        if key not in self.next:
            self.next[key] = self.rng.randint(3, 40)
        number = self.next[key]
        self.next[key] += self.rng.randint(1, 3)
        return f"{prefix}〔{year}〕{number}号"


class OrganizationBuilder:
    """Creates organizations and charters for one run, drawing from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.documents = DocumentNumbers(rng)
        self.credit_codes: set[str] = set(
            Organization.objects.exclude(credit_code=None).values_list("credit_code", flat=True)
        )

    # --- charters ---------------------------------------------------------------
    def _text(self, text: str, plan: RegionPlan, region: Region) -> str:
        return text.format(r=region.name, a=plan.area, p=plan.party)

    def _body_name(self, name: str, level: str) -> str:
        if level in (Level.COUNTY, Level.TOWNSHIP) and name.endswith("处"):
            return name[:-1] + "科"
        return name

    def _bodies(self, template: OrganTemplate, kind: str, level: str) -> list[tuple[str, str]]:
        if kind == OrgKind.TOWNSHIP_GOVERNMENT or kind == OrgKind.PUBLIC_INSTITUTION:
            common: tuple[tuple[str, str], ...] = ()
        elif template.party:
            common = COMMON_BODIES_PARTY
        else:
            common = COMMON_BODIES_GOVERNMENT
        if level in (Level.PROVINCE, Level.CITY) and kind != OrgKind.PUBLIC_INSTITUTION:
            common = (*common, PERSONNEL_BODY)
        bodies, seen = [], set()
        for name, duties in (*common, *template.bodies):
            name = self._body_name(name, level)
            if name not in seen:
                seen.add(name)
                bodies.append((name, duties))
        return bodies

    def _effective_date(self, since: datetime.date, earliest: datetime.date) -> datetime.date:
        """A charter date after the organ's establishment, in 2018–2019."""
        start = max(since, earliest)
        date = start + datetime.timedelta(days=self.rng.randint(20, 150))
        return min(date, datetime.date(2019, 12, 20))

    def _issue(
        self,
        *,
        org: Organization,
        key: str,
        prefix: str,
        effective: datetime.date,
        functions: list[str],
        bodies: list[tuple[str, str]],
        quotas: list[tuple[str, str, int]],
        posts: dict[str, int],
    ) -> Built:
        charter = org_services.charter_issue(
            actor=None,
            organization=org,
            document_number=self.documents.issue(prefix, effective.year),
            effective_date=effective,
            content=org_services.CharterContent(
                functions=functions, internal_bodies=bodies, quotas=quotas, posts=posts
            ),
        )
        return Built(org, charter, key, quotas, posts)

    # --- organs -----------------------------------------------------------------
    @staticmethod
    def organ_quotas(quota: int, political_legal: int, service_staff: int):
        quotas = []
        if quota:
            quotas.append((QuotaCategory.ADMINISTRATIVE, FundingType.NONE, quota))
        if political_legal:
            quotas.append((QuotaCategory.POLITICAL_LEGAL, FundingType.NONE, political_legal))
        total = quota + political_legal
        quotas.append((QuotaCategory.SERVICE_STAFF, FundingType.NONE, service_staff + total // 40))
        return quotas

    def organ_bodies(self, build: RegionBuild, template_key: str, kind: str):
        return self._bodies(ORGAN_TEMPLATES[template_key], kind, build.plan.level)

    def organ_functions(self, build: RegionBuild, template_key: str) -> list[str]:
        template = ORGAN_TEMPLATES[template_key]
        return [self._text(f, build.plan, build.region) for f in template.functions]

    def text(self, build: RegionBuild, text: str) -> str:
        return self._text(text, build.plan, build.region)

    def pre_reform_organ(
        self,
        build: RegionBuild,
        *,
        key: str,
        name: str,
        name_en: str,
        kind: str,
        template_key: str,
        functions: list[str],
        quotas: list[tuple[str, str, int]],
        deputies: int,
        since: datetime.date,
        managing: Organization | None = None,
    ) -> Built:
        """An organ as it stood before the reform, with a charter of 2010–2015."""
        plan, region = build.plan, build.region
        org = org_services.organization_create(
            actor=None,
            name=name,
            name_en=name_en,
            kind=kind,
            region=region,
            level=plan.level,
            valid_from=since,
            managing_organization=managing,
            credit_code=credit_code(
                self.rng, region_code=region.code, institution=False, used=self.credit_codes
            ),
        )
        first, last = PRE_CHARTERS
        effective = max(
            first + datetime.timedelta(days=self.rng.randint(0, (last - first).days)), since
        )
        return self._issue(
            org=org,
            key=key,
            prefix=plan.party_doc,
            effective=effective,
            functions=[self._text(f, plan, region) for f in functions],
            bodies=self._bodies(ORGAN_TEMPLATES[template_key], kind, plan.level),
            quotas=quotas,
            posts={PostRank.HEAD: 1, PostRank.DEPUTY: deputies},
        )

    def post_reform_charter(self, build: RegionBuild, spec: OrganSpec, org: Organization) -> Built:
        """The organ's charter after the reform (三定规定): the template's functions and
        bodies, the spec's quotas and posts, never below the staff the reform brought."""
        plan, region = build.plan, build.region
        actual = {
            (b.category, b.funding_type): b.actual
            for b in QuotaBalance.objects.filter(organization=org)
        }
        filled = dict(PostBalance.objects.filter(organization=org).values_list("rank", "actual"))
        quotas = [
            (c, f, max(a, actual.pop((c, f), 0)))
            for c, f, a in self.organ_quotas(spec.quota, spec.political_legal, spec.service_staff)
        ]
        quotas += [(c, f, n) for (c, f), n in sorted(actual.items()) if n]
        posts = {
            PostRank.HEAD: max(1, filled.get(PostRank.HEAD, 0)),
            PostRank.DEPUTY: max(spec.deputies, filled.get(PostRank.DEPUTY, 0)),
        }
        current = org_services.charter_current(org)
        effective = self._effective_date(spec.history.established, plan.reform_date)
        if current is not None:
            effective = max(effective, current.effective_date)
        template = ORGAN_TEMPLATES[spec.template_key]
        return self._issue(
            org=org,
            key=spec.key,
            prefix=plan.party_doc,
            effective=effective,
            functions=[self._text(f, plan, region) for f in template.functions],
            bodies=self._bodies(template, spec.kind, plan.level),
            quotas=quotas,
            posts=posts,
        )

    def organ(self, build: RegionBuild, spec: OrganSpec) -> Built:
        plan, region = build.plan, build.region
        template = ORGAN_TEMPLATES[spec.template_key]
        managing = build.by_key[spec.managed_by].organization if spec.managed_by else None
        since = spec.history.established
        org = org_services.organization_create(
            actor=None,
            name=spec.name,
            name_en=spec.name_en,
            kind=spec.kind,
            region=region,
            level=plan.level,
            valid_from=since,
            managing_organization=managing,
            credit_code=credit_code(
                self.rng, region_code=region.code, institution=False, used=self.credit_codes
            ),
        )
        quotas = self.organ_quotas(spec.quota, spec.political_legal, spec.service_staff)
        return self._issue(
            org=org,
            key=spec.key,
            prefix=plan.party_doc,
            effective=self._effective_date(since, plan.reform_date),
            functions=[self._text(f, plan, region) for f in template.functions],
            bodies=self._bodies(template, spec.kind, plan.level),
            quotas=quotas,
            posts={PostRank.HEAD: 1, PostRank.DEPUTY: spec.deputies},
        )

    def institution(self, build: RegionBuild, spec: InstitutionSpec) -> Built:
        """A public institution; it exists from its own date or, when its sponsoring organ
        was established later (by a reform plan), from the sponsor's."""
        plan, region = build.plan, build.region
        managing = build.by_key[spec.managed_by].organization
        since = max(spec.established, managing.valid_from)
        template = INSTITUTION_TEMPLATES[spec.template]
        org = org_services.organization_create(
            actor=None,
            name=spec.name,
            name_en=spec.name_en,
            kind=OrgKind.PUBLIC_INSTITUTION,
            institution_class=spec.institution_class,
            region=region,
            level=plan.level,
            valid_from=since,
            managing_organization=managing,
            credit_code=credit_code(
                self.rng, region_code=region.code, institution=True, used=self.credit_codes
            ),
        )
        quotas = [(QuotaCategory.PUBLIC_INSTITUTION, spec.funding, spec.quota)]
        if spec.quota >= 40:
            quotas.append((QuotaCategory.SERVICE_STAFF, FundingType.NONE, 1 + spec.quota // 40))
        return self._issue(
            org=org,
            key=spec.key,
            prefix=plan.establishment_doc,
            effective=self._effective_date(since, plan.reform_date),
            functions=[self._text(f, plan, region) for f in template.functions],
            bodies=self._bodies(template, OrgKind.PUBLIC_INSTITUTION, plan.level),
            quotas=quotas,
            posts={PostRank.HEAD: 1, PostRank.DEPUTY: spec.deputies},
        )

    def township(self, build: RegionBuild, township: Region) -> Built:
        plan = build.plan
        template = ORGAN_TEMPLATES["township"]
        street = township.name.endswith("街道")
        suffix = "办事处" if street else "人民政府"
        kind_en = "Street office" if street else "Township government"
        org = org_services.organization_create(
            actor=None,
            name=f"{plan.township_prefix}{township.name}{suffix}",
            name_en=f"{kind_en} {township.code}, {plan.english}",
            kind=OrgKind.TOWNSHIP_GOVERNMENT,
            region=township,
            level=Level.TOWNSHIP,
            valid_from=TOWNSHIP_SINCE,
            credit_code=credit_code(
                self.rng, region_code=township.code, institution=False, used=self.credit_codes
            ),
        )
        quota = plan.data.TOWNSHIP_QUOTA + self.rng.randint(-4, 6)
        return self._issue(
            org=org,
            key=f"township:{township.code}",
            prefix=plan.party_doc,
            # township reform followed the county's by a few months
            effective=self._effective_date(
                plan.reform_date + datetime.timedelta(days=60), TOWNSHIP_SINCE
            ),
            functions=[self._text(f, plan, township) for f in template.functions],
            bodies=self._bodies(template, OrgKind.TOWNSHIP_GOVERNMENT, Level.TOWNSHIP),
            quotas=[
                (QuotaCategory.ADMINISTRATIVE, FundingType.NONE, quota),
                (QuotaCategory.SERVICE_STAFF, FundingType.NONE, 2),
            ],
            posts={PostRank.HEAD: 1, PostRank.DEPUTY: 4},
        )

    def organs(self, build: RegionBuild, *, skip: set[str] = frozenset()) -> list[Built]:
        """The region's organs as they stand after its reform (but those in `skip`)."""
        made = []
        for spec in build.plan.data.ORGANS:
            if spec.key not in skip and spec.key not in build.by_key:
                made.append(self.organ(build, spec))
                build.add(made[-1])
        return made

    def institutions_and_townships(self, build: RegionBuild) -> list[Built]:
        made = [self.institution(build, spec) for spec in build.plan.data.INSTITUTIONS]
        if build.plan.township_prefix:
            for township in Region.objects.filter(parent=build.region).order_by("code"):
                made.append(self.township(build, township))
        for built in made:
            build.add(built)
        return made
