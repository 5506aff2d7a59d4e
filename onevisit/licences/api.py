"""API of the licence vault (电子证照): verification, the holder's vault, departments' use
and the issuers' revocation, re-issue and key rotation.

Scoping:
- Anyone, without logging in, reads the published key set (`GET /api/licences/keys`) and
  verifies an exported licence (`POST /api/licences/verify`). A document that does not
  verify is a 200 with the verdict "tampered"; only a body that is not a JSON object is a
  400. What a verifier is shown is `selectors.public_summary`: the holder's identity number
  masked.
- The holder (a citizen or an enterprise with an applicant record) reads their own
  licences, exports them, reads who used them (`/api/vault/uses`) and gives and withdraws
  consents. Anyone else's licence or consent, and the vault of a user who holds none, is a
  404. The holder sees their own identity number in full.
- A department (its reviewers, heads and window clerks) reads a citizen's licence through
  `services.licence_use`: with the holder's consent or under a legal basis on a material of
  the holder's case at that department; otherwise a 404, and the attempt is logged for the
  holder all the same. The answer carries the licence as signed (a lawful use).
- Reviewers and heads of the issuing organization revoke and re-issue its licences; a head
  of an organization rotates its signing key. Anyone else gets a 404 (they may not see it).
  Their answers carry nothing personal.

Nothing here writes personal data to the logs; the purpose a department gives is stored
with identity and phone numbers masked.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.core.identifiers import mask_personal_data
from onevisit.core.schemas import ErrorOut
from onevisit.orgs.models import Organization
from onevisit.orgs.schemas import ID_MAX

from . import selectors, services
from .choices import LicenceState
from .models import Licence
from .schemas import (
    DOCUMENT_BODY,
    NUMBER_PATTERN,
    PUBLIC_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ConsentIn,
    ConsentOut,
    IssuedOut,
    JwkOut,
    KeySetOut,
    LicenceBriefOut,
    LicenceOut,
    ReissuedOut,
    ReissueIn,
    RevokeIn,
    UseFilters,
    UsePage,
    UseQuery,
    VerificationOut,
)
from .signing import Verification, jwk, verify_document

router = Router(tags=["licences"])

NUMBER = Path(..., max_length=40, pattern=NUMBER_PATTERN, description="Licence number")
CONSENT_ID = Path(..., ge=1, le=ID_MAX, description="Consent id")
ORGANIZATION_ID = Path(..., ge=1, le=ID_MAX, description="Organization id")


# --- shaping --------------------------------------------------------------------------------
def _verification(licence: Licence, today: datetime.date) -> Verification:
    """What verifying the licence says today, from its own key and its state on record (the
    same verdict as against the whole published key set, without reading all of it)."""
    key = licence.key
    keyset = {
        "keys": [
            jwk(
                kid=key.kid,
                public_key=key.public_key,
                issuer="",
                retired=key.retired_at is not None,
            )
        ],
        "revoked": [licence.number] if licence.state != LicenceState.VALID else [],
    }
    return verify_document(licence.exported(), keyset, today=today)


def _brief(licence: Licence, verification: Verification) -> dict:
    return {
        "number": licence.number,
        "type": licence.licence_type.name,
        "type_code": licence.licence_type.code,
        "issuer": licence.issued_by.name,
        "issuer_id": licence.issued_by_id,
        "issued_on": licence.issued_on,
        "valid_until": licence.valid_until,
        "state": licence.state,
        "verdict": verification.verdict,
    }


def _replaced_by(licence: Licence) -> str | None:
    return licence.replaced_by.number if licence.replaced_by_id else None


def _licence(licence: Licence, today: datetime.date) -> dict:
    """A licence with its signed content: the holder's identity as signed (for the holder
    themself, or a department's lawful use)."""
    verification = _verification(licence, today)
    content = licence.content
    language = translation.get_language() or "zh-hans"
    holder = content.get("holder") or {}
    return {
        **_brief(licence, verification),
        "reason": verification.reason,
        "kid": licence.key.kid,
        "holder": {
            "kind": str(holder.get("kind", "")),
            "name": str(holder.get("name", "")),
            "id": str(holder.get("id", "")),
        },
        "fields": [
            {
                "key": key,
                "label": licence.licence_type.field_label(key, language),
                "value": "" if value is None else str(value),
            }
            for key, value in (content.get("fields") or {}).items()
        ],
        "revoked_at": licence.revoked_at,
        "revoked_reason": licence.revoked_reason,
        "replaces": content.get("replaces"),
        "replaced_by": _replaced_by(licence),
    }


