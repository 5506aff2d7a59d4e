"""Demo logins: a user and the role they hold, created in one audited transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from onevisit.core.audit import audit_record
from onevisit.core.models import Role, RoleAssignment, User
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

#: The one password of every demo login (documented in onevisit/demo/README.md).
DEMO_PASSWORD = "onevisit-demo"


def user_create_with_role(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    region: Region,
    organization: Organization | None = None,
    display_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a user holding one role in a region (and an organization), audited.

    For the demo seeder; the administrators' real path is the admin site.
    """
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        if is_superuser:
            user = User.objects.create_superuser(username=username, password=password)
        else:
            user = User.objects.create_user(username=username, password=password)
        if display_name:
            user.display_name = display_name
            user.save(update_fields=["display_name"])
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
]
