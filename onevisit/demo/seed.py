"""The demo province (`seed_demo`): regions, organs, charters, staff, reform plans, logins.

Built only through the services, in one transaction, from `random.Random` generators
seeded with the day of the provincial reform meeting (2019-08-19), so that every run on
an empty database produces the same registry.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from onevisit.core.models import RoleAssignment, User
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.orgs.models import Appointment, Charter, Organization, Person, QuotaBalance
from onevisit.reforms.models import OrganizationLink, ReformPlan
from onevisit.regions.models import Region
from onevisit.regions.services import regions_import

from .accounts import DEMO_LOGINS, DEMO_PASSWORD, user_create_with_role
from .builder import OrganizationBuilder, RegionBuild
from .cases import build_service_desk
from .data.reform_history import HISTORIES
from .data.regions import PLANS
from .duties import build_duty_lists
from .history import RegionHistoryBuilder, keqiao_pending_plan
from .news import build_news
from .staffing import Scale, Staffer

SEED = 20190819
#: Staff are drawn from their own stream, so that the organizations (names, credit
#: codes, documents, dates) are the same at every scale.
STAFF_SEED = SEED * 10 + 1
#: The service desk's year of cases draws from a stream of its own too.
CASES_SEED = SEED * 10 + 2
#: The licence vault (the licences held before the year, the applicants' consents) too.
VAULT_SEED = SEED * 10 + 3
#: The organization whose presence means the demo has been seeded.
MARKER_ORGANIZATION = "中共浙江省委机构编制委员会办公室"


@dataclass
class SeedResult:
    """What a run did (or why it did nothing)."""

    created: bool
    reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def already_seeded() -> str:
    """Why the demo counts as present, or "" when it is not."""
    if User.objects.filter(username="admin").exists():
        return 'the user "admin" exists'
    if Organization.objects.filter(name=MARKER_ORGANIZATION, region__code="33").exists():
        return f"{MARKER_ORGANIZATION} is registered"
    return ""


REGISTRY_APPS = ("core", "regions", "orgs", "reforms", "duties")
SERVICE_DESK_APPS = ("catalog", "cases", "licences")


def refresh_statistics(labels: tuple[str, ...] = REGISTRY_APPS) -> None:
    """Let PostgreSQL's planner see the rows just written.

    The seed runs in one transaction, so autovacuum cannot analyze its tables; without
    statistics the planner takes the freshly filled tables for empty and picks nested loops
    that take minutes over a few thousand rows. ANALYZE is allowed inside a transaction.
    """
    if connection.vendor == "postgresql":
        from django.apps import apps

        tables = [
            model._meta.db_table
            for label in labels
            for model in apps.get_app_config(label).get_models()
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")


def seed_demo(*, scale: str = "full", stdout=None) -> SeedResult:
    """Seed the demo province once; a second call reports it is present and does nothing."""
    started = time.perf_counter()
    scale_ = Scale.named(scale)

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    with transaction.atomic():
        reason = already_seeded()
        if reason:
            return SeedResult(created=False, reason=reason)
        counts = regions_import(actor=None, directory=settings.SHARED_DIR / "data" / "divisions")
        say(f"regions: {sum(counts.values())}")
        refresh_statistics()
        builder = OrganizationBuilder(random.Random(SEED))
        staffer = Staffer(random.Random(STAFF_SEED), scale_)
        builds: dict[str, RegionBuild] = {}
        for plan in PLANS:
            build = RegionBuild(plan=plan, region=Region.objects.get(code=plan.code))
            builds[plan.code] = build
            history = HISTORIES.get(plan.code)
            if history is not None:
                past = RegionHistoryBuilder(builder, staffer, build, history)
                past.before()
                past.reform()
                for reform in past.plans:
                    say(f"{build.region.name}: applied {reform}")
            for built in builder.organs(build):
                staffer.fill(built)
            for built in builder.institutions_and_townships(build):
                staffer.fill(built)
            say(
                f"{build.region.name}: {len(build.by_key)} organizations, "
                f"{staffer.appointments} appointments so far"
            )
            refresh_statistics()
        pending = keqiao_pending_plan(builds["330603"])
        say(f"{pending.region.name}: {pending} waiting for review")
        refresh_statistics()
        lists = build_duty_lists(builds)
        say(f"power and responsibility lists: {lists}")
        for login in DEMO_LOGINS:
            organization = None
            if login.organization:
                region_code, key = login.organization
                organization = builds[region_code].by_key[key].organization
            user_create_with_role(
                actor=None,
                username=login.username,
                password=DEMO_PASSWORD,
                role=login.role,
                region=Region.objects.get(code=login.region),
                organization=organization,
                display_name=login.display_name,
                is_superuser=login.superuser,
            )
        refresh_statistics()
        desk: dict[str, int] = {}
        if not scale_.small:  # the registry's own tests run at the small scale
            desk = build_service_desk(
                builds,
                random.Random(CASES_SEED),
                vault_rng=random.Random(VAULT_SEED),
                refresh=lambda: refresh_statistics(SERVICE_DESK_APPS),
                say=say,
            )
            # The portal's search with the year's popularity and the departments.
            from onevisit.portal import indexing

            desk["search entries"] = indexing.rebuild()
            desk["news articles"] = build_news()
    return SeedResult(
        created=True,
        counts={**registry_counts(), **desk},
        seconds=time.perf_counter() - started,
    )


def registry_counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "organizations": Organization.objects.count(),
        "charters": Charter.objects.count(),
        "people": Person.objects.count(),
        "appointments": Appointment.objects.count(),
        "reform plans": ReformPlan.objects.count(),
        "duties": Duty.objects.count(),
        "duty assignments": DutyAssignment.objects.count(),
        "users": User.objects.count(),
    }


def organization_fingerprint() -> str:
    """A digest of the organizations alone (the same at every scale)."""
    rows = Organization.objects.values_list(
        "region__code", "name", "kind", "institution_class", "credit_code", "valid_from", "valid_to"
    )
    # Sorted here, not by the database: NULLs and Chinese collation order differently
    # on SQLite and PostgreSQL.
    text = "\n".join(sorted("|".join(str(v) for v in row) for row in rows))
    return hashlib.sha256(text.encode()).hexdigest()


def _ident(org: Organization) -> str:
    """An organization's identity in a fingerprint: its credit code, or (for one a reform
    plan established, which has none yet) its region and name."""
    return org.credit_code or f"{org.region.code}:{org.name}"


def registry_fingerprint() -> str:
    """A digest of the registry's content, independent of primary keys and clock times.

    Two seeded databases with equal fingerprints hold the same organizations, charters,
    balances, people, appointments and logins.
    """
    lines: list[str] = []
    orgs = Organization.objects.select_related("region", "managing_organization")
    for org in orgs.order_by("credit_code"):
        managing = org.managing_organization.name if org.managing_organization else ""
        lines.append(
            f"O|{org.region.code}|{org.name}|{org.name_en}|{org.kind}|{org.institution_class}|"
            f"{org.level}|{org.credit_code}|{org.valid_from}|{org.valid_to}|{managing}"
        )
    charters = Charter.objects.select_related("organization__region").prefetch_related(
        "functions", "internal_bodies", "quota_lines", "post_lines"
    )
    for c in charters.order_by("organization__credit_code", "effective_date"):
        lines.append(
            f"C|{_ident(c.organization)}|{c.document_number}|{c.effective_date}|"
            + "/".join(f.text for f in c.functions.all())
            + "|"
            + "/".join(f"{b.name}:{b.duties}" for b in c.internal_bodies.all())
            + "|"
            + "/".join(
                sorted(f"{q.category}:{q.funding_type}:{q.approved}" for q in c.quota_lines.all())
            )
            + "|"
            + "/".join(sorted(f"{p.rank}:{p.approved}" for p in c.post_lines.all()))
        )
    for b in QuotaBalance.objects.select_related("organization__region"):
        lines.append(
            f"Q|{_ident(b.organization)}|{b.category}|{b.funding_type}|{b.approved}|{b.actual}"
        )
    appointments = Appointment.objects.select_related(
        "person", "organization__region", "internal_body"
    )
    for a in appointments:
        lines.append(
            f"A|{a.person.identity_number}|{a.person.name}|{_ident(a.organization)}|"
            f"{a.category}|{a.funding_type}|{a.post_rank}|"
            f"{a.internal_body.name if a.internal_body else ''}|{a.start_date}|{a.end_date}"
        )
    for r in RoleAssignment.objects.select_related("user", "region", "organization__region"):
        org = _ident(r.organization) if r.organization else ""
        lines.append(f"U|{r.user.username}|{r.role}|{r.region.code}|{org}")
    for plan in ReformPlan.objects.select_related("region").prefetch_related("operations"):
        lines.append(
            f"P|{plan.region.code}|{plan.name}|{plan.document_number}|{plan.effective_date}|"
            f"{plan.status}|{len(plan.operations.all())}"
        )
    links = OrganizationLink.objects.select_related("predecessor__region", "successor__region")
    for link in links:
        lines.append(
            f"L|{_ident(link.predecessor)}|{_ident(link.successor)}|{link.kind}|{link.date}"
        )
    digest = hashlib.sha256()
    for line in sorted(lines):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()