def _issued(licence: Licence) -> dict:
    """A licence as its issuer is answered: on record, nothing personal."""
    return {
        "number": licence.number,
        "type": licence.licence_type.name,
        "issuer": licence.issued_by.name,
        "issued_on": licence.issued_on,
        "valid_until": licence.valid_until,
        "state": licence.state,
        "revoked_at": licence.revoked_at,
        "revoked_reason": licence.revoked_reason,
        "replaces": licence.content.get("replaces"),
        "replaced_by": _replaced_by(licence),
    }


def _use(access) -> dict:
    return {
        "id": access.pk,
        "at": access.at,
        "licence": access.licence.number,
        "licence_type": access.licence.licence_type.name,
        "department": access.organization.name if access.organization_id else None,
        "department_id": access.organization_id,
        "user_label": access.user_label,
        "case": access.case.number if access.case_id else None,
        "purpose": access.purpose,
        "basis": access.basis,
        "granted": access.granted,
    }


def _consent(consent, today: datetime.date) -> dict:
    return {
        "id": consent.pk,
        "licence": consent.licence.number,
        "licence_type": consent.licence.licence_type.name,
        "organization": consent.organization_id,
        "organization_name": consent.organization.name,
        "case": consent.case.number if consent.case_id else None,
        "purpose": consent.purpose,
        "given_at": consent.given_at,
        "until": consent.until,
        "withdrawn_at": consent.withdrawn_at,
        "active": consent.withdrawn_at is None
        and (consent.until is None or consent.until >= today),
    }


# --- verification (anyone) ------------------------------------------------------------------
@router.get("/licences/keys", response={200: KeySetOut}, auth=None)
def licence_keys(request):
    """The published key set (JWK Set, Ed25519) with the revocation list: everything needed
    to verify an exported licence offline (`manage.py verify_licence --keyset`)."""
    return selectors.keyset()


@router.post(
    "/licences/verify",
    response={200: VerificationOut, **PUBLIC_ERRORS},
    auth=None,
    openapi_extra=DOCUMENT_BODY,
)
def licence_verify(request):
    """Verify an exported licence: genuine, revoked, expired or tampered (a 200 whatever the
    verdict), with the public summary of a licence whose signature holds."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise ValidationFailed(_("This file is too large to be a licence."), status=413)
    document = services.licence_document(body)
    return selectors.public_summary(selectors.verify(document))


# --- the holder's vault ---------------------------------------------------------------------
def _holder_vault(user):
    """The user's licences; a user who holds none (no applicant record) has no vault."""
    if selectors.holder_of(user) is None:
        raise NotFound(_("You have no licence vault."))
    return selectors.vault(user).select_related("key", "replaced_by")


def _own(user, number: str) -> Licence:
    licence = _holder_vault(user).filter(number=number).first()
    if licence is None:
        raise NotFound(_("No such licence."))
    return licence


@router.get("/vault/licences", response={200: list[LicenceBriefOut], **READ_ERRORS}, tags=["vault"])
def vault_list(request):
    """My licences, newest first, revoked ones included, each with what verifying it says
    today."""
    today = timezone.localdate()
    return [_brief(lic, _verification(lic, today)) for lic in _holder_vault(request.user)]


@router.get("/vault/licences/{number}", response={200: LicenceOut, **READ_ERRORS}, tags=["vault"])
def vault_detail(request, number: str = NUMBER):
    """One of my licences with its fields."""
    return _licence(_own(request.user, number), timezone.localdate())


