"""Applicants (申请人): registered once by identity number or credit code."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, ValidationFailed
from onevisit.core.identifiers import normalize_credit_code, normalize_identity_number
from onevisit.regions.models import Region

from ..choices import ApplicantKind
from ..models import Applicant
from .common import applicant_label


def normalize_identifier(kind: str, identifier: str) -> str:
    if kind == ApplicantKind.PERSON:
        return normalize_identity_number(identifier)
    if kind == ApplicantKind.ENTERPRISE:
        return normalize_credit_code(identifier)
    raise ValidationFailed(_("Unknown applicant kind “%(kind)s”.") % {"kind": kind})


def applicant_register(
    *,
    actor,
    kind: str,
    name: str,
    identifier: str,
    region: Region,
    phone: str = "",
    email: str = "",
    address: str = "",
    user=None,
) -> Applicant:
    """Find the applicant with this identifier, or register it (identity checked by the
    caller: a window clerk, or the account's own verified identity). A known applicant's
    name must match; contact details are updated when given."""
    identifier = normalize_identifier(kind, identifier)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("The applicant's name is required."), code="name_required")
    phone = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    try:
        with transaction.atomic():
            found = Applicant.objects.select_for_update().filter(kind=kind, identifier=identifier)
            applicant = found.first()
            if applicant is not None:
                if applicant.name != name:
                    raise Conflict(
                        _("The name does not match the one registered for this number."),
                        code="applicant_name_mismatch",
                    )
                changes = {
                    k: v
                    for k, v in {"phone": phone, "email": email, "address": address}.items()
                    if v and getattr(applicant, k) != v
                }
                if user is not None and applicant.user_id is None:
                    changes["user"] = user
                if changes:
                    for k, v in changes.items():
                        setattr(applicant, k, v)
                    applicant.save(update_fields=list(changes))
                return applicant
            applicant = Applicant.objects.create(
                kind=kind,
                name=name,
                identifier=identifier,
                region=region,
                phone=phone,
                email=email,
                address=address,
                user=user,
            )
            audit_record(
                actor=actor,
                action="applicant.register",
                obj=applicant,
                object_repr=applicant_label(applicant),
                after={"kind": kind, "region": region.code},
            )
            return applicant
    except IntegrityError:  # registered concurrently
        return Applicant.objects.get(kind=kind, identifier=identifier)
