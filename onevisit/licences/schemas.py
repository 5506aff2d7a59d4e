"""Schemas of the licence vault's API (`api.py`): typed so that /api/openapi.json describes
every operation completely."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Field, Schema

from onevisit.cases.schemas import DateValue, Id
from onevisit.core.schemas import AUTH_ERRORS, ErrorOut

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
#: The operations anyone may call: nothing but a malformed request is refused.
PUBLIC_ERRORS = {400: ErrorOut, 413: ErrorOut, 422: ErrorOut}

#: Licence and case numbers: the region code, the year and a serial.
NUMBER_PATTERN = r"^[0-9A-Za-z-]+$"


def _text(max_length: int, min_length: int = 0):
    """Text without NUL characters (PostgreSQL refuses them), of bounded length."""
    return Annotated[
        str, Field(pattern=r"^[^\x00]*$", max_length=max_length, min_length=min_length)
    ]


Number = Annotated[str, Field(pattern=NUMBER_PATTERN, min_length=1, max_length=40)]
FieldKey = Annotated[str, Field(pattern=r"^[^\x00]*$", min_length=1, max_length=64)]
FieldValue = _text(1000)


# --- verification (public) ---------------------------------------------------------------
class JwkOut(Schema):
    kty: str
    crv: str
    alg: str
    use: str
    kid: str
    x: str = Field(description="The Ed25519 public key, base64url.")
    issuer: str = Field(description="The organization that holds the key.")
    status: str = Field(description="active, or retired after a rotation (still verifies).")


class KeySetOut(Schema):
    keys: list[JwkOut]
    revoked: list[str] = Field(description="Numbers of the licences their issuers revoked.")


class VerificationOut(Schema):
    """The verdict, and what a verifier is shown of a licence whose signature holds (the
    holder's identity number masked); the licence fields are empty when it is tampered."""

    verdict: str = Field(description="genuine, revoked, expired or tampered.")
    reason: str
    number: str | None
    type: str | None
    issuer: str | None
    issued_on: str | None
    valid_until: str | None
    holder: str | None
    holder_id: str | None = Field(description="The holder's identity number, masked.")


#: The request body of POST /licences/verify: whatever the holder exported.
DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "An exported licence (GET /api/vault/licences/{number}/export).",
                    "additionalProperties": True,
                }
            }
        },
    }
}


# --- the holder's vault --------------------------------------------------------------------
class LicenceBriefOut(Schema):
    number: str
    type: str
    type_code: str
    issuer: str
    issuer_id: int
    issued_on: datetime.date
    valid_until: datetime.date | None
    state: str = Field(description="valid or revoked, on record.")
    verdict: str = Field(description="What verifying it says today.")


class HolderOut(Schema):
    kind: str
    name: str
    id: str = Field(description="Identity number or credit code, as signed.")


class LicenceFieldOut(Schema):
    key: str
    label: str
    value: str


class LicenceOut(LicenceBriefOut):
    reason: str = Field(description="Why the verdict is what it is.")
    kid: str
    holder: HolderOut
    fields: list[LicenceFieldOut]
    revoked_at: datetime.datetime | None
    revoked_reason: str
    replaces: str | None = Field(description="The licence this one re-issued.")
    replaced_by: str | None = Field(description="The licence that re-issued this one.")


class UseFilters(Schema):
    before: Id | None = Field(None, description="Keyset: uses older than this one (its id).")
    limit: int = Field(100, ge=1, le=500)


class UseOut(Schema):
    id: int
    at: datetime.datetime
    licence: str
    licence_type: str
    department: str | None
    department_id: int | None
    user_label: str
    case: str | None
    purpose: str
    basis: str
    granted: bool


class UsePage(Schema):
    items: list[UseOut]
    next_before: int | None = Field(description="Pass as `before` for the next page.")


class ConsentIn(Schema):
    licence: Number = Field(description="The number of one of your licences.")
    organization: Id = Field(description="The department that may use it.")
    purpose: _text(300, 1)
    until: DateValue | None = Field(None, description="Empty: until withdrawn.")


class ConsentOut(Schema):
    id: int
    licence: str
    licence_type: str
    organization: int
    organization_name: str
    case: str | None
    purpose: str
    given_at: datetime.datetime
    until: datetime.date | None
    withdrawn_at: datetime.datetime | None
    active: bool = Field(description="Not withdrawn and not past its date.")


# --- departments ------------------------------------------------------------------------------
class UseQuery(Schema):
    purpose: _text(300, 1) = Field(description="Why the department needs the licence.")
    case: Annotated[str, Field(pattern=NUMBER_PATTERN, max_length=40)] | None = Field(
        None, description="The holder's case it is needed for (a legal basis needs one)."
    )


# --- issuers --------------------------------------------------------------------------------
class RevokeIn(Schema):
    reason: _text(2000)


class ReissueIn(Schema):
    changes: dict[FieldKey, FieldValue] = Field(
        default_factory=dict, description="The fields that change, by key.", max_length=100
    )
    reason: _text(2000)


class IssuedOut(Schema):
    """What the issuer is answered: the licence on record, nothing personal."""

    number: str
    type: str
    issuer: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    state: str
    revoked_at: datetime.datetime | None
    revoked_reason: str
    replaces: str | None
    replaced_by: str | None


class ReissuedOut(Schema):
    old: IssuedOut
    new: IssuedOut
