"""What the vault's pages share: the page's language, a licence type's name in it, and a
licence's state as the holder reads it (valid, revoked or expired)."""

from __future__ import annotations

import datetime

from django.utils import translation

from ..choices import LicenceState, Verdict
from ..models import Licence, LicenceType


def language() -> str:
    return translation.get_language() or "en"


def type_name(licence_type: LicenceType) -> str:
    """The type's name in the page's language (the Chinese name is the official one)."""
    if language().startswith("zh"):
        return licence_type.name
    return licence_type.name_en or licence_type.name


def licence_status(licence: Licence, today: datetime.date) -> tuple[str, str]:
    """(key, label) of the licence's state today: revoked, expired or valid."""
    if licence.state == LicenceState.REVOKED:
        return "revoked", str(LicenceState.REVOKED.label)
    if licence.valid_until is not None and licence.valid_until < today:
        return "expired", str(Verdict.EXPIRED.label)
    return "valid", str(LicenceState.VALID.label)
