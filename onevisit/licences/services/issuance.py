"""Issuing, revoking and re-issuing electronic licences (证照签发、注销、换发)."""

from __future__ import annotations

import datetime
import json
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.cases.models import Applicant, Record
from onevisit.cases.services.common import REVIEWERS, holds_role_in
from onevisit.core.audit import audit_record
from onevisit.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
    required_text,
)

from ..choices import HolderKind, LicenceState
from ..models import Licence, LicenceType
from ..signing import KeyUnreadable, canonical, sign
from .keys import active_key, key_secret

logger = logging.getLogger(__name__)

#: Fields every licence type may use that are read from the holder, not the form.
HOLDER_FIELDS = {
    "holder_name": lambda h: h.name,
    "identifier": lambda h: h.identifier,
    "address": lambda h: h.address,
}


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def licence_fields(licence_type: LicenceType, holder: Applicant, values: dict) -> dict:
    """The licence's structured fields: each key of the type's schema from `values`, or,
    for holder fields, from the holder; every required field must have a value."""
    fields, missing = {}, []
    for spec in licence_type.fields:
        key = spec["key"]
        value = values.get(key)
        if (value is None or str(value).strip() == "") and key in HOLDER_FIELDS:
            value = HOLDER_FIELDS[key](holder)
        value = "" if value is None else str(value).strip()
        if value == "" and spec.get("required"):
            missing.append(spec.get("label_zh") or spec.get("label_en") or key)
        fields[key] = value
    if missing:
        raise ValidationFailed(
            _("The licence “%(type)s” needs: %(fields)s.")
            % {"type": licence_type.name, "fields": "、".join(missing)},
            code="licence_fields",
        )
    return fields


def _number(organization, day: datetime.date) -> str:
    return f"{organization.region.code}-{day.year}-E{secrets.token_hex(5).upper()}"


def _signed(payload: dict, key) -> str:
    try:
        return sign(payload, key.private_key_encrypted, key_secret())
    except KeyUnreadable as exc:
        # The server's LICENCE_KEY_SECRET changed: an operator's error, not the user's.
        logger.error("licence signing key %s: %s", key.kid, exc)
        raise DomainError(
            _("Licences cannot be signed now: the signing key cannot be read. Try later."),
            code="signing_unavailable",
            status=503,
        )


def licence_issue(
    *,
    actor,
    licence_type: LicenceType,
    holder: Applicant,
    organization,
    values: dict,
    issued_on: datetime.date,
    task=None,
    record: Record | None = None,
    replaces: Licence | None = None,
) -> Licence:
    """Sign and store a licence, and put it in the holder's vault (a `Record` later
    applications take it from). Runs inside the caller's transaction when there is one."""
    if licence_type.holder_kind not in (HolderKind.ANY, holder.kind):
        raise ValidationFailed(
            _("A “%(type)s” is not issued to this kind of applicant.") % {"type": licence_type},
            code="licence_holder",
        )
    fields = licence_fields(licence_type, holder, values)
    valid_until = (
        add_years(issued_on, licence_type.validity_years) if licence_type.validity_years else None
    )
    with transaction.atomic():
        key = active_key(organization, actor=actor)
        if record is None:
            record = Record.objects.create(
                applicant=holder,
                title=licence_type.name,
                licence_type=licence_type.code,
                issued_by=organization,
                issued_on=issued_on,
                task=task,
            )
        elif not record.licence_type:
            record.licence_type = licence_type.code  # saved below, with the number
        for _attempt in range(3):
            number = _number(organization, issued_on)
            payload = {
                "v": 1,
                "number": number,
                "kid": key.kid,
                "type": {"code": licence_type.code, "name": licence_type.name},
                "holder": {"kind": holder.kind, "name": holder.name, "id": holder.identifier},
                "issuer": {
                    "id": organization.pk,
                    "name": organization.name,
                    "region": organization.region.code,
                },
                "issued_on": issued_on.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
                "fields": fields,
                "replaces": replaces.number if replaces else None,
            }
            try:
                with transaction.atomic():
                    licence = Licence.objects.create(
                        number=number,
                        licence_type=licence_type,
                        holder=holder,
                        issued_by=organization,
                        key=key,
                        task=task,
                        record=record,
                        issued_on=issued_on,
                        valid_until=valid_until,
                        payload=canonical(payload).decode(),
                        signature=_signed(payload, key),
                    )
                break
            except IntegrityError:  # the same random number twice: draw again
                continue
        else:
            raise Conflict(_("No free licence number; try again."))
        record.data = {**record.data, "licence": licence.number}
        record.save(update_fields=["licence_type", "data"])
        if licence_type.one_per_holder and replaces is None:
            _supersede(licence, actor)
        audit_record(
            actor=actor,
            action="licence.issued",
            obj=licence,
            after={
                "number": licence.number,
                "type": licence_type.code,
                "holder": holder.pk,
                "issuer": organization.pk,
                "kid": key.kid,
                "replaces": replaces.number if replaces else None,
            },
        )
    return licence


