"""Demo logins: a user and the role they hold, created in one audited transaction."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from onevisit.core.audit import audit_record
from onevisit.core.models import Role, RoleAssignment, User
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

#: The one password of every demo login (documented in onevisit/demo/README.md).
DEMO_PASSWORD = "onevisit-demo"


@functools.cache
def _password_hash(password: str) -> str:
    """The demo password hashed once per process: every demo login shares that one public
    password, and Argon2 costs about 0.2 s a hash (sixty logins would cost ten seconds)."""
    return make_password(password)


def user_create_with_role(
    *,
    actor,
    username: str,
    password: str | None,
    role: str,
    region: Region,
    organization: Organization | None = None,
    display_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a user holding one role in a region (and an organization), audited.

    For the demo seeder; the administrators' real path is the admin site. `password=None`
    makes an account that cannot log in (the demo's applicants and their history).
    """
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        if is_superuser:
            user = User.objects.create_superuser(username=username, password=None)
        else:
            user = User.objects.create_user(username=username, password=None)
        changed = []
        if password is not None:
            user.password = _password_hash(password)
            changed.append("password")
        if display_name:
            user.display_name = display_name
            changed.append("display_name")
        if changed:
            user.save(update_fields=changed)
        assignment = RoleAssignment.objects.create(
            user=user, role=role, region=region, organization=organization
        )
        audit_record(
            actor=actor,
            action="user.create_with_role",
            obj=user,
            after={
                "username": username,
                "superuser": is_superuser,
                "role": role,
                "region": region.code,
                "organization": organization.pk if organization else None,
                "assignment": assignment.pk,
            },
        )
    return user


@dataclass(frozen=True)
class DemoLogin:
    """A demo login: where its role is held (`organization` is a (region, key) of the seeder)."""

    username: str
    role: Role
    region: str
    organization: tuple[str, str] | None
    display_name: str
    superuser: bool = False


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin("admin", Role.SYSTEM_ADMINISTRATOR, "33", None, "系统管理员（演示）", superuser=True),
    DemoLogin(
        "bianban", Role.ESTABLISHMENT_OFFICER, "33", ("33", "establishment"), "省编办（演示）"
    ),
    DemoLogin(
        "tonglu.bianban",
        Role.ESTABLISHMENT_OFFICER,
        "330122",
        ("330122", "establishment"),
        "桐庐县编办（演示）",
    ),
    DemoLogin(
        "keqiao.bianban",
        Role.ESTABLISHMENT_OFFICER,
        "330603",
        ("330603", "establishment"),
        "柯桥区编办（演示）",
    ),
    DemoLogin("supervisor", Role.SUPERVISOR, "33", None, "省督查（演示）"),
    DemoLogin(
        "clerk.tonglu",
        Role.WINDOW_CLERK,
        "330122",
        ("330122", "service_centre"),
        "桐庐县行政服务中心窗口（演示）",
    ),
    DemoLogin(
        "reviewer.tonglu.nr",
        Role.DEPARTMENT_REVIEWER,
        "330122",
        ("330122", "natural_resources"),
        "桐庐县自然资源和规划局审核（演示）",
    ),
    DemoLogin(
        "head.tonglu.nr",
        Role.DEPARTMENT_HEAD,
        "330122",
        ("330122", "natural_resources"),
        "桐庐县自然资源和规划局负责人（演示）",
    ),
    DemoLogin(
        "enforcement.keqiao",
        Role.ENFORCEMENT_OFFICER,
        "330603",
        ("330603", "enforcement"),
        "柯桥区综合行政执法局（演示）",
    ),
    DemoLogin("citizen", Role.CITIZEN, "330122", None, "市民示例（演示）"),
    DemoLogin("enterprise", Role.ENTERPRISE, "330603", None, "企业示例（演示）"),
    DemoLogin("enterprise.tonglu", Role.ENTERPRISE, "330122", None, "桐庐企业示例（演示）"),
]

#: Short names of departments in login names: reviewer.tonglu.<short>, head.tonglu.<short>.
SHORT_NAMES = {
    "market_regulation": "market",
    "enforcement": "enforcement",
    "emergency": "emergency",
    "first_hospital": "hospital",
    "public_security": "police",
    "medical_security": "medical",
    "hr_social": "hrss",
    "finance": "finance",
    "housing_construction": "housing",
    "natural_resources": "nr",
    "civil_affairs": "civil",
    "gov_office": "govoffice",
    "justice": "justice",
    "education": "education",
    "agriculture": "agriculture",
    "transport": "transport",
    "culture_tourism": "culture",
    "water": "water",
    "development_reform": "ndrc",
    "health": "health",
    "service_centre": "centre",
}
PLACE_NAMES = {"330122": "tonglu", "3301": "hangzhou", "33": "zhejiang"}


def _organization_names() -> dict[tuple[str, str], str]:
    from .data import hangzhou, province, tonglu

    return {
        (code, spec.key): spec.name
        for code, module in (("33", province), ("3301", hangzhou), ("330122", tonglu))
        for spec in [*module.ORGANS, *module.INSTITUTIONS]
    }


def department_logins(refs: list[tuple[str, str]]) -> list[DemoLogin]:
    """A reviewer and a head for each department (region code, seeder key)."""
    names = _organization_names()
    logins = []
    for region, key in refs:
        suffix = f"{PLACE_NAMES[region]}.{SHORT_NAMES[key]}"
        name = names[(region, key)]
        logins += [
            DemoLogin(
                f"reviewer.{suffix}",
                Role.DEPARTMENT_REVIEWER,
                region,
                (region, key),
                f"{name}审核（演示）",
            ),
            DemoLogin(
                f"head.{suffix}",
                Role.DEPARTMENT_HEAD,
                region,
                (region, key),
                f"{name}负责人（演示）",
            ),
        ]
    return logins


#: The departments that hold the items of the demo's "one thing" bundles (the natural
#: resources bureau's logins are above).
BUNDLE_DEPARTMENTS = [
    ("330122", key)
    for key in (
        "market_regulation",
        "enforcement",
        "emergency",
        "first_hospital",
        "public_security",
        "medical_security",
        "hr_social",
        "finance",
        "housing_construction",
    )
]
DEMO_LOGINS += department_logins(BUNDLE_DEPARTMENTS)
