"""Services for an organization's life in law: rename, reclassify, abolish.

Reform plans call these; each is audited and dated by its legal effect.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, ValidationFailed

from .choices import InstitutionClass, OrgKind
from .models import Appointment, Charter, FormerName, Organization, PostBalance, QuotaBalance
from .services import ensure_may_manage, organization_snapshot


def _locked(organization: Organization) -> Organization:
    org = Organization.objects.select_for_update().select_related("region").get(pk=organization.pk)
    if org.valid_to is not None:
        raise Conflict(_("%(org)s has been abolished.") % {"org": org.name}, code="abolished")
    return org


def organization_rename(
    *,
    actor,
    organization: Organization,
    name: str,
    name_en: str = "",
    date: datetime.date,
    legal_basis: str = "",
) -> Organization:
    """Rename an organization (更名) from a date; the old name is kept with its window."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("An organization needs a name."), code="name_required")
    with transaction.atomic():
        org = _locked(organization)
        ensure_may_manage(actor, org)
        before = organization_snapshot(org)
        last = FormerName.objects.filter(organization=org).order_by("-valid_to").first()
        since = last.valid_to if last else org.valid_from
        if date < since:
            raise Conflict(_("A rename cannot precede the organization's last change of name."))
        FormerName.objects.create(
            organization=org, name=org.name, name_en=org.name_en, valid_from=since, valid_to=date
        )
        org.name = name
        org.name_en = (name_en or org.name_en).strip()
        org.save(update_fields=["name", "name_en"])
        audit_record(
            actor=actor,
            action="organization.rename",
            obj=org,
            before=before,
            after=organization_snapshot(org),
            legal_basis=legal_basis,
        )
    return org


def organization_reclassify(
    *, actor, organization: Organization, institution_class: str, legal_basis: str = ""
) -> Organization:
    """Change a public institution's class (事业单位分类)."""
    with transaction.atomic():
        org = _locked(organization)
        ensure_may_manage(actor, org)
        if (
            org.kind != OrgKind.PUBLIC_INSTITUTION
            or institution_class not in InstitutionClass.values
        ):
            raise ValidationFailed(
                _("Only public institutions are classified, into a known class.")
            )
        before = organization_snapshot(org)
        org.institution_class = institution_class
        org.save(update_fields=["institution_class"])
        audit_record(
            actor=actor,
            action="organization.reclassify",
            obj=org,
            before=before,
            after=organization_snapshot(org),
            legal_basis=legal_basis,
        )
    return org


def organization_abolish(
    *, actor, organization: Organization, date: datetime.date, legal_basis: str = ""
) -> Organization:
    """Abolish an organization (撤销) from a date. It must have no staff left by then;
    its charter ends and its quotas and leadership posts return to nothing."""
    with transaction.atomic():
        org = _locked(organization)
        ensure_may_manage(actor, org)
        if date < org.valid_from:
            raise ValidationFailed(_("An organization cannot be abolished before it exists."))
        staff = Appointment.objects.filter(organization=org, end_date__isnull=True).count()
        if staff:
            raise Conflict(
                _("%(org)s still has %(n)s staff: move them before abolishing it.")
                % {"org": org.name, "n": staff},
                code="orphaned_staff",
            )
        before = organization_snapshot(org)
        Charter.objects.filter(organization=org, valid_to__isnull=True).update(valid_to=date)
        QuotaBalance.objects.filter(organization=org).update(approved=0)
        PostBalance.objects.filter(organization=org).update(approved=0)
        org.valid_to = date
        org.save(update_fields=["valid_to"])
        audit_record(
            actor=actor,
            action="organization.abolish",
            obj=org,
            before=before,
            after=organization_snapshot(org),
            legal_basis=legal_basis,
        )
    return org
