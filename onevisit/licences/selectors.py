"""Reads of the licence vault, each scoped to the user: the holder's own licences, uses and
consents; the public key set and verification, which show nothing personal."""

from __future__ import annotations

import datetime
import hmac

from django.db.models import QuerySet
from django.utils import timezone

from onevisit.cases.models import Applicant, Record
from onevisit.core.identifiers import mask_identity_number

from .choices import LicenceState, Verdict
from .models import Consent, Licence, LicenceAccess, SigningKey
from .signing import Verification, jwk, verify_document


def _published(keys) -> list[dict]:
    return [
        jwk(
            kid=k.kid,
            public_key=k.public_key,
            issuer=k.organization.name,
            retired=k.retired_at is not None,
        )
        for k in keys.select_related("organization").order_by("pk")
    ]


def keyset() -> dict:
    """The published key set (JWK Set) with the revocation list: all anyone needs to
    verify an exported licence offline."""
    revoked = list(
        Licence.objects.filter(state=LicenceState.REVOKED)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    return {"keys": _published(SigningKey.objects.all()), "revoked": revoked}


def verify(document, *, today: datetime.date | None = None) -> Verification:
    """Verify an exported licence against this platform's key set: the part of it the
    document needs (its key, and whether its number is revoked), two small queries
    however many keys and revocations there are."""
    kid, number = None, None
    if isinstance(document, dict):
        kid = document.get("kid")
        payload = document.get("payload")
        number = payload.get("number") if isinstance(payload, dict) else None
    keys = SigningKey.objects.filter(kid=kid) if isinstance(kid, str) else SigningKey.objects.none()
    revoked = Licence.objects.filter(number=str(number)[:40], state=LicenceState.REVOKED)
    part = {
        "keys": _published(keys),
        "revoked": list(revoked.values_list("number", flat=True)) if number else [],
    }
    return verify_document(document, part, today=today or timezone.localdate())


def signature_tag(licence: Licence) -> str:
    """The part of the signature printed in the QR link: a forged number does not fit it."""
    return licence.signature[:16]


def verify_link(number: str, tag: str) -> tuple[Licence | None, Verification]:
    """What the QR link of a printed licence says: the stored licence, verified, when the
    number exists and the tag matches its signature; tampered otherwise."""
    licence = (
        Licence.objects.select_related("key", "licence_type", "issued_by")
        .filter(number=str(number)[:40])
        .first()
    )
    if licence is None or not hmac.compare_digest(signature_tag(licence), str(tag)[:40]):
        return None, Verification(Verdict.TAMPERED, "no licence with this number and signature")
    return licence, verify(licence.exported())


def public_summary(verification: Verification) -> dict:
    """What a verifier is shown: the licence's type, number, issuer and dates, and the
    holder's name with the identity number masked; nothing else."""
    payload = verification.payload or {}
    holder = payload.get("holder") or {}
    return {
        "verdict": verification.verdict,
        "reason": verification.reason,
        "number": payload.get("number"),
        "type": (payload.get("type") or {}).get("name"),
        "issuer": (payload.get("issuer") or {}).get("name"),
        "issued_on": payload.get("issued_on"),
        "valid_until": payload.get("valid_until"),
        "holder": holder.get("name"),
        "holder_id": mask_identity_number(holder.get("id") or ""),
    }


def holder_of(user) -> Applicant | None:
    """The applicant record of a logged-in citizen or enterprise."""
    if user is None or not user.is_authenticated:
        return None
    return Applicant.objects.filter(user=user).first()


def vault(user) -> QuerySet[Licence]:
    """The user's own licences, newest first (revoked ones included, marked)."""
    holder = holder_of(user)
    if holder is None:
        return Licence.objects.none()
    return Licence.objects.filter(holder=holder).select_related("licence_type", "issued_by")


def vault_results(user) -> QuerySet[Record]:
    """The user's results that are not electronic licences (earlier cases' results)."""
    holder = holder_of(user)
    if holder is None:
        return Record.objects.none()
    return Record.objects.filter(applicant=holder, licence__isnull=True).select_related("issued_by")


def own_licence(user, number: str) -> Licence | None:
    """One of the user's own licences by number; None for anyone else's."""
    return vault(user).select_related("key").filter(number=str(number)[:40]).first()


def access_log(user) -> QuerySet[LicenceAccess]:
    """Who used the user's licences, and who tried to without a basis ("who used my data")."""
    holder = holder_of(user)
    if holder is None:
        return LicenceAccess.objects.none()
    return LicenceAccess.objects.filter(holder=holder).select_related(
        "licence__licence_type", "organization", "case"
    )


def consents_of(user) -> QuerySet[Consent]:
    holder = holder_of(user)
    if holder is None:
        return Consent.objects.none()
    return Consent.objects.filter(holder=holder).select_related(
        "licence__licence_type", "organization", "case"
    )
