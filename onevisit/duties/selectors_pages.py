"""Small reads for the pages of the power and responsibility lists (views.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from onevisit.core.models import Role
from onevisit.core.scoping import assignments_of, plan_scope
from onevisit.orgs import selectors as org_selectors
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

from .models import Duty


def home_region_code(user) -> str:
    """The region of the user's first establishment-officer or supervisor role, else ""."""
    for wanted in (Role.ESTABLISHMENT_OFFICER, Role.SUPERVISOR):
        for a in assignments_of(user):
            if a.role == wanted:
                return a.region.code
    for a in assignments_of(user):
        return a.region.code
    return ""


def may_read_findings(*, user, region: Region) -> bool:
    """Establishment officers and supervisors read the findings of their region."""
    return plan_scope(user).covers(region_code=region.code, organization_id=None)


def assignment_targets(*, user, duty: Duty) -> QuerySet[Organization]:
    """Organizations in force in the duty's region that the user may assign it to."""
    return org_selectors.organizations_managed_by(user=user).filter(
        region__code__startswith=duty.region.code
    )
