"""factory_boy factories. Registry records are made through the services, so that every
test object obeys the same invariants (and audit) as real data."""

from __future__ import annotations

import datetime
import itertools

import factory
from stdnum.cn import ric

from onevisit.core.models import Role, RoleAssignment, User
from onevisit.orgs import services as org_services
from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.regions.models import Level, Region

_serial = itertools.count(1)


def identity_number(region_code: str = "330122", birth: datetime.date | None = None) -> str:
    """A fictional resident identity number, valid in format and check digit."""
    birth = birth or datetime.date(1980, 1, 1) + datetime.timedelta(days=next(_serial) % 9000)
    body = f"{region_code.ljust(6, '0')[:6]}{birth:%Y%m%d}{next(_serial) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "330122"
    name = factory.LazyAttribute(lambda o: f"Region {o.code}")
    level = factory.LazyAttribute(
        lambda o: {2: Level.PROVINCE, 4: Level.CITY, 6: Level.COUNTY}.get(
            len(o.code), Level.TOWNSHIP
        )
    )
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


def grant(user: User, role: str, *, region: Region, organization=None) -> RoleAssignment:
    """Give a user a role (test support; the real path is the admin)."""
    return RoleAssignment.objects.create(
        user=user, role=role, region=region, organization=organization
    )


def officer(region: Region, **kwargs) -> User:
    user = UserFactory(**kwargs)
    grant(user, Role.ESTABLISHMENT_OFFICER, region=region)
    return user


def organization(
    *,
    name: str | None = None,
    region: Region | None = None,
    kind: str = OrgKind.GOVERNMENT_DEPARTMENT,
    level: str = Level.COUNTY,
    quotas: list[tuple[str, str, int]] | None = None,
    posts: dict[str, int] | None = None,
    bodies: list[tuple[str, str]] | None = None,
    functions: list[str] | None = None,
    **kwargs,
):
    """An organization with a current charter, through the services."""
    region = region or RegionFactory()
    org = org_services.organization_create(
        actor=None,
        name=name or f"Bureau {next(_serial)}",
        kind=kind,
        region=region,
        level=level,
        valid_from=datetime.date(2019, 1, 1),
        **kwargs,
    )
    org_services.charter_issue(
        actor=None,
        organization=org,
        document_number=f"测编〔2019〕{next(_serial)}号",
        effective_date=datetime.date(2019, 1, 1),
        content=org_services.CharterContent(
            functions=functions or ["Draft and implement the region's policies."],
            internal_bodies=bodies or [("Office", "Daily affairs")],
            quotas=quotas if quotas is not None else [(QuotaCategory.ADMINISTRATIVE, "", 10)],
            posts=posts if posts is not None else {"head": 1, "deputy": 2},
        ),
    )
    return org


def person(region_code: str = "330122", name: str | None = None):
    return org_services.person_register(
        actor=None,
        identity_number=identity_number(region_code),
        name=name or f"测试{next(_serial)}",
    )


def appoint(org, *, category: str = QuotaCategory.ADMINISTRATIVE, **kwargs):
    return org_services.appointment_create(
        actor=None,
        person=kwargs.pop("person", None) or person(),
        organization=org,
        category=category,
        **kwargs,
    )


def audit_trail(n: int = 5, actor=None) -> list:
    """`n` audit entries, each appended in its own transaction (as a service would)."""
    from django.db import transaction

    from onevisit.core.audit import audit_record

    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(
                audit_record(
                    actor=actor,
                    action="test.change",
                    object_type="test.thing",
                    object_id=str(i),
                    object_repr=f"事物 {i}",
                    before={"count": i},
                    after={"count": i + 1, "名称": "测试"},
                    legal_basis=f"浙编〔2019〕{i}号",
                )
            )
    return entries