@router.get(
    "/vault/licences/{number}/export",
    response={200: dict, **READ_ERRORS},
    tags=["vault"],
)
def vault_export(request, number: str = NUMBER):
    """One of my licences as a file anyone can verify (`POST /api/licences/verify` or
    offline with the published key set)."""
    licence = _own(request.user, number)
    response = JsonResponse(licence.exported(), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{licence.number}.json"'
    return response


@router.get("/vault/uses", response={200: UsePage, **READ_ERRORS}, tags=["vault"])
def vault_uses(request, filters: Query[UseFilters]):
    """Who used my licences, and who tried to without a basis (用证记录), newest first;
    pages by `before`, a use id."""
    if selectors.holder_of(request.user) is None:
        raise NotFound(_("You have no licence vault."))
    qs = selectors.access_log(request.user)
    if filters.before is not None:
        qs = qs.filter(id__lt=filters.before)
    rows = list(qs.order_by("-id")[: filters.limit])
    return {
        "items": [_use(a) for a in rows],
        "next_before": rows[-1].pk if len(rows) == filters.limit else None,
    }


@router.get("/vault/consents", response={200: list[ConsentOut], **READ_ERRORS}, tags=["vault"])
def vault_consents(request):
    """The consents I gave, newest first, withdrawn ones included."""
    if selectors.holder_of(request.user) is None:
        raise NotFound(_("You have no licence vault."))
    today = timezone.localdate()
    return [_consent(c, today) for c in selectors.consents_of(request.user)]


@router.post("/vault/consents", response={201: ConsentOut, **WRITE_ERRORS}, tags=["vault"])
def vault_consent_give(request, payload: ConsentIn):
    """Let a department use one of my licences for a purpose, until a date or until I
    withdraw it."""
    licence = _own(request.user, payload.licence)
    today = timezone.localdate()
    organization = Organization.objects.filter(pk=payload.organization).first()
    if organization is None or (
        organization.valid_to is not None and organization.valid_to < today
    ):
        raise ValidationFailed(_("No such department."), code="organization")
    consent = services.consent_give(
        actor=request.user,
        licence=licence,
        organization=organization,
        purpose=payload.purpose,
        until=payload.until,
    )
    consent = selectors.consents_of(request.user).get(pk=consent.pk)
    return Status(201, _consent(consent, today))


@router.post(
    "/vault/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **WRITE_ERRORS},
    tags=["vault"],
)
def vault_consent_withdraw(request, consent_id: int = CONSENT_ID):
    """Withdraw a consent: the department's next use is refused; uses already made stay in
    the log. Withdrawing it again changes nothing."""
    consent = selectors.consents_of(request.user).filter(pk=consent_id).first()
    if consent is None:
        raise NotFound(_("No such consent."))
    services.consent_withdraw(actor=request.user, consent=consent)
    consent = selectors.consents_of(request.user).get(pk=consent_id)
    return _consent(consent, timezone.localdate())


# --- a department's use ---------------------------------------------------------------------
@router.get("/licences/{number}", response={200: LicenceOut, 400: ErrorOut, **READ_ERRORS})
def licence_use(request, query: Query[UseQuery], number: str = NUMBER):
    """A department reads a citizen's licence for a purpose (and a case): with the holder's
    consent or a legal basis of the case's item at the department; otherwise a 404. Every
    use and every refused attempt is in the holder's access log."""
    licence = services.licence_use(
        actor=request.user,
        number=number,
        purpose=mask_personal_data(query.purpose),
        case_number=query.case or "",
    )
    licence = Licence.objects.select_related("licence_type", "issued_by", "key", "replaced_by").get(
        pk=licence.pk
    )
    return _licence(licence, timezone.localdate())


# --- issuers --------------------------------------------------------------------------------
def _issued_licence(number: str) -> Licence:
    licence = (
        Licence.objects.select_related("licence_type", "issued_by", "holder", "key")
        .filter(number=number)
        .first()
    )
    if licence is None:
        raise NotFound(_("No such licence."))
    return licence


def _reloaded(licence: Licence) -> Licence:
    return Licence.objects.select_related("licence_type", "issued_by", "replaced_by").get(
        pk=licence.pk
    )


@router.post("/licences/{number}/revoke", response={200: IssuedOut, **WRITE_ERRORS})
def licence_revoke(request, payload: RevokeIn, number: str = NUMBER):
    """Revoke a licence (注销), by a reviewer or head of its issuer, with the reason:
    verification says revoked from now on (409 if it already is)."""
    licence = services.licence_revoke(
        actor=request.user, licence=_issued_licence(number), reason=payload.reason
    )
    return _issued(_reloaded(licence))


@router.post("/licences/{number}/reissue", response={201: ReissuedOut, **WRITE_ERRORS})
def licence_reissue(request, payload: ReissueIn, number: str = NUMBER):
    """Re-issue a licence with changed fields (换发), by a reviewer or head of its issuer:
    a new licence; the old one is revoked and points at it."""
    old = _issued_licence(number)
    new = services.licence_reissue(
        actor=request.user, licence=old, changes=dict(payload.changes), reason=payload.reason
    )
    return Status(201, {"old": _issued(_reloaded(old)), "new": _issued(_reloaded(new))})


@router.post(
    "/organizations/{organization_id}/signing-keys/rotate",
    response={201: JwkOut, **WRITE_ERRORS},
    tags=["licences"],
)
def signing_key_rotate(request, organization_id: int = ORGANIZATION_ID):
    """Retire the organization's signing key and start a new one (密钥轮换), by a head of
    the organization. What the old key signed keeps verifying."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(_("No such organization."))
    key = services.signing_key_rotate(actor=request.user, organization=organization)
    return Status(
        201, jwk(kid=key.kid, public_key=key.public_key, issuer=organization.name, retired=False)
    )
