"""The people of the demo's service desk: applicants and the staff who act on their cases.

Applicants are fictional residents and enterprises of Tonglu, registered through
`cases.services.applicant_register`, each with an account of its own (which cannot log in:
it is how the history's online applications, supplements and ratings are made). The demo
citizen and the demo enterprise are the logins `citizen` and `enterprise.tonglu`. Every
department that holds an item has a reviewer and a head; the window clerk is `clerk.tonglu`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from stdnum.cn import uscc

from onevisit.cases import services as case_services
from onevisit.cases.choices import ApplicantKind
from onevisit.cases.models import Applicant
from onevisit.core.models import Role, RoleAssignment, User
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

from .accounts import DEMO_PASSWORD, SHORT_NAMES, department_logins, user_create_with_role
from .numbers import IdentityNumbers, chinese_numeral, demo_name, organization_code_check

#: A small but real PDF: the scanned material every demo upload stands for.
SCAN = b"%PDF-1.4\n%demo scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: Lines of business of the demo's enterprises (Tonglu: pens, express delivery, tourism).
TRADES = (
    "餐饮管理",
    "制笔",
    "快递物流",
    "旅游开发",
    "建材",
    "电子科技",
    "农业开发",
    "医疗器械",
    "建筑工程",
    "针织服饰",
)
STREETS = ("迎春南路", "白云源路", "学圣路", "康乐路", "滨江路", "瑶琳路", "春江路", "富春路")
TOWNS = ("城南街道", "旧县街道", "桐君街道", "凤川街道", "分水镇", "富春江镇", "横村镇")


@dataclass
class Party:
    """An applicant with the account that acts for it online."""

    applicant: Applicant
    user: User
    address: str
    upload_id: int | None = None
    #: A person's partner (for the forms that ask), an enterprise's representative.
    partner: str = ""


@dataclass
class People:
    """The demo's applicants: persons and enterprises, and the two named logins."""

    persons: list[Party] = field(default_factory=list)
    enterprises: list[Party] = field(default_factory=list)
    citizen: Party | None = None
    enterprise: Party | None = None

    def upload(self, party: Party) -> int:
        """One scan per account, reused for each material it uploads."""
        if party.upload_id is None:
            upload = case_services.upload_create(actor=party.user, name="扫描件.pdf", content=SCAN)
            party.upload_id = upload.pk
        return party.upload_id


def credit_code(rng: random.Random, region_code: str, used: set[str]) -> str:
    """A fictional enterprise's unified social credit code (9: market regulation, 1: a
    company), valid per `stdnum.cn.uscc`."""
    while True:
        body8 = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        body17 = "91" + region_code + body8 + organization_code_check(body8)
        code = body17 + uscc.calc_check_digit(body17)
        if code not in used and uscc.is_valid(code):
            used.add(code)
            return code


def _address(rng: random.Random) -> str:
    return f"桐庐县{rng.choice(TOWNS)}{rng.choice(STREETS)}{rng.randint(1, 399)}号"


def build_people(
    rng: random.Random, region: Region, *, ids: IdentityNumbers, persons: int, enterprises: int
) -> People:
    """Register the demo's applicants with their accounts."""
    people = People()
    for n in range(1, persons + 1):
        user = user_create_with_role(
            actor=None,
            username=f"resident.{n:04d}",
            password=None,
            role=Role.CITIZEN,
            region=region,
        )
        applicant = case_services.applicant_register(
            actor=user,
            kind=ApplicantKind.PERSON,
            name=demo_name(rng, n),
            identifier=ids.draw(region.code, first_year=1958, last_year=2004),
            region=region,
            user=user,
        )
        people.persons.append(
            Party(applicant, user, _address(rng), partner=demo_name(rng, 300 + n))
        )
    used: set[str] = set()
    for n in range(1, enterprises + 1):
        user = user_create_with_role(
            actor=None,
            username=f"firm.{n:04d}",
            password=None,
            role=Role.ENTERPRISE,
            region=region,
        )
        trade = TRADES[(n - 1) % len(TRADES)]
        applicant = case_services.applicant_register(
            actor=user,
            kind=ApplicantKind.ENTERPRISE,
            name=f"桐庐示例{chinese_numeral(n)}{trade}有限公司",
            identifier=credit_code(rng, region.code, used),
            region=region,
            user=user,
        )
        people.enterprises.append(
            Party(applicant, user, _address(rng), partner=demo_name(rng, 500 + n))
        )
    people.citizen = _named(
        "citizen",
        ApplicantKind.PERSON,
        "李示例",
        ids.draw(region.code, first_year=1994, last_year=1994),
        region,
        partner="王示例",
    )
    people.enterprise = _named(
        "enterprise.tonglu",
        ApplicantKind.ENTERPRISE,
        "桐庐示例餐饮管理有限公司",
        credit_code(rng, region.code, used),
        region,
        partner="李示例",
    )
    return people


def _named(username, kind, name, identifier, region, partner) -> Party:
    """The applicant record of a demo login, registered by the login itself."""
    user = User.objects.get(username=username)
    applicant = case_services.applicant_register(
        actor=user, kind=kind, name=name, identifier=identifier, region=region, user=user
    )
    return Party(applicant, user, "桐庐县城南街道迎春南路88号", partner=partner)


@dataclass
class Staff:
    """Who acts: the window clerk, and a reviewer and a head of each department."""

    clerk: User
    reviewer: dict[int, User]
    head: dict[int, User]


def build_staff(refs: dict[int, tuple[str, str]], organizations: dict[int, Organization]) -> Staff:
    """Logins for the departments that have none yet (the password of every demo login),
    then every department's reviewer and head, and the clerk."""
    existing = set(
        RoleAssignment.objects.filter(
            organization_id__in=list(refs), role=Role.DEPARTMENT_REVIEWER
        ).values_list("organization_id", flat=True)
    )
    missing = sorted(
        (ref for org_id, ref in refs.items() if org_id not in existing and ref[1] in SHORT_NAMES),
        key=lambda ref: (len(ref[0]), ref),
    )
    for login in department_logins(missing):
        user_create_with_role(
            actor=None,
            username=login.username,
            password=DEMO_PASSWORD,
            role=login.role,
            region=organizations[_org_id(refs, login.organization)].region,
            organization=organizations[_org_id(refs, login.organization)],
            display_name=login.display_name,
        )
    reviewer: dict[int, User] = {}
    head: dict[int, User] = {}
    rows = (
        RoleAssignment.objects.filter(
            organization_id__in=list(refs),
            role__in=[Role.DEPARTMENT_REVIEWER, Role.DEPARTMENT_HEAD],
        )
        .select_related("user")
        .order_by("user__username")
    )
    for row in rows:
        target = reviewer if row.role == Role.DEPARTMENT_REVIEWER else head
        target.setdefault(row.organization_id, row.user)
    return Staff(clerk=User.objects.get(username="clerk.tonglu"), reviewer=reviewer, head=head)


def _org_id(refs: dict[int, tuple[str, str]], ref) -> int:
    return next(org_id for org_id, r in refs.items() if r == ref)
