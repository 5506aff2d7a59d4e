"""Scoping: what a user may see follows from the roles they hold (ARCHITECTURE.md, Roles).

Every selector starts from these helpers, so that a clerk of one department never
reads another department's records. Organizations are public (their charters are
published); staff, people and cases are scoped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Role, RoleAssignment

REGION_WIDE = {Role.ESTABLISHMENT_OFFICER, Role.SUPERVISOR}
ORGANIZATION_BOUND = {
    Role.WINDOW_CLERK,
    Role.DEPARTMENT_REVIEWER,
    Role.DEPARTMENT_HEAD,
    Role.ENFORCEMENT_OFFICER,
}
#: Roles that need identity numbers in full (real-name staffing management).
SEES_IDENTITY_NUMBERS = {Role.ESTABLISHMENT_OFFICER, Role.SYSTEM_ADMINISTRATOR}
#: Roles that may change the registry (charters, quotas, appointments).
MANAGES_REGISTRY = {Role.ESTABLISHMENT_OFFICER, Role.SYSTEM_ADMINISTRATOR}


@dataclass(frozen=True)
class Scope:
    """The part of the registry a user may see for one purpose."""

    everything: bool = False
    region_codes: frozenset[str] = field(default_factory=frozenset)
    organization_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.region_codes or self.organization_ids)

    def q(self, *, region_field: str, organization_field: str) -> Q:
        """A filter for a queryset: `region_field` is a region code path, e.g.
        "region__code"; `organization_field` an organization id path."""
        if self.everything:
            return Q()
        if self.nothing:
            return Q(pk__in=[])
        q = Q(pk__in=[])
        for code in self.region_codes:
            q |= Q(**{f"{region_field}__startswith": code})
        if self.organization_ids:
            q |= Q(**{f"{organization_field}__in": list(self.organization_ids)})
        return q

    def covers(self, *, region_code: str, organization_id: int | None) -> bool:
        if self.everything:
            return True
        if organization_id is not None and organization_id in self.organization_ids:
            return True
        return any(region_code.startswith(code) for code in self.region_codes)


def assignments_of(user) -> list[RoleAssignment]:
    """The user's roles, loaded once per request and kept on the user object."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_onevisit_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).select_related("region", "organization")
        )
        user._onevisit_roles = cached
    return cached


def organizations_of(user, roles) -> list:
    """The organizations the user holds one of `roles` in, each once, in the order of the
    roles (no query: they come with the roles)."""
    seen = {}
    for a in assignments_of(user):
        if a.role in roles and a.organization_id:
            seen.setdefault(a.organization_id, a.organization)
    return list(seen.values())


def has_role(user, *roles: str) -> bool:
    return any(a.role in roles for a in assignments_of(user))


def _scope(user, roles_region: set, roles_org: set, *, superuser_all: bool = True) -> Scope:
    if user is None or not user.is_authenticated:
        return Scope()
    if (superuser_all and user.is_superuser) or has_role(user, Role.SYSTEM_ADMINISTRATOR):
        return Scope(everything=True)
    regions, orgs = set(), set()
    for a in assignments_of(user):
        if a.role in roles_region:
            regions.add(a.region.code)
        elif a.role in roles_org and a.organization_id:
            orgs.add(a.organization_id)
    return Scope(region_codes=frozenset(regions), organization_ids=frozenset(orgs))


def plan_scope(user) -> Scope:
    """Where a user may read reform plans: establishment officers and supervisors of a region."""
    return _scope(user, {Role.ESTABLISHMENT_OFFICER, Role.SUPERVISOR}, set())


def staff_scope(user) -> Scope:
    """Whose staff a user may read: region-wide roles their region, others their organization."""
    return _scope(user, REGION_WIDE, ORGANIZATION_BOUND)


def registry_write_scope(user) -> Scope:
    """Where a user may change charters, quotas and appointments."""
    return _scope(user, {Role.ESTABLISHMENT_OFFICER}, set())


def sees_identity_numbers(user, *, region_code: str, organization_id: int | None) -> bool:
    """Whether this user needs full identity numbers for records of that organization."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or has_role(user, Role.SYSTEM_ADMINISTRATOR):
        return True
    return any(
        a.role == Role.ESTABLISHMENT_OFFICER and region_code.startswith(a.region.code)
        for a in assignments_of(user)
    )
