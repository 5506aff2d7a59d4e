"""Identifiers: resident identity numbers (公民身份号码) and credit codes (统一社会信用代码).

Validation uses python-stdnum's real check digits; masking hides personal data from
roles that do not need it.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc

from .errors import ValidationFailed

_ID_PATTERN = re.compile(r"\b\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx]\b")
_PHONE_PATTERN = re.compile(r"\b1[3-9]\d{9}\b")


def normalize_identity_number(value: str) -> str:
    """Return the compact, validated form of a resident identity number or raise."""
    try:
        return ric.validate(value).upper()
    except KeyError:
        # python-stdnum's birthplace table lacks county names for some current division
        # codes; by then length, digits, check digit and birth date have all been checked.
        return ric.compact(value).upper()
    except (stdnum_exceptions.ValidationError, ValueError):
        raise ValidationFailed(
            _("“%(value)s” is not a valid resident identity number (check digit or date).")
            % {"value": mask_identity_number(str(value))},
            code="invalid_identity_number",
        )


def birth_date_of(identity_number: str) -> datetime.date:
    return ric.get_birth_date(identity_number)


def region_code_of(identity_number: str) -> str:
    return identity_number[:6]


def mask_identity_number(value: str) -> str:
    """Keep the first four and last two characters: enough to tell people apart."""
    value = (value or "").strip()
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_personal_data(text: str) -> str:
    """Mask identity and mobile numbers found anywhere in free text (for logs)."""
    text = _ID_PATTERN.sub(lambda m: mask_identity_number(m.group(0)), text)
    return _PHONE_PATTERN.sub(lambda m: mask_phone(m.group(0)), text)


def normalize_credit_code(value: str) -> str:
    """Return the compact, validated unified social credit code or raise."""
    try:
        return uscc.validate(value)
    except stdnum_exceptions.ValidationError:
        raise ValidationFailed(
            _("“%(value)s” is not a valid unified social credit code.") % {"value": value},
            code="invalid_credit_code",
        )
