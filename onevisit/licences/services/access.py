"""Who may use a licence (用证): the holder's consent (授权) or a legal basis on the service
item's material; every use and every refused attempt is logged for the holder to read."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.cases.models import Case, CaseMaterial, Task
from onevisit.cases.services.common import CLERKS, REVIEWERS
from onevisit.catalog.choices import MaterialSource
from onevisit.catalog.models import Material
from onevisit.core.audit import audit_record
from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.core.scoping import assignments_of

from ..choices import AccessBasis
from ..models import Consent, Licence, LicenceAccess

OFFICERS = REVIEWERS | CLERKS


def _holder_of(actor, licence: Licence) -> bool:
    return actor is not None and actor.is_authenticated and licence.holder.user_id == actor.pk


def consent_give(
    *,
    actor,
    licence: Licence,
    organization,
    purpose: str,
    until: datetime.date | None = None,
    case: Case | None = None,
) -> Consent:
    """The holder lets a department use one licence, for a purpose, until a date or until
    withdrawn."""
    if not _holder_of(actor, licence):
        raise NotFound(_("No such licence."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationFailed(_("Say what the department may use it for."), code="purpose")
    if until is not None and until < timezone.localdate():
        raise ValidationFailed(_("The consent cannot end in the past."), code="until")
    with transaction.atomic():
        consent = Consent.objects.create(
            holder=licence.holder,
            licence=licence,
            organization=organization,
            case=case,
            purpose=purpose[:300],
            given_at=timezone.now(),
            given_by=actor,
            until=until,
        )
        audit_record(
            actor=actor,
            action="licence.consent_given",
            obj=consent,
            after={"licence": licence.number, "organization": organization.pk, "until": until},
        )
    return consent


def consent_withdraw(*, actor, consent: Consent) -> Consent:
    """The holder withdraws a consent; uses already made stay in the log."""
    if not _holder_of(actor, consent.licence):
        raise NotFound(_("No such consent."))
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is None:
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])
            audit_record(
                actor=actor,
                action="licence.consent_withdrawn",
                obj=consent,
                after={"withdrawn_at": consent.withdrawn_at},
            )
    return consent


def _officer_organizations(actor) -> list[int]:
    return sorted({a.organization_id for a in assignments_of(actor) if a.role in OFFICERS})


def _case_at(case: Case | None, organization_id: int) -> bool:
    if case is None:
        return False
    return (
        case.window_id == organization_id
        or Task.objects.filter(case=case, organization_id=organization_id).exists()
    )


def _legal_basis(licence: Licence, case: Case, organization_id: int) -> str:
    """The law on a material of the case's items at this department that lets it fetch a
    licence of this type without consent."""
    material = (
        Material.objects.filter(
            version__in=Task.objects.filter(case=case, organization_id=organization_id).values(
                "version"
            ),
            source=MaterialSource.ELECTRONIC_LICENCE,
            licence_type=licence.licence_type.code,
        )
        .exclude(sharing_basis="")
        .first()
    )
    return material.sharing_basis if material else ""


def _consented(licence: Licence, case: Case | None, organization_id: int, today) -> bool:
    standing = Consent.objects.filter(
        licence=licence, organization_id=organization_id, withdrawn_at__isnull=True
    ).filter(Q(until__isnull=True) | Q(until__gte=today))
    if standing.filter(Q(case__isnull=True) | Q(case=case)).exists():
        return True
    return (
        case is not None
        and CaseMaterial.objects.filter(
            case=case, record_id=licence.record_id, consent_at__isnull=False
        ).exists()
    )


def _access(licence, actor, organization_id, case, purpose, basis, granted, at=None):
    """One line of the holder's access log (unsaved)."""
    return LicenceAccess(
        licence=licence,
        holder_id=licence.holder_id,
        organization_id=organization_id,
        user=actor if getattr(actor, "pk", None) else None,
        user_label=str(actor)[:150] if actor is not None else "system",
        case=case,
        purpose=purpose[:300],
        basis=basis,
        granted=granted,
        at=at or timezone.now(),
    )


def _log(licence, actor, organization_id, case, purpose, basis, granted) -> LicenceAccess:
    access = _access(licence, actor, organization_id, case, purpose, basis, granted)
    access.save(force_insert=True)
    return access


def licence_use(*, actor, number: str, purpose: str, case_number: str = "") -> Licence:
    """A department reads a citizen's licence for a case: allowed with the holder's
    consent, or under a legal basis on a material of the case's item at that department.
    Otherwise a 404, and the attempt is logged all the same."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationFailed(_("Say why the licence is needed."), code="purpose")
    organizations = _officer_organizations(actor)
    licence = (
        Licence.objects.select_related("licence_type", "holder", "key", "issued_by")
        .filter(number=str(number).strip())
        .first()
    )
    if licence is None or not organizations:
        raise NotFound(_("No such licence."))
    case = None
    if case_number:
        case = Case.objects.filter(
            number=str(case_number).strip(), applicant=licence.holder
        ).first()
    today = timezone.localdate()
    with transaction.atomic():
        for org in organizations:
            at_case = _case_at(case, org)
            if at_case and _legal_basis(licence, case, org):
                _log(licence, actor, org, case, purpose, AccessBasis.LEGAL_BASIS, True)
                return licence
            if _consented(licence, case if at_case else None, org, today):
                _log(licence, actor, org, case, purpose, AccessBasis.CONSENT, True)
                return licence
        _log(licence, actor, organizations[0], case, purpose, AccessBasis.NONE, False)
    raise NotFound(_("No such licence."))


def record_intake_uses(*, actor, case: Case, materials: list[CaseMaterial], tasks) -> None:
    """At intake, each licence a material is taken from is logged once per department of
    the case, with the applicant's consent or the material's legal basis."""
    # The records came with their licence (select_related, in force) from intake.
    licences = {m.record_id: getattr(m.record, "licence", None) for m in materials if m.record_id}
    if not any(licences.values()):
        return
    orgs = sorted({t.organization_id for t in tasks})
    now = timezone.now()
    rows = []
    for m in materials:
        licence = licences.get(m.record_id)
        if licence is None:
            continue
        basis = AccessBasis.CONSENT if m.consent_at else AccessBasis.LEGAL_BASIS
        purpose = _("Material “%(name)s” of case %(case)s") % {
            "name": m.name,
            "case": case.number,
        }
        rows += [_access(licence, actor, org, case, purpose, basis, True, now) for org in orgs]
    LicenceAccess.objects.bulk_create(rows)