def _supersede(new: Licence, actor) -> None:
    """The holder's earlier licences of a one-per-holder type end when a new one is issued
    (an identity card renewed, a household register re-issued after a move)."""
    older = (
        Licence.objects.select_for_update()
        .filter(holder=new.holder, licence_type=new.licence_type, state=LicenceState.VALID)
        .exclude(pk=new.pk)
        .order_by("-issued_on", "-pk")
    )
    for n, old in enumerate(older):
        if n == 0:
            old.replaced_by = new
        _revoke(
            old, actor, _("Replaced by %(number)s.") % {"number": new.number}, "licence.superseded"
        )


def issue_for_task(*, actor, task, record: Record, day: datetime.date) -> Licence | None:
    """On approval, the licence the item issues (if its result is one), with fields from
    the case's form and the applicant."""
    licence_type = LicenceType.objects.filter(items=task.item_id).order_by("code").first()
    if licence_type is None:
        return None
    case = task.case
    values = {**case.form_data, "case_number": case.number}
    return licence_issue(
        actor=actor,
        licence_type=licence_type,
        holder=case.applicant,
        organization=task.organization,
        values=values,
        issued_on=day,
        task=task,
        record=record,
    )


def issuers_of(licence: Licence) -> set[int]:
    """The organizations that answer for a licence: its issuer, and whoever now holds the
    items issuing its type in the issuer's region (after a reform moved them)."""
    holders = set(
        licence.licence_type.items.filter(
            organization__region_id=licence.issued_by.region_id
        ).values_list("organization_id", flat=True)
    )
    return {licence.issued_by_id} | holders


def _current_issuer(licence: Licence):
    """Who issues a replacement: the issuer, or after a reform abolished it, the
    organization now holding the items of the type in its region."""
    from onevisit.orgs.models import Organization

    issuer = licence.issued_by
    today = timezone.localdate()
    if issuer.valid_to is None or issuer.valid_to > today:
        return issuer
    others = sorted(issuers_of(licence) - {issuer.pk})
    return Organization.objects.filter(pk__in=others).first() or issuer


def _ensure_issuer(actor, licence: Licence) -> None:
    if not any(holds_role_in(actor, REVIEWERS, org) for org in issuers_of(licence)):
        raise NotFound(_("No such licence."))


def _locked(licence: Licence) -> Licence:
    licence = Licence.objects.select_for_update().select_related("licence_type").get(pk=licence.pk)
    if licence.state != LicenceState.VALID:
        raise Conflict(_("Licence %(number)s is already revoked.") % {"number": licence.number})
    return licence


def _revoke(licence: Licence, actor, reason: str, action: str) -> None:
    licence.state = LicenceState.REVOKED
    licence.revoked_at = timezone.now()
    licence.revoked_reason = reason
    licence.save(update_fields=["state", "revoked_at", "revoked_reason", "replaced_by"])
    audit_record(
        actor=actor,
        action=action,
        obj=licence,
        before={"state": LicenceState.VALID},
        after={"state": licence.state, "reason": reason},
    )


def licence_revoke(*, actor, licence: Licence, reason: str) -> Licence:
    """Revoke a licence (注销): verification says revoked from now on."""
    _ensure_issuer(actor, licence)
    reason = required_text(reason, _("A reason"))
    with transaction.atomic():
        licence = _locked(licence)
        _revoke(licence, actor, reason, "licence.revoked")
    return licence


def licence_reissue(*, actor, licence: Licence, changes: dict, reason: str) -> Licence:
    """Re-issue a licence when its facts change (换发), e.g. the company's new name: a new
    licence with the changed fields; the old one is revoked and points at it."""
    _ensure_issuer(actor, licence)
    reason = required_text(reason, _("A reason"))
    if not isinstance(changes, dict):
        raise ValidationFailed(_("The changes must be an object of fields."))
    with transaction.atomic():
        licence = _locked(licence)
        known = {f["key"] for f in licence.licence_type.fields}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValidationFailed(
                _("Not fields of this licence: %(keys)s.") % {"keys": ", ".join(unknown)}
            )
        values = {**licence.content["fields"], **changes}
        for key in HOLDER_FIELDS:  # the holder's current name and address, not the old ones
            if key not in changes and key in values:
                values[key] = ""
        new = licence_issue(
            actor=actor,
            licence_type=licence.licence_type,
            holder=licence.holder,
            organization=_current_issuer(licence),
            values=values,
            issued_on=timezone.localdate(),
            replaces=licence,
        )
        licence.replaced_by = new
        _revoke(licence, actor, reason, "licence.reissued")
    return new


def licence_document(data: str | bytes) -> dict:
    """Parse an uploaded exported licence; a clear error for anything else."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: deep nesting
        raise ValidationFailed(_("This is not a licence file (JSON expected)."), code="not_json")
    if not isinstance(document, dict):
        raise ValidationFailed(_("This is not a licence file."), code="not_licence")
    return document
