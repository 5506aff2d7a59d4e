"""What the service-desk services share: who may act where, and snapshots for the audit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onevisit.core.errors import Forbidden, NotFound
from onevisit.core.identifiers import mask_identity_number
from onevisit.core.models import Role
from onevisit.core.scoping import assignments_of

#: Roles that act on a department's tasks.
REVIEWERS = {Role.DEPARTMENT_REVIEWER, Role.DEPARTMENT_HEAD}
#: Roles that take in cases at a comprehensive window.
CLERKS = {Role.WINDOW_CLERK}


def _is_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser) or any(
        a.role == Role.SYSTEM_ADMINISTRATOR for a in assignments_of(user)
    )


def holds_role_in(user, roles: set[str], organization_id: int) -> bool:
    return _is_admin(user) or any(
        a.role in roles and a.organization_id == organization_id for a in assignments_of(user)
    )


def ensure_reviewer(actor, task) -> None:
    """Only the task's department acts on it; others get a 404 (they may not see it)."""
    if actor is None:  # the system (a reform plan's application)
        return
    if not holds_role_in(actor, REVIEWERS | CLERKS, task.organization_id):
        raise NotFound(_("No such task."))
    if not holds_role_in(actor, REVIEWERS, task.organization_id):
        raise Forbidden(_("Only a reviewer of %(org)s may do this.") % {"org": task.organization})


def ensure_head(user, organization_id: int) -> None:
    if not holds_role_in(user, {Role.DEPARTMENT_HEAD}, organization_id):
        raise Forbidden(_("An extension is approved by a head of the department."))


def clerk_window(actor):
    """The window organization the clerk works at, or refuse."""
    for a in assignments_of(actor):
        if a.role in CLERKS and a.organization_id:
            return a.organization
    if _is_admin(actor):
        return None
    raise Forbidden(_("Only a window clerk takes in applications at a window."))


def task_snapshot(task) -> dict:
    return {
        "state": task.state,
        "organization": task.organization_id,
        "accepted_on": task.accepted_on,
        "due_date": task.due_date,
        "extension_days": task.extension_days,
    }


def applicant_label(applicant) -> str:
    return f"{applicant.name} ({mask_identity_number(applicant.identifier)})"
